// STK174 oom-score-adj-ignored: oom_score_adj is accepted but never sent by docker stack deploy
// 28. See docs/rules/STK174-oom-score-adj-ignored.md.

#include <fmt/format.h>

#include "compiler/lint/rule.h"

namespace stackc::lint {
namespace {

class OomScoreAdjIgnored final : public BasicRule {
 public:
  OomScoreAdjIgnored()
      : BasicRule("STK174", "oom-score-adj-ignored", Severity::warning,
                  "oom_score_adj is accepted but not deployed") {}

  void check(const LintContext& context, Diagnostics& diags) const override {
    for (const ir::Service& service : context.stack.services) {
      if (service.oom_score_adj) {
        report(diags, service.oom_score_adj.loc,
               fmt::format("oom_score_adj of service '{}' is accepted by docker stack deploy 28 "
                           "but never sent to the swarm: its tasks keep the default score",
                           service.name));
      }
    }
  }
};

}  // namespace

const Rule& oom_score_adj_ignored_rule() {
  static const OomScoreAdjIgnored rule;
  return rule;
}

}  // namespace stackc::lint
