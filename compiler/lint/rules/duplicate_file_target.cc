// STK117 duplicate-file-target: Two secrets or two configs of a service share one target. See
// docs/rules/STK117-duplicate-file-target.md.

#include <string>
#include <string_view>

#include <fmt/format.h>

#include "compiler/lint/helpers.h"
#include "compiler/lint/rule.h"

namespace stackc::lint {
namespace {

class DuplicateFileTarget final : public BasicRule {
 public:
  DuplicateFileTarget()
      : BasicRule("STK117", "duplicate-file-target", Severity::error,
                  "Two secrets or two configs of a service share one target") {}

  void check(const LintContext& context, Diagnostics& diags) const override {
    const ir::Stack& stack = context.stack;
    auto check_refs = [&](const ir::Service& service, const std::vector<ir::FileReference>& refs,
                          std::string_view kind, std::string_view prefix) {
      std::map<std::string, SourceLoc> seen;
      for (const ir::FileReference& ref : refs) {
        std::string target = ref.target ? *ref.target : std::string(prefix) + *ref.source;
        if (!target.empty() && target[0] != '/' && kind == "secret") {
          target = "/run/secrets/" + target;
        }
        auto [it, inserted] = seen.emplace(target, ref.loc);
        if (!inserted) {
          report(diags, first_located({ref.target.loc, ref.loc}),
                 fmt::format("service '{}' has two {}s with target {}", service.name, kind, target))
              .notes.push_back({it->second, "first used here"});
        }
      }
    };
    for (const ir::Service& service : stack.services) {
      check_refs(service, service.secrets, "secret", "/run/secrets/");
      check_refs(service, service.configs, "config", "/");
    }
  }
};

}  // namespace

const Rule& duplicate_file_target_rule() {
  static const DuplicateFileTarget rule;
  return rule;
}

}  // namespace stackc::lint
