// STK123 invalid-image-reference: The image is not a valid reference. See
// docs/rules/STK123-invalid-image-reference.md.

#include <string>
#include <string_view>

#include <fmt/format.h>

#include "compiler/lint/helpers.h"
#include "compiler/lint/rule.h"

namespace stackc::lint {
namespace {

class InvalidImageReference final : public BasicRule {
 public:
  InvalidImageReference()
      : BasicRule("STK123", "invalid-image-reference", Severity::error,
                  "The image is not a valid reference") {}

  void check(const LintContext& context, Diagnostics& diags) const override {
    const ir::Stack& stack = context.stack;
    for (const ir::Service& service : stack.services) {
      if (!service.image || service.image->empty()) {
        continue;
      }
      auto parsed = parse_image_reference(*service.image);
      if (!parsed) {
        report(diags, service.image.loc,
               fmt::format("invalid image reference '{}' for service '{}': {}", *service.image,
                           service.name, parsed.error()));
      }
    }
  }
};

}  // namespace

const Rule& invalid_image_reference_rule() {
  static const InvalidImageReference rule;
  return rule;
}

}  // namespace stackc::lint
