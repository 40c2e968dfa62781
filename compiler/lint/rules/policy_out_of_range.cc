// STK130 policy-out-of-range: A negative delay or a max_failure_ratio outside 0..1. See
// docs/rules/STK130-policy-out-of-range.md.

#include <string>
#include <string_view>

#include <fmt/format.h>

#include "compiler/lint/rule.h"

namespace stackc::lint {
namespace {

class PolicyOutOfRange final : public BasicRule {
 public:
  PolicyOutOfRange()
      : BasicRule("STK130", "policy-out-of-range", Severity::error,
                  "A negative delay or a max_failure_ratio outside 0..1") {}

  void check(const LintContext& context, Diagnostics& diags) const override {
    const ir::Stack& stack = context.stack;
    auto negative = [&](const ir::Duration& field, std::string_view what, const ir::Service& s) {
      if (field && *field < 0) {
        report(diags, field.loc, fmt::format("{} of service '{}' is negative", what, s.name));
      }
    };
    auto check_update = [&](const std::optional<ir::UpdateConfig>& config, std::string_view what,
                            const ir::Service& s) {
      if (!config) {
        return;
      }
      negative(config->delay, fmt::format("{}.delay", what), s);
      negative(config->monitor, fmt::format("{}.monitor", what), s);
      if (config->max_failure_ratio &&
          (*config->max_failure_ratio < 0 || *config->max_failure_ratio > 1)) {
        report(diags, config->max_failure_ratio.loc,
               fmt::format("{}.max_failure_ratio of service '{}' is {}, outside 0 to 1", what,
                           s.name, *config->max_failure_ratio));
      }
    };
    for (const ir::Service& service : stack.services) {
      check_update(service.deploy.update_config, "update_config", service);
      check_update(service.deploy.rollback_config, "rollback_config", service);
      if (service.deploy.restart_policy) {
        negative(service.deploy.restart_policy->delay, "restart_policy.delay", service);
        negative(service.deploy.restart_policy->window, "restart_policy.window", service);
      }
      // The engine takes a negative grace period and the tasks run: a warning only.
      if (service.stop_grace_period && *service.stop_grace_period < 0) {
        diags.report(Severity::warning, std::string(id()), service.stop_grace_period.loc,
                     fmt::format("stop_grace_period of service '{}' is negative", service.name));
      }
    }
  }
};

}  // namespace

const Rule& policy_out_of_range_rule() {
  static const PolicyOutOfRange rule;
  return rule;
}

}  // namespace stackc::lint
