// STK167 sensitive-host-mount: A sensitive host path is bind-mounted. See
// docs/rules/STK167-sensitive-host-mount.md.

#include <algorithm>
#include <string>
#include <string_view>

#include <fmt/format.h>

#include "compiler/lint/helpers.h"
#include "compiler/lint/rule.h"

namespace stackc::lint {
namespace {

class SensitiveHostMount final : public BasicRule {
 public:
  SensitiveHostMount()
      : BasicRule("STK167", "sensitive-host-mount", Severity::warning,
                  "A sensitive host path is bind-mounted") {}

  void check(const LintContext& context, Diagnostics& diags) const override {
    const ir::Stack& stack = context.stack;
    static constexpr std::string_view k_paths[] = {
        "/", "/etc", "/proc", "/sys", "/boot", "/dev", "/usr", "/lib", "/root", "/var/lib/docker"};
    for (const ir::Service& service : stack.services) {
      for (const ir::Mount& mount : service.volumes) {
        if (!mount.type || *mount.type != "bind" || !mount.source) {
          continue;
        }
        std::string source = *mount.source;
        while (source.size() > 1 && source.back() == '/') {
          source.pop_back();
        }
        if (std::find(std::begin(k_paths), std::end(k_paths), source) != std::end(k_paths)) {
          report(diags, first_located({mount.source.loc, mount.loc}),
                 fmt::format("service '{}' bind-mounts the host's {}{}", service.name, source,
                             mount.read_only && *mount.read_only ? " (read-only)" : ""));
        }
      }
    }
  }
};

}  // namespace

const Rule& sensitive_host_mount_rule() {
  static const SensitiveHostMount rule;
  return rule;
}

}  // namespace stackc::lint
