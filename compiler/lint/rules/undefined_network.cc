// STK100 undefined-network: A service uses a network that is not declared. See
// docs/rules/STK100-undefined-network.md.

#include <string>
#include <string_view>

#include <fmt/format.h>

#include "compiler/lint/rule.h"

namespace stackc::lint {
namespace {

class UndefinedNetwork final : public BasicRule {
 public:
  UndefinedNetwork()
      : BasicRule("STK100", "undefined-network", Severity::error,
                  "A service uses a network that is not declared") {}

  void check(const LintContext& context, Diagnostics& diags) const override {
    const ir::Stack& stack = context.stack;
    for (const ir::Service& service : stack.services) {
      for (const auto& [name, network] : service.networks) {
        if (name != "default" && stack.networks.count(name) == 0) {
          report(diags, network.loc,
                 fmt::format("service '{}' uses network '{}', which is not declared under the "
                             "top-level networks",
                             service.name, name));
        }
      }
    }
  }
};

}  // namespace

const Rule& undefined_network_rule() {
  static const UndefinedNetwork rule;
  return rule;
}

}  // namespace stackc::lint
