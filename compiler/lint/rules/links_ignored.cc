// STK142 links-ignored: links and external_links are ignored by docker stack deploy. See
// docs/rules/STK142-links-ignored.md.

#include <string>
#include <string_view>

#include <fmt/format.h>

#include "compiler/lint/rule.h"

namespace stackc::lint {
namespace {

class LinksIgnored final : public BasicRule {
 public:
  LinksIgnored()
      : BasicRule("STK142", "links-ignored", Severity::warning,
                  "links and external_links are ignored by docker stack deploy") {}

  void check(const LintContext& context, Diagnostics& diags) const override {
    const ir::Stack& stack = context.stack;
    for (const ir::Service& service : stack.services) {
      for (const ir::StrList* list : {&service.links, &service.external_links}) {
        if (list->set) {
          report(diags, list->loc,
                 fmt::format("{} of service '{}' is ignored by docker stack deploy: services on a "
                             "shared network reach each other by name",
                             list == &service.links ? "links" : "external_links", service.name));
        }
      }
    }
  }
};

}  // namespace

const Rule& links_ignored_rule() {
  static const LinksIgnored rule;
  return rule;
}

}  // namespace stackc::lint
