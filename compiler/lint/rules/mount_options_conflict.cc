// STK134 mount-options-conflict: a mount has a source or options its type does not take. See
// docs/rules/STK134-mount-options-conflict.md.

#include <string>
#include <string_view>

#include <fmt/format.h>

#include "compiler/lint/helpers.h"
#include "compiler/lint/rule.h"

namespace stackc::lint {
namespace {

class MountOptionsConflict final : public BasicRule {
 public:
  MountOptionsConflict()
      : BasicRule("STK134", "mount-options-conflict", Severity::error,
                  "A mount has a source or options its type does not take") {}

  void check(const LintContext& context, Diagnostics& diags) const override {
    for (const ir::Service& service : context.stack.services) {
      for (const ir::Mount& mount : service.volumes) {
        check_mount(service, mount, diags);
      }
    }
  }

 private:
  // The reference's convertVolumeToMount: each type takes its own option block only, a bind
  // needs a source and a tmpfs has none. It fails after the networks were created.
  void check_mount(const ir::Service& service, const ir::Mount& mount, Diagnostics& diags) const {
    const std::string type = mount.type && !mount.type->empty() ? *mount.type : "volume";
    const std::string target = mount.target ? *mount.target : "";
    auto incompatible = [&](std::string_view block, SourceLoc loc) {
      report(diags, first_located({loc, mount.loc}),
             fmt::format("mount {} of service '{}': {} options are incompatible with type {}",
                         target, service.name, block, type));
    };
    if (mount.has_bind && type != "bind") {
      incompatible("bind", mount.bind_propagation.loc);
    }
    if (mount.has_volume && type != "volume") {
      incompatible("volume", mount.volume_nocopy.loc);
    }
    if (mount.has_tmpfs && type != "tmpfs") {
      incompatible("tmpfs", mount.tmpfs_size.loc);
    }
    const bool has_source = mount.source && !mount.source->empty();
    if (type == "tmpfs" && has_source) {
      report(diags, first_located({mount.source.loc, mount.loc}),
             fmt::format("tmpfs mount {} of service '{}' has a source ('{}'): a tmpfs has none",
                         target, service.name, *mount.source));
    }
    if ((type == "bind" || type == "npipe" || type == "cluster") && !has_source) {
      report(diags, mount.loc,
             fmt::format("{} mount {} of service '{}' has no source", type, target, service.name));
    }
  }
};

}  // namespace

const Rule& mount_options_conflict_rule() {
  static const MountOptionsConflict rule;
  return rule;
}

}  // namespace stackc::lint
