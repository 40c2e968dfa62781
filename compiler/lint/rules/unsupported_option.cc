// STK152 unsupported-option: domainname, ipc, mac_address, pid, shm_size or userns_mode is ignored.
// See docs/rules/STK152-unsupported-option.md.

#include <string>
#include <string_view>

#include <fmt/format.h>

#include "compiler/lint/rule.h"

namespace stackc::lint {
namespace {

class UnsupportedOption final : public BasicRule {
 public:
  UnsupportedOption()
      : BasicRule("STK152", "unsupported-option", Severity::warning,
                  "domainname, ipc, mac_address, pid, shm_size or userns_mode is ignored") {}

  void check(const LintContext& context, Diagnostics& diags) const override {
    const ir::Stack& stack = context.stack;
    for (const ir::Service& service : stack.services) {
      for (const auto& [key, field] :
           {std::pair<std::string_view, const ir::Str*>{"domainname", &service.domainname},
            {"ipc", &service.ipc},
            {"mac_address", &service.mac_address},
            {"pid", &service.pid},
            {"shm_size", &service.shm_size},
            {"userns_mode", &service.userns_mode}}) {
        if (*field) {
          report(diags, field->loc,
                 fmt::format("{} of service '{}' is ignored by docker stack deploy", key,
                             service.name));
        }
      }
    }
  }
};

}  // namespace

const Rule& unsupported_option_rule() {
  static const UnsupportedOption rule;
  return rule;
}

}  // namespace stackc::lint
