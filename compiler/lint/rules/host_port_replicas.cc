// STK169 host-port-replicas: A host-mode port with several replicas that may share a node. See
// docs/rules/STK169-host-port-replicas.md.

#include <string>
#include <string_view>

#include <fmt/format.h>

#include "compiler/lint/helpers.h"
#include "compiler/lint/rule.h"

namespace stackc::lint {
namespace {

class HostPortReplicas final : public BasicRule {
 public:
  HostPortReplicas()
      : BasicRule("STK169", "host-port-replicas", Severity::warning,
                  "A host-mode port with several replicas that may share a node") {}

  void check(const LintContext& context, Diagnostics& diags) const override {
    const ir::Stack& stack = context.stack;
    for (const ir::Service& service : stack.services) {
      if (service_mode(service) != "replicated") {
        continue;
      }
      uint64_t replicas = service.deploy.replicas ? *service.deploy.replicas : 1;
      const ir::Uint& per_node = service.deploy.placement.max_replicas_per_node;
      if (replicas < 2 || (per_node && *per_node == 1)) {
        continue;
      }
      for (const ir::Port& port : service.ports) {
        if (port.mode && *port.mode == "host" && port.published && *port.published != 0) {
          report(diags, port.loc,
                 fmt::format("service '{}' publishes host port {} with {} replicas: two tasks on "
                             "one node collide; set placement.max_replicas_per_node: 1 or use "
                             "mode: global",
                             service.name, *port.published, replicas));
        }
      }
    }
  }
};

}  // namespace

const Rule& host_port_replicas_rule() {
  static const HostPortReplicas rule;
  return rule;
}

}  // namespace stackc::lint
