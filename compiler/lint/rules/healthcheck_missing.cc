// STK161 healthcheck-missing: A service has no healthcheck. See
// docs/rules/STK161-healthcheck-missing.md.

#include <string>
#include <string_view>

#include <fmt/format.h>

#include "compiler/lint/helpers.h"
#include "compiler/lint/rule.h"

namespace stackc::lint {
namespace {

class HealthcheckMissing final : public BasicRule {
 public:
  HealthcheckMissing()
      : BasicRule("STK161", "healthcheck-missing", Severity::warning,
                  "A service has no healthcheck") {}

  void check(const LintContext& context, Diagnostics& diags) const override {
    const ir::Stack& stack = context.stack;
    for (const ir::Service& service : stack.services) {
      std::string mode = service_mode(service);
      if (service.healthcheck || mode == "replicated-job" || mode == "global-job") {
        continue;
      }
      // The image may define a HEALTHCHECK; the rule's page says how to suppress it then.
      report(diags, service.loc,
             fmt::format("service '{}' has no healthcheck: rolling updates cannot tell a started "
                         "task from a working one",
                         service.name));
    }
  }
};

}  // namespace

const Rule& healthcheck_missing_rule() {
  static const HealthcheckMissing rule;
  return rule;
}

}  // namespace stackc::lint
