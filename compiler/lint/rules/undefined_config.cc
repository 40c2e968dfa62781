// STK103 undefined-config: A service uses a config that is not declared. See
// docs/rules/STK103-undefined-config.md.

#include <string>
#include <string_view>

#include <fmt/format.h>

#include "compiler/lint/helpers.h"
#include "compiler/lint/rule.h"

namespace stackc::lint {
namespace {

class UndefinedConfig final : public BasicRule {
 public:
  UndefinedConfig()
      : BasicRule("STK103", "undefined-config", Severity::error,
                  "A service uses a config that is not declared") {}

  void check(const LintContext& context, Diagnostics& diags) const override {
    const ir::Stack& stack = context.stack;
    for (const ir::Service& service : stack.services) {
      for (const ir::FileReference& ref : service.configs) {
        if (ref.source && stack.configs.count(*ref.source) == 0) {
          report(diags, first_located({ref.source.loc, ref.loc}),
                 fmt::format("service '{}' uses config '{}', which is not declared under the "
                             "top-level configs",
                             service.name, *ref.source));
        }
      }
    }
  }
};

}  // namespace

const Rule& undefined_config_rule() {
  static const UndefinedConfig rule;
  return rule;
}

}  // namespace stackc::lint
