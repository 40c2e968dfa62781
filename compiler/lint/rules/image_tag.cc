// STK160 image-tag: The image has no tag or uses latest. See docs/rules/STK160-image-tag.md.

#include <string>
#include <string_view>

#include <fmt/format.h>

#include "compiler/lint/helpers.h"
#include "compiler/lint/rule.h"

namespace stackc::lint {
namespace {

class ImageTag final : public BasicRule {
 public:
  ImageTag()
      : BasicRule("STK160", "image-tag", Severity::warning, "The image has no tag or uses latest") {
  }

  void check(const LintContext& context, Diagnostics& diags) const override {
    const ir::Stack& stack = context.stack;
    for (const ir::Service& service : stack.services) {
      if (!service.image) {
        continue;
      }
      auto parsed = parse_image_reference(*service.image);
      if (!parsed || !parsed->digest.empty()) {
        continue;
      }
      if (parsed->tag.empty()) {
        report(diags, service.image.loc,
               fmt::format("image '{}' of service '{}' has no tag: the reference deploys :latest, "
                           "whatever that is today",
                           *service.image, service.name));
      } else if (parsed->tag == "latest") {
        report(diags, service.image.loc,
               fmt::format("image '{}' of service '{}' uses the floating tag latest",
                           *service.image, service.name));
      }
    }
  }
};

}  // namespace

const Rule& image_tag_rule() {
  static const ImageTag rule;
  return rule;
}

}  // namespace stackc::lint
