// STK112 missing-file: A secret or config file does not exist. See
// docs/rules/STK112-missing-file.md.

#include <filesystem>
#include <string>
#include <string_view>

#include <fmt/format.h>

#include "compiler/lint/rule.h"

namespace stackc::lint {
namespace {

class MissingFile final : public BasicRule {
 public:
  MissingFile()
      : BasicRule("STK112", "missing-file", Severity::error,
                  "A secret or config file does not exist") {}

  void check(const LintContext& context, Diagnostics& diags) const override {
    const ir::Stack& stack = context.stack;
    auto check_kind = [&](const std::map<std::string, ir::FileObject>& objects,
                          std::string_view kind) {
      for (const auto& [key, object] : objects) {
        if (!object.file || (object.external.external && *object.external.external)) {
          continue;
        }
        std::error_code ec;
        if (!std::filesystem::is_regular_file(*object.file, ec)) {
          bool exists = std::filesystem::exists(*object.file, ec);
          report(diags, object.file.loc,
                 fmt::format("{} '{}': {} {}", kind, key, *object.file,
                             exists ? "is not a regular file" : "does not exist"));
        }
      }
    };
    check_kind(stack.secrets, "secret");
    check_kind(stack.configs, "config");
  }
};

}  // namespace

const Rule& missing_file_rule() {
  static const MissingFile rule;
  return rule;
}

}  // namespace stackc::lint
