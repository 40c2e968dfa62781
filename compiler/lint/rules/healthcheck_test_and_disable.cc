// STK121 healthcheck-test-and-disable: A healthcheck sets both test and disable: true. See
// docs/rules/STK121-healthcheck-test-and-disable.md.

#include <string>
#include <string_view>

#include <fmt/format.h>

#include "compiler/lint/rule.h"

namespace stackc::lint {
namespace {

class HealthcheckTestAndDisable final : public BasicRule {
 public:
  HealthcheckTestAndDisable()
      : BasicRule("STK121", "healthcheck-test-and-disable", Severity::error,
                  "A healthcheck sets both test and disable: true") {}

  void check(const LintContext& context, Diagnostics& diags) const override {
    const ir::Stack& stack = context.stack;
    for (const ir::Service& service : stack.services) {
      if (service.healthcheck && service.healthcheck->disable && *service.healthcheck->disable &&
          !service.healthcheck->test.empty()) {
        report(diags, service.healthcheck->disable.loc,
               fmt::format("healthcheck of service '{}' sets both test and disable: true, which "
                           "the reference refuses",
                           service.name));
      }
    }
  }
};

}  // namespace

const Rule& healthcheck_test_and_disable_rule() {
  static const HealthcheckTestAndDisable rule;
  return rule;
}

}  // namespace stackc::lint
