// STK143 restart-ignored: restart is not what Swarm uses (deploy.restart_policy is). See
// docs/rules/STK143-restart-ignored.md.

#include <string>
#include <string_view>

#include <fmt/format.h>

#include "compiler/lint/rule.h"

namespace stackc::lint {
namespace {

class RestartIgnored final : public BasicRule {
 public:
  RestartIgnored()
      : BasicRule("STK143", "restart-ignored", Severity::warning,
                  "restart is not what Swarm uses (deploy.restart_policy is)") {}

  void check(const LintContext& context, Diagnostics& diags) const override {
    const ir::Stack& stack = context.stack;
    for (const ir::Service& service : stack.services) {
      if (!service.restart) {
        continue;
      }
      if (service.deploy.restart_policy) {
        report(diags, service.restart.loc,
               fmt::format("restart of service '{}' is ignored: deploy.restart_policy wins",
                           service.name))
            .notes.push_back({service.deploy.restart_policy->loc, "restart_policy set here"});
      } else {
        report(diags, service.restart.loc,
               fmt::format("restart of service '{}' is reported as unsupported by docker stack "
                           "deploy but still converted to a restart policy; write "
                           "deploy.restart_policy instead",
                           service.name));
      }
    }
  }
};

}  // namespace

const Rule& restart_ignored_rule() {
  static const RestartIgnored rule;
  return rule;
}

}  // namespace stackc::lint
