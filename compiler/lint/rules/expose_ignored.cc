// STK150 expose-ignored: expose is ignored by docker stack deploy. See
// docs/rules/STK150-expose-ignored.md.

#include <string>
#include <string_view>

#include <fmt/format.h>

#include "compiler/lint/rule.h"

namespace stackc::lint {
namespace {

class ExposeIgnored final : public BasicRule {
 public:
  ExposeIgnored()
      : BasicRule("STK150", "expose-ignored", Severity::warning,
                  "expose is ignored by docker stack deploy") {}

  void check(const LintContext& context, Diagnostics& diags) const override {
    const ir::Stack& stack = context.stack;
    for (const ir::Service& service : stack.services) {
      if (service.expose.set) {
        report(diags, service.expose.loc,
               fmt::format("expose of service '{}' is ignored by docker stack deploy: services on "
                           "a network reach each other on every port",
                           service.name));
      }
    }
  }
};

}  // namespace

const Rule& expose_ignored_rule() {
  static const ExposeIgnored rule;
  return rule;
}

}  // namespace stackc::lint
