// STK173 host-network: A service joins the host network. See docs/rules/STK173-host-network.md.

#include <string>
#include <string_view>

#include <fmt/format.h>

#include "compiler/lint/helpers.h"
#include "compiler/lint/rule.h"

namespace stackc::lint {
namespace {

class HostNetwork final : public BasicRule {
 public:
  HostNetwork()
      : BasicRule("STK173", "host-network", Severity::warning, "A service joins the host network") {
  }

  void check(const LintContext& context, Diagnostics& diags) const override {
    const ir::Stack& stack = context.stack;
    for (const ir::Service& service : stack.services) {
      for (const auto& [key, attachment] : service.networks) {
        if (external_network_name(stack, key) == "host") {
          report(diags, attachment.loc,
                 fmt::format("service '{}' uses the host's network stack: no isolation, and its "
                             "ports bind directly on each node",
                             service.name));
        }
      }
    }
  }
};

}  // namespace

const Rule& host_network_rule() {
  static const HostNetwork rule;
  return rule;
}

}  // namespace stackc::lint
