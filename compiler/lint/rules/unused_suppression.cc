// STK199 unused-suppression: A suppression that suppresses nothing, or names an unknown rule. See
// docs/rules/STK199-unused-suppression.md.

#include <string>
#include <string_view>

#include <fmt/format.h>

#include "compiler/lint/rule.h"

namespace stackc::lint {
namespace {

class UnusedSuppression final : public BasicRule {
 public:
  UnusedSuppression()
      : BasicRule("STK199", "unused-suppression", Severity::warning,
                  "A suppression that suppresses nothing, or names an unknown rule") {}

  void check(const LintContext& context, Diagnostics& diags) const override {
    const ir::Stack& stack = context.stack;
    // Reported by the driver (lint.cc), which sees every suppression and what it matched.
    (void)stack;
    (void)diags;
  }
};

}  // namespace

const Rule& unused_suppression_rule() {
  static const UnusedSuppression rule;
  return rule;
}

}  // namespace stackc::lint
