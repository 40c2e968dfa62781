// STK151 cgroup-options-ignored: cgroup_parent and cgroupns_mode are ignored. See
// docs/rules/STK151-cgroup-options-ignored.md.

#include <string>
#include <string_view>

#include <fmt/format.h>

#include "compiler/lint/rule.h"

namespace stackc::lint {
namespace {

class CgroupOptionsIgnored final : public BasicRule {
 public:
  CgroupOptionsIgnored()
      : BasicRule("STK151", "cgroup-options-ignored", Severity::warning,
                  "cgroup_parent and cgroupns_mode are ignored") {}

  void check(const LintContext& context, Diagnostics& diags) const override {
    const ir::Stack& stack = context.stack;
    for (const ir::Service& service : stack.services) {
      for (const ir::Str* field : {&service.cgroup_parent, &service.cgroupns_mode}) {
        if (*field) {
          report(diags, field->loc,
                 fmt::format("{} of service '{}' is ignored by docker stack deploy",
                             field == &service.cgroup_parent ? "cgroup_parent" : "cgroupns_mode",
                             service.name));
        }
      }
    }
  }
};

}  // namespace

const Rule& cgroup_options_ignored_rule() {
  static const CgroupOptionsIgnored rule;
  return rule;
}

}  // namespace stackc::lint
