// STK165 rollback-without-monitor: failure_action rollback without a monitor period. See
// docs/rules/STK165-rollback-without-monitor.md.

#include <string>
#include <string_view>

#include <fmt/format.h>

#include "compiler/lint/rule.h"

namespace stackc::lint {
namespace {

class RollbackWithoutMonitor final : public BasicRule {
 public:
  RollbackWithoutMonitor()
      : BasicRule("STK165", "rollback-without-monitor", Severity::warning,
                  "failure_action rollback without a monitor period") {}

  void check(const LintContext& context, Diagnostics& diags) const override {
    const ir::Stack& stack = context.stack;
    for (const ir::Service& service : stack.services) {
      const auto& update = service.deploy.update_config;
      if (update && update->failure_action && *update->failure_action == "rollback" &&
          !update->monitor) {
        report(diags, update->failure_action.loc,
               fmt::format("service '{}' rolls back on failure but sets no update_config.monitor: "
                           "only failures within the default 5s after each task starts count",
                           service.name));
      }
    }
  }
};

}  // namespace

const Rule& rollback_without_monitor_rule() {
  static const RollbackWithoutMonitor rule;
  return rule;
}

}  // namespace stackc::lint
