// STK140 build-ignored: build is ignored by docker stack deploy. See
// docs/rules/STK140-build-ignored.md.

#include <string>
#include <string_view>

#include <fmt/format.h>

#include "compiler/lint/rule.h"

namespace stackc::lint {
namespace {

class BuildIgnored final : public BasicRule {
 public:
  BuildIgnored()
      : BasicRule("STK140", "build-ignored", Severity::warning,
                  "build is ignored by docker stack deploy") {}

  void check(const LintContext& context, Diagnostics& diags) const override {
    const ir::Stack& stack = context.stack;
    for (const ir::Service& service : stack.services) {
      if (service.build.set) {
        report(
            diags, service.build.loc,
            fmt::format("build of service '{}' is ignored by docker stack deploy: build and push "
                        "{} before deploying",
                        service.name, service.image ? *service.image : "the image"));
      }
    }
  }
};

}  // namespace

const Rule& build_ignored_rule() {
  static const BuildIgnored rule;
  return rule;
}

}  // namespace stackc::lint
