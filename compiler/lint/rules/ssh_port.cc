// STK170 ssh-port: Port 22 is published. See docs/rules/STK170-ssh-port.md.

#include <string>
#include <string_view>

#include <fmt/format.h>

#include "compiler/lint/rule.h"

namespace stackc::lint {
namespace {

class SshPort final : public BasicRule {
 public:
  SshPort() : BasicRule("STK170", "ssh-port", Severity::warning, "Port 22 is published") {}

  void check(const LintContext& context, Diagnostics& diags) const override {
    const ir::Stack& stack = context.stack;
    for (const ir::Service& service : stack.services) {
      for (const ir::Port& port : service.ports) {
        if (port.published && *port.published == 22) {
          report(diags, port.loc,
                 fmt::format("service '{}' publishes port 22 on every node, where the hosts' own "
                             "SSH usually listens",
                             service.name));
        }
      }
    }
  }
};

}  // namespace

const Rule& ssh_port_rule() {
  static const SshPort rule;
  return rule;
}

}  // namespace stackc::lint
