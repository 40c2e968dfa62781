// STK105 invalid-deploy-mode: deploy.mode is not replicated, global, replicated-job or global-job.
// See docs/rules/STK105-invalid-deploy-mode.md.

#include <string>
#include <string_view>

#include <fmt/format.h>

#include "compiler/lint/rule.h"

namespace stackc::lint {
namespace {

class InvalidDeployMode final : public BasicRule {
 public:
  InvalidDeployMode()
      : BasicRule("STK105", "invalid-deploy-mode", Severity::error,
                  "deploy.mode is not replicated, global, replicated-job or global-job") {}

  void check(const LintContext& context, Diagnostics& diags) const override {
    const ir::Stack& stack = context.stack;
    for (const ir::Service& service : stack.services) {
      const ir::Str& mode = service.deploy.mode;
      if (mode && !mode->empty() && *mode != "replicated" && *mode != "global" &&
          *mode != "replicated-job" && *mode != "global-job") {
        report(diags, mode.loc,
               fmt::format("unknown mode '{}': use replicated, global, replicated-job or "
                           "global-job",
                           *mode));
      }
    }
  }
};

}  // namespace

const Rule& invalid_deploy_mode_rule() {
  static const InvalidDeployMode rule;
  return rule;
}

}  // namespace stackc::lint
