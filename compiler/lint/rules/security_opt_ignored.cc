// STK147 security-opt-ignored: security_opt is ignored by docker stack deploy. See
// docs/rules/STK147-security-opt-ignored.md.

#include <string>
#include <string_view>

#include <fmt/format.h>

#include "compiler/lint/rule.h"

namespace stackc::lint {
namespace {

class SecurityOptIgnored final : public BasicRule {
 public:
  SecurityOptIgnored()
      : BasicRule("STK147", "security-opt-ignored", Severity::warning,
                  "security_opt is ignored by docker stack deploy") {}

  void check(const LintContext& context, Diagnostics& diags) const override {
    const ir::Stack& stack = context.stack;
    for (const ir::Service& service : stack.services) {
      if (service.security_opt.set) {
        report(diags, service.security_opt.loc,
               fmt::format("security_opt of service '{}' is ignored by docker stack deploy",
                           service.name));
      }
    }
  }
};

}  // namespace

const Rule& security_opt_ignored_rule() {
  static const SecurityOptIgnored rule;
  return rule;
}

}  // namespace stackc::lint
