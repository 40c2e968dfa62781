// STK111 file-and-external: A secret or config sets both file and external. See
// docs/rules/STK111-file-and-external.md.

#include <string>
#include <string_view>

#include <fmt/format.h>

#include "compiler/lint/rule.h"

namespace stackc::lint {
namespace {

class FileAndExternal final : public BasicRule {
 public:
  FileAndExternal()
      : BasicRule("STK111", "file-and-external", Severity::error,
                  "A secret or config sets both file and external") {}

  void check(const LintContext& context, Diagnostics& diags) const override {
    const ir::Stack& stack = context.stack;
    auto check_kind = [&](const std::map<std::string, ir::FileObject>& objects,
                          std::string_view kind) {
      for (const auto& [key, object] : objects) {
        if (object.file && object.external.external && *object.external.external) {
          report(diags, object.file.loc,
                 fmt::format("{} '{}' is external and also has a file: the reference uses the "
                             "existing {} and never reads the file",
                             kind, key, kind));
        }
      }
    };
    check_kind(stack.secrets, "secret");
    check_kind(stack.configs, "config");
  }
};

}  // namespace

const Rule& file_and_external_rule() {
  static const FileAndExternal rule;
  return rule;
}

}  // namespace stackc::lint
