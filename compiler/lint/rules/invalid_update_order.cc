// STK108 invalid-update-order: update/rollback order is not start-first or stop-first. See
// docs/rules/STK108-invalid-update-order.md.

#include <string>
#include <string_view>

#include <fmt/format.h>

#include "compiler/lint/rule.h"

namespace stackc::lint {
namespace {

class InvalidUpdateOrder final : public BasicRule {
 public:
  InvalidUpdateOrder()
      : BasicRule("STK108", "invalid-update-order", Severity::error,
                  "update/rollback order is not start-first or stop-first") {}

  void check(const LintContext& context, Diagnostics& diags) const override {
    const ir::Stack& stack = context.stack;
    auto check_one = [&](const std::optional<ir::UpdateConfig>& config, std::string_view what) {
      if (!config || !config->order || config->order->empty()) {
        return;
      }
      if (*config->order != "start-first" && *config->order != "stop-first") {
        report(diags, config->order.loc,
               fmt::format("{}.order '{}' is not start-first or stop-first", what, *config->order));
      }
    };
    for (const ir::Service& service : stack.services) {
      check_one(service.deploy.update_config, "update_config");
      check_one(service.deploy.rollback_config, "rollback_config");
    }
  }
};

}  // namespace

const Rule& invalid_update_order_rule() {
  static const InvalidUpdateOrder rule;
  return rule;
}

}  // namespace stackc::lint
