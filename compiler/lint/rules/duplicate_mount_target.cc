// STK116 duplicate-mount-target: Two mounts of a service share one target path. See
// docs/rules/STK116-duplicate-mount-target.md.

#include <string>
#include <string_view>

#include <fmt/format.h>

#include "compiler/lint/helpers.h"
#include "compiler/lint/rule.h"

namespace stackc::lint {
namespace {

class DuplicateMountTarget final : public BasicRule {
 public:
  DuplicateMountTarget()
      : BasicRule("STK116", "duplicate-mount-target", Severity::error,
                  "Two mounts of a service share one target path") {}

  void check(const LintContext& context, Diagnostics& diags) const override {
    const ir::Stack& stack = context.stack;
    for (const ir::Service& service : stack.services) {
      std::map<std::string, SourceLoc> seen;
      for (const ir::Mount& mount : service.volumes) {
        if (!mount.target) {
          continue;
        }
        std::string target = *mount.target;
        while (target.size() > 1 && target.back() == '/') {
          target.pop_back();
        }
        auto [it, inserted] = seen.emplace(target, mount.loc);
        if (!inserted) {
          report(diags, first_located({mount.target.loc, mount.loc}),
                 fmt::format("service '{}' mounts two volumes on {}", service.name, target))
              .notes.push_back({it->second, "first mounted here"});
        }
      }
    }
  }
};

}  // namespace

const Rule& duplicate_mount_target_rule() {
  static const DuplicateMountTarget rule;
  return rule;
}

}  // namespace stackc::lint
