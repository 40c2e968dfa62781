// STK163 secret-in-environment: A password, secret or token is written literally in environment.
// See docs/rules/STK163-secret-in-environment.md.

#include <string>
#include <string_view>

#include <fmt/format.h>

#include "compiler/lint/helpers.h"
#include "compiler/lint/rule.h"

namespace stackc::lint {
namespace {

class SecretInEnvironment final : public BasicRule {
 public:
  SecretInEnvironment()
      : BasicRule("STK163", "secret-in-environment", Severity::warning,
                  "A password, secret or token is written literally in environment") {}

  void check(const LintContext& context, Diagnostics& diags) const override {
    const ir::Stack& stack = context.stack;
    for (const ir::Service& service : stack.services) {
      for (const auto& [key, value] : service.environment) {
        if (!value.value || value.value->empty() || !is_secret_like_key(key)) {
          continue;
        }
        // A value interpolated from the deploying shell is not in the file (still visible in
        // `docker service inspect`, but that is a separate trade-off).
        if (value.loc.has_line() &&
            value.loc.file->line(value.loc.line).find('$') != std::string_view::npos) {
          continue;
        }
        // Never print the value itself.
        report(diags, value.loc,
               fmt::format("environment variable {} of service '{}' holds a literal credential: "
                           "use a secret (e.g. {}_FILE=/run/secrets/...)",
                           key, service.name, key));
      }
    }
  }
};

}  // namespace

const Rule& secret_in_environment_rule() {
  static const SecretInEnvironment rule;
  return rule;
}

}  // namespace stackc::lint
