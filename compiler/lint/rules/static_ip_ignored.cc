// STK148 static-ip-ignored: ipv4_address and ipv6_address are dropped silently. See
// docs/rules/STK148-static-ip-ignored.md.

#include <string>
#include <string_view>

#include <fmt/format.h>

#include "compiler/lint/rule.h"

namespace stackc::lint {
namespace {

class StaticIpIgnored final : public BasicRule {
 public:
  StaticIpIgnored()
      : BasicRule("STK148", "static-ip-ignored", Severity::warning,
                  "ipv4_address and ipv6_address are dropped silently") {}

  void check(const LintContext& context, Diagnostics& diags) const override {
    const ir::Stack& stack = context.stack;
    for (const ir::Service& service : stack.services) {
      for (const auto& [name, network] : service.networks) {
        for (const ir::Str* address : {&network.ipv4_address, &network.ipv6_address}) {
          if (*address) {
            report(diags, address->loc,
                   fmt::format("{} of service '{}' on network '{}' is dropped without a word by "
                               "docker stack deploy: tasks get addresses from IPAM",
                               address == &network.ipv4_address ? "ipv4_address" : "ipv6_address",
                               service.name, name));
          }
        }
      }
    }
  }
};

}  // namespace

const Rule& static_ip_ignored_rule() {
  static const StaticIpIgnored rule;
  return rule;
}

}  // namespace stackc::lint
