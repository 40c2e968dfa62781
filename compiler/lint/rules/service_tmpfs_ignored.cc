// STK149 service-tmpfs-ignored: tmpfs is ignored by docker stack deploy. See
// docs/rules/STK149-service-tmpfs-ignored.md.

#include <string>
#include <string_view>

#include <fmt/format.h>

#include "compiler/lint/rule.h"

namespace stackc::lint {
namespace {

class ServiceTmpfsIgnored final : public BasicRule {
 public:
  ServiceTmpfsIgnored()
      : BasicRule("STK149", "service-tmpfs-ignored", Severity::warning,
                  "tmpfs is ignored by docker stack deploy") {}

  void check(const LintContext& context, Diagnostics& diags) const override {
    const ir::Stack& stack = context.stack;
    for (const ir::Service& service : stack.services) {
      if (service.tmpfs.set) {
        report(diags, service.tmpfs.loc,
               fmt::format("tmpfs of service '{}' is ignored by docker stack deploy (silently): "
                           "use a volumes entry with type: tmpfs",
                           service.name));
      }
    }
  }
};

}  // namespace

const Rule& service_tmpfs_ignored_rule() {
  static const ServiceTmpfsIgnored rule;
  return rule;
}

}  // namespace stackc::lint
