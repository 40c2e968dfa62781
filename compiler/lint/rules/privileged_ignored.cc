// STK145 privileged-ignored: privileged is ignored by docker stack deploy. See
// docs/rules/STK145-privileged-ignored.md.

#include <string>
#include <string_view>

#include <fmt/format.h>

#include "compiler/lint/rule.h"

namespace stackc::lint {
namespace {

class PrivilegedIgnored final : public BasicRule {
 public:
  PrivilegedIgnored()
      : BasicRule("STK145", "privileged-ignored", Severity::warning,
                  "privileged is ignored by docker stack deploy") {}

  void check(const LintContext& context, Diagnostics& diags) const override {
    const ir::Stack& stack = context.stack;
    for (const ir::Service& service : stack.services) {
      if (service.privileged && *service.privileged) {
        report(diags, service.privileged.loc,
               fmt::format("privileged of service '{}' is ignored by docker stack deploy: grant "
                           "capabilities with cap_add",
                           service.name));
      }
    }
  }
};

}  // namespace

const Rule& privileged_ignored_rule() {
  static const PrivilegedIgnored rule;
  return rule;
}

}  // namespace stackc::lint
