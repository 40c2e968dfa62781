// STK132 credential-spec-conflict: credential_spec sets more than one of config, file, registry.
// See docs/rules/STK132-credential-spec-conflict.md.

#include <string>
#include <string_view>

#include <fmt/format.h>

#include "compiler/lint/rule.h"

namespace stackc::lint {
namespace {

class CredentialSpecConflict final : public BasicRule {
 public:
  CredentialSpecConflict()
      : BasicRule("STK132", "credential-spec-conflict", Severity::error,
                  "credential_spec sets more than one of config, file, registry") {}

  void check(const LintContext& context, Diagnostics& diags) const override {
    const ir::Stack& stack = context.stack;
    for (const ir::Service& service : stack.services) {
      const ir::CredentialSpec& spec = service.credential_spec;
      int count = (spec.config ? 1 : 0) + (spec.file ? 1 : 0) + (spec.registry ? 1 : 0);
      if (count > 1) {
        SourceLoc loc = spec.registry ? spec.registry.loc : spec.file.loc;
        report(diags, loc,
               fmt::format("credential_spec of service '{}' may set only one of config, file and "
                           "registry",
                           service.name));
      }
    }
  }
};

}  // namespace

const Rule& credential_spec_conflict_rule() {
  static const CredentialSpecConflict rule;
  return rule;
}

}  // namespace stackc::lint
