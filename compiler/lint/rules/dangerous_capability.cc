// STK168 dangerous-capability: cap_add grants ALL, SYS_ADMIN, NET_ADMIN, SYS_PTRACE or SYS_MODULE.
// See docs/rules/STK168-dangerous-capability.md.

#include <algorithm>
#include <cctype>
#include <string>
#include <string_view>

#include <fmt/format.h>

#include "compiler/lint/rule.h"

namespace stackc::lint {
namespace {

class DangerousCapability final : public BasicRule {
 public:
  DangerousCapability()
      : BasicRule("STK168", "dangerous-capability", Severity::warning,
                  "cap_add grants ALL, SYS_ADMIN, NET_ADMIN, SYS_PTRACE or SYS_MODULE") {}

  void check(const LintContext& context, Diagnostics& diags) const override {
    const ir::Stack& stack = context.stack;
    static constexpr std::string_view k_caps[] = {"ALL", "SYS_ADMIN", "NET_ADMIN", "SYS_PTRACE",
                                                  "SYS_MODULE"};
    for (const ir::Service& service : stack.services) {
      const ir::StrList& caps = service.cap_add;
      for (size_t i = 0; i < caps.values.size(); ++i) {
        std::string cap = caps.values[i];
        for (char& c : cap) {
          c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        }
        if (cap.starts_with("CAP_")) {
          cap = cap.substr(4);
        }
        if (std::find(std::begin(k_caps), std::end(k_caps), cap) != std::end(k_caps)) {
          report(diags, caps.locs[i],
                 fmt::format("service '{}' adds capability {}, which amounts to near-root power "
                             "over the node",
                             service.name, cap));
        }
      }
    }
  }
};

}  // namespace

const Rule& dangerous_capability_rule() {
  static const DangerousCapability rule;
  return rule;
}

}  // namespace stackc::lint
