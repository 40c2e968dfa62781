// STK175 start-interval-unused: healthcheck.start_interval without a start period. See
// docs/rules/STK175-start-interval-unused.md.

#include <fmt/format.h>

#include "compiler/lint/rule.h"

namespace stackc::lint {
namespace {

class StartIntervalUnused final : public BasicRule {
 public:
  StartIntervalUnused()
      : BasicRule("STK175", "start-interval-unused", Severity::warning,
                  "healthcheck.start_interval without a start_period") {}

  void check(const LintContext& context, Diagnostics& diags) const override {
    for (const ir::Service& service : context.stack.services) {
      if (!service.healthcheck) {
        continue;
      }
      const ir::Healthcheck& check = *service.healthcheck;
      // The engine probes at start_interval only during the start period.
      if (check.start_interval && *check.start_interval != 0 &&
          (!check.start_period || *check.start_period == 0)) {
        report(diags, check.start_interval.loc,
               fmt::format("healthcheck.start_interval of service '{}' has no effect without a "
                           "start_period: probes run at start_interval only during the start "
                           "period",
                           service.name));
      }
    }
  }
};

}  // namespace

const Rule& start_interval_unused_rule() {
  static const StartIntervalUnused rule;
  return rule;
}

}  // namespace stackc::lint
