// STK141 container-name-ignored: container_name is ignored by docker stack deploy. See
// docs/rules/STK141-container-name-ignored.md.

#include <string>
#include <string_view>

#include <fmt/format.h>

#include "compiler/lint/rule.h"

namespace stackc::lint {
namespace {

class ContainerNameIgnored final : public BasicRule {
 public:
  ContainerNameIgnored()
      : BasicRule("STK141", "container-name-ignored", Severity::warning,
                  "container_name is ignored by docker stack deploy") {}

  void check(const LintContext& context, Diagnostics& diags) const override {
    const ir::Stack& stack = context.stack;
    for (const ir::Service& service : stack.services) {
      if (service.container_name) {
        report(diags, service.container_name.loc,
               fmt::format("container_name of service '{}' is ignored by docker stack deploy: "
                           "address the service by its name",
                           service.name));
      }
    }
  }
};

}  // namespace

const Rule& container_name_ignored_rule() {
  static const ContainerNameIgnored rule;
  return rule;
}

}  // namespace stackc::lint
