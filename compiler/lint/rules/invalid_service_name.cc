// STK127 invalid-service-name: A service name the engine refuses. See
// docs/rules/STK127-invalid-service-name.md.

#include <string>
#include <string_view>

#include <fmt/format.h>

#include "compiler/lint/helpers.h"
#include "compiler/lint/rule.h"

namespace stackc::lint {
namespace {

class InvalidServiceName final : public BasicRule {
 public:
  InvalidServiceName()
      : BasicRule("STK127", "invalid-service-name", Severity::error,
                  "A service name the engine refuses") {}

  void check(const LintContext& context, Diagnostics& diags) const override {
    const ir::Stack& stack = context.stack;
    for (const ir::Service& service : stack.services) {
      // The engine's [a-zA-Z0-9](?:[-_]*[A-Za-z0-9]+)*
      if (!is_alnum_edged(service.name, "-_")) {
        report(diags, service.loc,
               fmt::format("service name '{}' is refused by the engine: use letters, digits, '-' "
                           "and '_', starting and ending with a letter or digit",
                           service.name));
      } else if (service.name.size() > 61) {
        report(diags, service.loc,
               fmt::format("service name '{}' is {} characters: with the stack prefix it exceeds "
                           "the engine's 63",
                           service.name, service.name.size()));
      }
    }
  }
};

}  // namespace

const Rule& invalid_service_name_rule() {
  static const InvalidServiceName rule;
  return rule;
}

}  // namespace stackc::lint
