// STK146 devices-ignored: devices is ignored by docker stack deploy. See
// docs/rules/STK146-devices-ignored.md.

#include <string>
#include <string_view>

#include <fmt/format.h>

#include "compiler/lint/rule.h"

namespace stackc::lint {
namespace {

class DevicesIgnored final : public BasicRule {
 public:
  DevicesIgnored()
      : BasicRule("STK146", "devices-ignored", Severity::warning,
                  "devices is ignored by docker stack deploy") {}

  void check(const LintContext& context, Diagnostics& diags) const override {
    const ir::Stack& stack = context.stack;
    for (const ir::Service& service : stack.services) {
      if (service.devices.set) {
        report(
            diags, service.devices.loc,
            fmt::format("devices of service '{}' is ignored by docker stack deploy", service.name));
      }
    }
  }
};

}  // namespace

const Rule& devices_ignored_rule() {
  static const DevicesIgnored rule;
  return rule;
}

}  // namespace stackc::lint
