// STK120 healthcheck-too-short: A healthcheck duration is negative or below 1 ms. See
// docs/rules/STK120-healthcheck-too-short.md.

#include <string>
#include <string_view>

#include <fmt/format.h>

#include "compiler/lint/rule.h"

namespace stackc::lint {
namespace {

class HealthcheckTooShort final : public BasicRule {
 public:
  HealthcheckTooShort()
      : BasicRule("STK120", "healthcheck-too-short", Severity::error,
                  "A healthcheck duration is negative or below 1 ms") {}

  void check(const LintContext& context, Diagnostics& diags) const override {
    const ir::Stack& stack = context.stack;
    constexpr int64_t k_ms = 1000000;
    for (const ir::Service& service : stack.services) {
      if (!service.healthcheck) {
        continue;
      }
      const ir::Healthcheck& check = *service.healthcheck;
      for (const auto& [what, field] :
           {std::pair<std::string_view, const ir::Duration*>{"interval", &check.interval},
            {"timeout", &check.timeout},
            {"start_period", &check.start_period}}) {
        if (*field && **field != 0 && **field < k_ms) {
          report(diags, field->loc,
                 fmt::format("healthcheck {} of service '{}' is {}: the engine refuses non-zero "
                             "durations below 1ms",
                             what, service.name, **field < 0 ? "negative" : "below 1ms"));
        }
      }
    }
  }
};

}  // namespace

const Rule& healthcheck_too_short_rule() {
  static const HealthcheckTooShort rule;
  return rule;
}

}  // namespace stackc::lint
