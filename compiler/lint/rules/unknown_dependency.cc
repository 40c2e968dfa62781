// STK124 unknown-dependency: depends_on names a service that does not exist. See
// docs/rules/STK124-unknown-dependency.md.

#include <string>
#include <string_view>

#include <fmt/format.h>

#include "compiler/lint/rule.h"

namespace stackc::lint {
namespace {

class UnknownDependency final : public BasicRule {
 public:
  UnknownDependency()
      : BasicRule("STK124", "unknown-dependency", Severity::warning,
                  "depends_on names a service that does not exist") {}

  void check(const LintContext& context, Diagnostics& diags) const override {
    const ir::Stack& stack = context.stack;
    for (const ir::Service& service : stack.services) {
      const ir::StrList& deps = service.depends_on;
      for (size_t i = 0; i < deps.values.size(); ++i) {
        if (stack.find_service(deps.values[i]) == nullptr) {
          report(diags, deps.locs[i],
                 fmt::format("service '{}' depends on '{}', which is not a service of this stack",
                             service.name, deps.values[i]));
        }
      }
    }
  }
};

}  // namespace

const Rule& unknown_dependency_rule() {
  static const UnknownDependency rule;
  return rule;
}

}  // namespace stackc::lint
