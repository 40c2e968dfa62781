// STK125 dependency-cycle: depends_on forms a cycle. See docs/rules/STK125-dependency-cycle.md.

#include <algorithm>
#include <functional>
#include <string>
#include <string_view>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "compiler/lint/rule.h"

namespace stackc::lint {
namespace {

class DependencyCycle final : public BasicRule {
 public:
  DependencyCycle()
      : BasicRule("STK125", "dependency-cycle", Severity::error, "depends_on forms a cycle") {}

  void check(const LintContext& context, Diagnostics& diags) const override {
    const ir::Stack& stack = context.stack;
    // Depth-first search; a back edge closes a cycle, reported once at that edge.
    std::map<std::string, int> state;  // 0 new, 1 on the stack, 2 done
    std::vector<std::string> path;
    std::function<void(const ir::Service&)> visit = [&](const ir::Service& service) {
      state[service.name] = 1;
      path.push_back(service.name);
      const ir::StrList& deps = service.depends_on;
      for (size_t i = 0; i < deps.values.size(); ++i) {
        const ir::Service* next = stack.find_service(deps.values[i]);
        if (next == nullptr) {
          continue;
        }
        int& next_state = state[next->name];
        if (next_state == 1) {
          auto start = std::find(path.begin(), path.end(), next->name);
          std::string cycle =
              fmt::format("{} -> {}", fmt::join(start, path.end(), " -> "), next->name);
          report(diags, deps.locs[i], fmt::format("depends_on forms a cycle: {}", cycle));
        } else if (next_state == 0) {
          visit(*next);
        }
      }
      path.pop_back();
      state[service.name] = 2;
    };
    for (const ir::Service& service : stack.services) {
      if (state[service.name] == 0) {
        visit(service);
      }
    }
  }
};

}  // namespace

const Rule& dependency_cycle_rule() {
  static const DependencyCycle rule;
  return rule;
}

}  // namespace stackc::lint
