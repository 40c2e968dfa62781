// STK126 invalid-restart: The legacy restart value is one the reference cannot convert. See
// docs/rules/STK126-invalid-restart.md.

#include <algorithm>
#include <cctype>
#include <string>
#include <string_view>

#include <fmt/format.h>

#include "compiler/lint/rule.h"

namespace stackc::lint {
namespace {

class InvalidRestart final : public BasicRule {
 public:
  InvalidRestart()
      : BasicRule("STK126", "invalid-restart", Severity::error,
                  "The legacy restart value is one the reference cannot convert") {}

  void check(const LintContext& context, Diagnostics& diags) const override {
    const ir::Stack& stack = context.stack;
    for (const ir::Service& service : stack.services) {
      if (!service.restart || service.deploy.restart_policy) {
        continue;
      }
      const std::string& value = *service.restart;
      bool ok = value.empty() || value == "no" || value == "always" || value == "unless-stopped" ||
                value == "on-failure";
      if (!ok && value.starts_with("on-failure:")) {
        std::string count = value.substr(11);
        ok = !count.empty() && std::all_of(count.begin(), count.end(), [](char c) {
          return std::isdigit(static_cast<unsigned char>(c)) != 0;
        });
      }
      if (!ok) {
        report(
            diags, service.restart.loc,
            fmt::format("restart '{}' of service '{}' is not no, always, unless-stopped or "
                        "on-failure[:N]; without deploy.restart_policy the reference converts it "
                        "and fails",
                        value, service.name));
      }
    }
  }
};

}  // namespace

const Rule& invalid_restart_rule() {
  static const InvalidRestart rule;
  return rule;
}

}  // namespace stackc::lint
