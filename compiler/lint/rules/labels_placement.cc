// STK172 labels-placement: Proxy labels under the container's labels instead of deploy.labels. See
// docs/rules/STK172-labels-placement.md.

#include <string>
#include <string_view>

#include <fmt/format.h>

#include "compiler/lint/rule.h"

namespace stackc::lint {
namespace {

class LabelsPlacement final : public BasicRule {
 public:
  LabelsPlacement()
      : BasicRule("STK172", "labels-placement", Severity::warning,
                  "Proxy labels under the container's labels instead of deploy.labels") {}

  void check(const LintContext& context, Diagnostics& diags) const override {
    const ir::Stack& stack = context.stack;
    for (const ir::Service& service : stack.services) {
      for (const auto& [key, value] : service.labels) {
        if (key.starts_with("traefik.") && service.deploy.labels.count(key) == 0) {
          report(diags, value.loc,
                 fmt::format("label {} of service '{}' is on the containers; in swarm mode the "
                             "proxy reads service labels: move it under deploy.labels",
                             key, service.name));
        }
      }
    }
  }
};

}  // namespace

const Rule& labels_placement_rule() {
  static const LabelsPlacement rule;
  return rule;
}

}  // namespace stackc::lint
