// STK102 undefined-secret: A service uses a secret that is not declared. See
// docs/rules/STK102-undefined-secret.md.

#include <string>
#include <string_view>

#include <fmt/format.h>

#include "compiler/lint/helpers.h"
#include "compiler/lint/rule.h"

namespace stackc::lint {
namespace {

class UndefinedSecret final : public BasicRule {
 public:
  UndefinedSecret()
      : BasicRule("STK102", "undefined-secret", Severity::error,
                  "A service uses a secret that is not declared") {}

  void check(const LintContext& context, Diagnostics& diags) const override {
    const ir::Stack& stack = context.stack;
    for (const ir::Service& service : stack.services) {
      for (const ir::FileReference& ref : service.secrets) {
        if (ref.source && stack.secrets.count(*ref.source) == 0) {
          report(diags, first_located({ref.source.loc, ref.loc}),
                 fmt::format("service '{}' uses secret '{}', which is not declared under the "
                             "top-level secrets",
                             service.name, *ref.source));
        }
      }
    }
  }
};

}  // namespace

const Rule& undefined_secret_rule() {
  static const UndefinedSecret rule;
  return rule;
}

}  // namespace stackc::lint
