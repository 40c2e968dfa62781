// STK129 file-too-large: A secret or config file is larger than the engine accepts. See
// docs/rules/STK129-file-too-large.md.

#include <filesystem>
#include <string>
#include <string_view>

#include <fmt/format.h>

#include "compiler/lint/rule.h"

namespace stackc::lint {
namespace {

class FileTooLarge final : public BasicRule {
 public:
  FileTooLarge()
      : BasicRule("STK129", "file-too-large", Severity::error,
                  "A secret or config file is larger than the engine accepts") {}

  void check(const LintContext& context, Diagnostics& diags) const override {
    const ir::Stack& stack = context.stack;
    auto check_kind = [&](const std::map<std::string, ir::FileObject>& objects,
                          std::string_view kind, uintmax_t limit) {
      for (const auto& [key, object] : objects) {
        if (!object.file || (object.external.external && *object.external.external)) {
          continue;
        }
        std::error_code ec;
        uintmax_t size = std::filesystem::file_size(*object.file, ec);
        if (!ec && size > limit) {
          report(diags, object.file.loc,
                 fmt::format("{} '{}' is {} bytes; the engine accepts at most {} KiB", kind, key,
                             size, limit / 1024));
        }
      }
    };
    check_kind(stack.secrets, "secret", 500 * 1024);
    check_kind(stack.configs, "config", 1000 * 1024);
  }
};

}  // namespace

const Rule& file_too_large_rule() {
  static const FileTooLarge rule;
  return rule;
}

}  // namespace stackc::lint
