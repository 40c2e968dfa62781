// STK131 ingress-network: A service attaches to the ingress network. See
// docs/rules/STK131-ingress-network.md.

#include <string>
#include <string_view>

#include <fmt/format.h>

#include "compiler/lint/helpers.h"
#include "compiler/lint/rule.h"

namespace stackc::lint {
namespace {

class IngressNetwork final : public BasicRule {
 public:
  IngressNetwork()
      : BasicRule("STK131", "ingress-network", Severity::error,
                  "A service attaches to the ingress network") {}

  void check(const LintContext& context, Diagnostics& diags) const override {
    const ir::Stack& stack = context.stack;
    for (const ir::Service& service : stack.services) {
      for (const auto& [key, attachment] : service.networks) {
        if (external_network_name(stack, key) == "ingress") {
          report(diags, attachment.loc,
                 fmt::format("service '{}' attaches to the ingress network, which the engine "
                             "refuses: publish ports instead",
                             service.name));
        }
      }
    }
  }
};

}  // namespace

const Rule& ingress_network_rule() {
  static const IngressNetwork rule;
  return rule;
}

}  // namespace stackc::lint
