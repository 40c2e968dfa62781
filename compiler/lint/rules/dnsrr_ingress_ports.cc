// STK114 dnsrr-ingress-ports: endpoint_mode dnsrr with ports published through the ingress. See
// docs/rules/STK114-dnsrr-ingress-ports.md.

#include <string>
#include <string_view>

#include <fmt/format.h>

#include "compiler/lint/rule.h"

namespace stackc::lint {
namespace {

class DnsrrIngressPorts final : public BasicRule {
 public:
  DnsrrIngressPorts()
      : BasicRule("STK114", "dnsrr-ingress-ports", Severity::error,
                  "endpoint_mode dnsrr with ports published through the ingress") {}

  void check(const LintContext& context, Diagnostics& diags) const override {
    const ir::Stack& stack = context.stack;
    for (const ir::Service& service : stack.services) {
      const ir::Str& mode = service.deploy.endpoint_mode;
      if (!mode || (*mode != "dnsrr" && *mode != "DNSRR")) {
        continue;
      }
      for (const ir::Port& port : service.ports) {
        if (!port.mode || *port.mode == "ingress") {
          report(diags, port.loc,
                 fmt::format("service '{}' uses endpoint_mode dnsrr, which cannot publish port {} "
                             "through the ingress: use mode: host",
                             service.name, *port.target))
              .notes.push_back({mode.loc, "endpoint_mode set here"});
        }
      }
    }
  }
};

}  // namespace

const Rule& dnsrr_ingress_ports_rule() {
  static const DnsrrIngressPorts rule;
  return rule;
}

}  // namespace stackc::lint
