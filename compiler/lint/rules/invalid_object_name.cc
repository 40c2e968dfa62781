// STK128 invalid-object-name: A secret, config or network name the engine refuses. See
// docs/rules/STK128-invalid-object-name.md.

#include <string>
#include <string_view>

#include <fmt/format.h>

#include "compiler/lint/helpers.h"
#include "compiler/lint/rule.h"

namespace stackc::lint {
namespace {

class InvalidObjectName final : public BasicRule {
 public:
  InvalidObjectName()
      : BasicRule("STK128", "invalid-object-name", Severity::error,
                  "A secret, config or network name the engine refuses") {}

  void check(const LintContext& context, Diagnostics& diags) const override {
    const ir::Stack& stack = context.stack;
    auto check_kind = [&](const std::map<std::string, ir::FileObject>& objects,
                          std::string_view kind) {
      for (const auto& [key, object] : objects) {
        if (object.external.external && *object.external.external) {
          continue;
        }
        const std::string& name = object.name ? *object.name : key;
        SourceLoc loc = object.name ? object.name.loc : object.loc;
        // The engine's [a-zA-Z0-9]+(?:[a-zA-Z0-9-_.]*[a-zA-Z0-9])?
        if (!is_alnum_edged(name, "-_.")) {
          report(diags, loc,
                 fmt::format("{} name '{}' is refused by the engine: use letters, digits, '-', '_' "
                             "and '.', starting and ending with a letter or digit",
                             kind, name));
        } else if (name.size() > 64) {
          report(diags, loc,
                 fmt::format("{} name '{}' is longer than the engine's 64 characters", kind, name));
        }
      }
    };
    check_kind(stack.secrets, "secret");
    check_kind(stack.configs, "config");
    // Networks: any characters, but at most 63 of them. A network without `name:` is
    // <stack>_<key>, so its key leaves room for at least a one-letter stack name.
    for (const auto& [key, network] : stack.networks) {
      if (network.external.external && *network.external.external) {
        continue;
      }
      if (network.name && network.name->size() > 63) {
        report(diags, network.name.loc,
               fmt::format("network name '{}' is {} characters, above the engine's 63",
                           *network.name, network.name->size()));
      } else if (!network.name && key.size() > 61) {
        report(diags, network.loc,
               fmt::format("network '{}' is {} characters: with the stack prefix it exceeds "
                           "the engine's 63",
                           key, key.size()));
      }
    }
  }
};

}  // namespace

const Rule& invalid_object_name_rule() {
  static const InvalidObjectName rule;
  return rule;
}

}  // namespace stackc::lint
