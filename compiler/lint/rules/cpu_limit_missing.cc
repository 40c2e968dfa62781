// STK171 cpu-limit-missing: A service has no CPU limit (off by default). See
// docs/rules/STK171-cpu-limit-missing.md.

#include <string>
#include <string_view>

#include <fmt/format.h>

#include "compiler/lint/rule.h"

namespace stackc::lint {
namespace {

class CpuLimitMissing final : public BasicRule {
 public:
  CpuLimitMissing()
      : BasicRule("STK171", "cpu-limit-missing", Severity::note,
                  "A service has no CPU limit (off by default)", /*on_by_default=*/false) {}

  void check(const LintContext& context, Diagnostics& diags) const override {
    const ir::Stack& stack = context.stack;
    for (const ir::Service& service : stack.services) {
      if (!service.deploy.limits.nano_cpus || *service.deploy.limits.nano_cpus == 0) {
        report(diags, service.loc,
               fmt::format("service '{}' has no deploy.resources.limits.cpus", service.name));
      }
    }
  }
};

}  // namespace

const Rule& cpu_limit_missing_rule() {
  static const CpuLimitMissing rule;
  return rule;
}

}  // namespace stackc::lint
