// STK107 invalid-failure-action: update/rollback failure_action is not continue, rollback or pause.
// See docs/rules/STK107-invalid-failure-action.md.

#include <string>
#include <string_view>

#include <fmt/format.h>

#include "compiler/lint/rule.h"

namespace stackc::lint {
namespace {

class InvalidFailureAction final : public BasicRule {
 public:
  InvalidFailureAction()
      : BasicRule("STK107", "invalid-failure-action", Severity::error,
                  "update/rollback failure_action is not continue, rollback or pause") {}

  void check(const LintContext& context, Diagnostics& diags) const override {
    const ir::Stack& stack = context.stack;
    auto check_one = [&](const std::optional<ir::UpdateConfig>& config, std::string_view what) {
      if (!config || !config->failure_action || config->failure_action->empty()) {
        return;
      }
      const std::string& action = *config->failure_action;
      if (action != "continue" && action != "rollback" && action != "pause") {
        report(diags, config->failure_action.loc,
               fmt::format("{}.failure_action '{}' is not one of continue, rollback, pause", what,
                           action));
      }
    };
    for (const ir::Service& service : stack.services) {
      check_one(service.deploy.update_config, "update_config");
      check_one(service.deploy.rollback_config, "rollback_config");
    }
  }
};

}  // namespace

const Rule& invalid_failure_action_rule() {
  static const InvalidFailureAction rule;
  return rule;
}

}  // namespace stackc::lint
