// STK153 external-object-labels: labels or drivers on an external secret or config are ignored. See
// docs/rules/STK153-external-object-labels.md.

#include <string>
#include <string_view>

#include <fmt/format.h>

#include "compiler/lint/rule.h"

namespace stackc::lint {
namespace {

class ExternalObjectLabels final : public BasicRule {
 public:
  ExternalObjectLabels()
      : BasicRule("STK153", "external-object-labels", Severity::warning,
                  "labels or drivers on an external secret or config are ignored") {}

  void check(const LintContext& context, Diagnostics& diags) const override {
    const ir::Stack& stack = context.stack;
    auto check_kind = [&](const std::map<std::string, ir::FileObject>& objects,
                          std::string_view kind) {
      for (const auto& [key, object] : objects) {
        if (!object.external.external || !*object.external.external) {
          continue;
        }
        if (!object.labels.empty()) {
          report(diags, object.labels.begin()->second.loc,
                 fmt::format("{} '{}' is external: its labels are never applied", kind, key));
        }
        for (const ir::Str* field : {&object.driver, &object.template_driver}) {
          if (*field) {
            report(diags, field->loc,
                   fmt::format("{} '{}' is external: its {} is never applied", kind, key,
                               field == &object.driver ? "driver" : "template_driver"));
          }
        }
      }
    };
    check_kind(stack.secrets, "secret");
    check_kind(stack.configs, "config");
  }
};

}  // namespace

const Rule& external_object_labels_rule() {
  static const ExternalObjectLabels rule;
  return rule;
}

}  // namespace stackc::lint
