// STK164 privileged-port: A port below 1024 is published. See docs/rules/STK164-privileged-port.md.

#include <string>
#include <string_view>

#include <fmt/format.h>

#include "compiler/lint/rule.h"

namespace stackc::lint {
namespace {

class PrivilegedPort final : public BasicRule {
 public:
  PrivilegedPort()
      : BasicRule("STK164", "privileged-port", Severity::note, "A port below 1024 is published") {}

  void check(const LintContext& context, Diagnostics& diags) const override {
    const ir::Stack& stack = context.stack;
    for (const ir::Service& service : stack.services) {
      for (const ir::Port& port : service.ports) {
        if (port.published && *port.published > 0 && *port.published < 1024) {
          report(diags, port.loc,
                 fmt::format("service '{}' publishes privileged port {} on every node",
                             service.name, *port.published));
        }
      }
    }
  }
};

}  // namespace

const Rule& privileged_port_rule() {
  static const PrivilegedPort rule;
  return rule;
}

}  // namespace stackc::lint
