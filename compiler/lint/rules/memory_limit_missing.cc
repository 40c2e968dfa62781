// STK162 memory-limit-missing: A service has no memory limit. See
// docs/rules/STK162-memory-limit-missing.md.

#include <string>
#include <string_view>

#include <fmt/format.h>

#include "compiler/lint/rule.h"

namespace stackc::lint {
namespace {

class MemoryLimitMissing final : public BasicRule {
 public:
  MemoryLimitMissing()
      : BasicRule("STK162", "memory-limit-missing", Severity::warning,
                  "A service has no memory limit") {}

  void check(const LintContext& context, Diagnostics& diags) const override {
    const ir::Stack& stack = context.stack;
    for (const ir::Service& service : stack.services) {
      if (!service.deploy.limits.memory || *service.deploy.limits.memory == 0) {
        report(diags, service.loc,
               fmt::format("service '{}' has no deploy.resources.limits.memory: one leaking task "
                           "can exhaust its node",
                           service.name));
      }
    }
  }
};

}  // namespace

const Rule& memory_limit_missing_rule() {
  static const MemoryLimitMissing rule;
  return rule;
}

}  // namespace stackc::lint
