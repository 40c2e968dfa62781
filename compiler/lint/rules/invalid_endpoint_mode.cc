// STK106 invalid-endpoint-mode: deploy.endpoint_mode is not vip or dnsrr. See
// docs/rules/STK106-invalid-endpoint-mode.md.

#include <cctype>
#include <string>
#include <string_view>

#include <fmt/format.h>

#include "compiler/lint/rule.h"

namespace stackc::lint {
namespace {

class InvalidEndpointMode final : public BasicRule {
 public:
  InvalidEndpointMode()
      : BasicRule("STK106", "invalid-endpoint-mode", Severity::error,
                  "deploy.endpoint_mode is not vip or dnsrr") {}

  void check(const LintContext& context, Diagnostics& diags) const override {
    const ir::Stack& stack = context.stack;
    for (const ir::Service& service : stack.services) {
      const ir::Str& mode = service.deploy.endpoint_mode;
      if (!mode || mode->empty()) {
        continue;
      }
      std::string lower = *mode;
      for (char& c : lower) {
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      }
      if (lower != "vip" && lower != "dnsrr") {
        report(diags, mode.loc, fmt::format("unknown endpoint_mode '{}': use vip or dnsrr", *mode));
      }
    }
  }
};

}  // namespace

const Rule& invalid_endpoint_mode_rule() {
  static const InvalidEndpointMode rule;
  return rule;
}

}  // namespace stackc::lint
