// STK115 duplicate-published-port: The same port is published twice in the stack. See
// docs/rules/STK115-duplicate-published-port.md.

#include <string>
#include <string_view>

#include <fmt/format.h>

#include "compiler/lint/rule.h"

namespace stackc::lint {
namespace {

class DuplicatePublishedPort final : public BasicRule {
 public:
  DuplicatePublishedPort()
      : BasicRule("STK115", "duplicate-published-port", Severity::error,
                  "The same port is published twice in the stack") {}

  void check(const LintContext& context, Diagnostics& diags) const override {
    const ir::Stack& stack = context.stack;
    // Ingress ports are cluster-wide: two services cannot publish the same one either.
    std::map<std::pair<uint32_t, std::string>, std::pair<const ir::Service*, SourceLoc>> seen;
    for (const ir::Service& service : stack.services) {
      std::map<std::pair<uint32_t, std::string>, SourceLoc> host_seen;
      for (const ir::Port& port : service.ports) {
        if (!port.published || *port.published == 0) {
          continue;
        }
        std::string protocol = port.protocol ? *port.protocol : "tcp";
        auto key = std::make_pair(*port.published, protocol);
        bool host = port.mode && *port.mode == "host";
        if (host) {
          auto [it, inserted] = host_seen.emplace(key, port.loc);
          if (!inserted) {
            report(diags, port.loc,
                   fmt::format("service '{}' publishes port {}/{} twice", service.name, key.first,
                               protocol))
                .notes.push_back({it->second, "first published here"});
          }
          continue;
        }
        auto [it, inserted] = seen.emplace(key, std::make_pair(&service, port.loc));
        if (!inserted) {
          report(diags, port.loc,
                 fmt::format("port {}/{} is already published by service '{}'", key.first, protocol,
                             it->second.first->name))
              .notes.push_back({it->second.second, "first published here"});
        }
      }
    }
  }
};

}  // namespace

const Rule& duplicate_published_port_rule() {
  static const DuplicatePublishedPort rule;
  return rule;
}

}  // namespace stackc::lint
