// STK113 ulimit-soft-above-hard: A ulimit's soft limit is above its hard limit. See
// docs/rules/STK113-ulimit-soft-above-hard.md.

#include <string>
#include <string_view>

#include <fmt/format.h>

#include "compiler/lint/helpers.h"
#include "compiler/lint/rule.h"

namespace stackc::lint {
namespace {

class UlimitSoftAboveHard final : public BasicRule {
 public:
  UlimitSoftAboveHard()
      : BasicRule("STK113", "ulimit-soft-above-hard", Severity::error,
                  "A ulimit's soft limit is above its hard limit") {}

  void check(const LintContext& context, Diagnostics& diags) const override {
    const ir::Stack& stack = context.stack;
    for (const ir::Service& service : stack.services) {
      for (const auto& [name, limit] : service.ulimits) {
        if (limit.soft && limit.hard && *limit.soft > *limit.hard) {
          report(diags, first_located({limit.soft.loc, limit.loc}),
                 fmt::format("ulimit {} of service '{}': soft limit {} is above hard limit {}",
                             name, service.name, *limit.soft, *limit.hard));
        }
      }
    }
  }
};

}  // namespace

const Rule& ulimit_soft_above_hard_rule() {
  static const UlimitSoftAboveHard rule;
  return rule;
}

}  // namespace stackc::lint
