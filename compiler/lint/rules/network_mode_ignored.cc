// STK144 network-mode-ignored: network_mode is ignored by docker stack deploy. See
// docs/rules/STK144-network-mode-ignored.md.

#include <string>
#include <string_view>

#include <fmt/format.h>

#include "compiler/lint/rule.h"

namespace stackc::lint {
namespace {

class NetworkModeIgnored final : public BasicRule {
 public:
  NetworkModeIgnored()
      : BasicRule("STK144", "network-mode-ignored", Severity::warning,
                  "network_mode is ignored by docker stack deploy") {}

  void check(const LintContext& context, Diagnostics& diags) const override {
    const ir::Stack& stack = context.stack;
    for (const ir::Service& service : stack.services) {
      if (service.network_mode) {
        report(diags, service.network_mode.loc,
               fmt::format("network_mode of service '{}' is ignored by docker stack deploy: list "
                           "networks under networks",
                           service.name));
      }
    }
  }
};

}  // namespace

const Rule& network_mode_ignored_rule() {
  static const NetworkModeIgnored rule;
  return rule;
}

}  // namespace stackc::lint
