// STK104 invalid-restart-condition: deploy.restart_policy.condition is not none, on-failure or any.
// See docs/rules/STK104-invalid-restart-condition.md.

#include <string>
#include <string_view>

#include <fmt/format.h>

#include "compiler/lint/rule.h"

namespace stackc::lint {
namespace {

class InvalidRestartCondition final : public BasicRule {
 public:
  InvalidRestartCondition()
      : BasicRule("STK104", "invalid-restart-condition", Severity::error,
                  "deploy.restart_policy.condition is not none, on-failure or any") {}

  void check(const LintContext& context, Diagnostics& diags) const override {
    const ir::Stack& stack = context.stack;
    for (const ir::Service& service : stack.services) {
      const auto& policy = service.deploy.restart_policy;
      if (policy && policy->condition && !policy->condition->empty() &&
          *policy->condition != "none" && *policy->condition != "on-failure" &&
          *policy->condition != "any") {
        report(diags, policy->condition.loc,
               fmt::format("restart condition '{}' is not one of none, on-failure, any",
                           *policy->condition));
      }
    }
  }
};

}  // namespace

const Rule& invalid_restart_condition_rule() {
  static const InvalidRestartCondition rule;
  return rule;
}

}  // namespace stackc::lint
