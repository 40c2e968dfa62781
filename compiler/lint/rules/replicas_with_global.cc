// STK109 replicas-with-global: replicas or max_replicas_per_node with a global mode. See
// docs/rules/STK109-replicas-with-global.md.

#include <string>
#include <string_view>

#include <fmt/format.h>

#include "compiler/lint/helpers.h"
#include "compiler/lint/rule.h"

namespace stackc::lint {
namespace {

class ReplicasWithGlobal final : public BasicRule {
 public:
  ReplicasWithGlobal()
      : BasicRule("STK109", "replicas-with-global", Severity::error,
                  "replicas or max_replicas_per_node with a global mode") {}

  void check(const LintContext& context, Diagnostics& diags) const override {
    const ir::Stack& stack = context.stack;
    for (const ir::Service& service : stack.services) {
      std::string mode = service_mode(service);
      if (mode != "global" && mode != "global-job") {
        continue;
      }
      if (service.deploy.replicas) {
        report(diags, service.deploy.replicas.loc,
               fmt::format("replicas can only be used with replicated or replicated-job mode, and "
                           "service '{}' is {}",
                           service.name, mode));
      }
      // The reference and the engine take this one and ignore it: the tasks run.
      if (service.deploy.placement.max_replicas_per_node) {
        diags.report(Severity::warning, std::string(id()),
                     service.deploy.placement.max_replicas_per_node.loc,
                     fmt::format("max_replicas_per_node can only be used with replicated mode, and "
                                 "service '{}' is {}",
                                 service.name, mode));
      }
    }
  }
};

}  // namespace

const Rule& replicas_with_global_rule() {
  static const ReplicasWithGlobal rule;
  return rule;
}

}  // namespace stackc::lint
