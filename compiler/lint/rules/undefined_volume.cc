// STK101 undefined-volume: A service mounts a named volume that is not declared. See
// docs/rules/STK101-undefined-volume.md.

#include <string>
#include <string_view>

#include <fmt/format.h>

#include "compiler/lint/helpers.h"
#include "compiler/lint/rule.h"

namespace stackc::lint {
namespace {

class UndefinedVolume final : public BasicRule {
 public:
  UndefinedVolume()
      : BasicRule("STK101", "undefined-volume", Severity::error,
                  "A service mounts a named volume that is not declared") {}

  void check(const LintContext& context, Diagnostics& diags) const override {
    const ir::Stack& stack = context.stack;
    for (const ir::Service& service : stack.services) {
      for (const ir::Mount& mount : service.volumes) {
        bool is_volume = !mount.type || mount.type->empty() || *mount.type == "volume";
        // A cluster mount names a stack volume too, unless its source is a "group:".
        bool is_cluster = mount.type && *mount.type == "cluster" && mount.source &&
                          mount.source->rfind("group:", 0) != 0;
        if ((is_volume || is_cluster) && mount.source && !mount.source->empty() &&
            stack.volumes.count(*mount.source) == 0) {
          report(diags, first_located({mount.source.loc, mount.loc}),
                 fmt::format("service '{}' mounts volume '{}', which is not declared under the "
                             "top-level volumes",
                             service.name, *mount.source));
        }
      }
    }
  }
};

}  // namespace

const Rule& undefined_volume_rule() {
  static const UndefinedVolume rule;
  return rule;
}

}  // namespace stackc::lint
