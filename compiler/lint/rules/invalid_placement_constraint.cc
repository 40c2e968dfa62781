// STK122 invalid-placement-constraint: A placement constraint is not `key ==|!= value` with a known
// key. See docs/rules/STK122-invalid-placement-constraint.md.

#include <algorithm>
#include <cctype>
#include <string>
#include <string_view>

#include <fmt/format.h>

#include "compiler/lint/rule.h"

namespace stackc::lint {
namespace {

class InvalidPlacementConstraint final : public BasicRule {
 public:
  InvalidPlacementConstraint()
      : BasicRule("STK122", "invalid-placement-constraint", Severity::error,
                  "A placement constraint is not `key ==|!= value` with a known key") {}

  void check(const LintContext& context, Diagnostics& diags) const override {
    const ir::Stack& stack = context.stack;
    static constexpr std::string_view k_keys[] = {"node.id",          "node.hostname",
                                                  "node.ip",          "node.role",
                                                  "node.platform.os", "node.platform.arch"};
    static constexpr std::string_view k_prefixes[] = {"node.labels.", "engine.labels."};
    auto trim = [](std::string_view text) {
      while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) {
        text.remove_prefix(1);
      }
      while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) {
        text.remove_suffix(1);
      }
      return text;
    };
    for (const ir::Service& service : stack.services) {
      const ir::StrList& constraints = service.deploy.placement.constraints;
      for (size_t i = 0; i < constraints.values.size(); ++i) {
        std::string_view text = constraints.values[i];
        SourceLoc loc = constraints.locs[i];
        size_t op = text.find("==");
        if (op == std::string_view::npos) {
          op = text.find("!=");
        }
        if (op == std::string_view::npos) {
          report(
              diags, loc,
              fmt::format("constraint '{}' needs an operator: == or != (e.g. node.role == manager)",
                          text));
          continue;
        }
        std::string key(trim(text.substr(0, op)));
        std::string_view value = trim(text.substr(op + 2));
        for (char& c : key) {
          c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        }
        if (value.empty() || value.find_first_of("=!") != std::string_view::npos) {
          report(diags, loc, fmt::format("constraint '{}' has no valid value", text));
          continue;
        }
        bool known = std::find(std::begin(k_keys), std::end(k_keys), key) != std::end(k_keys);
        for (std::string_view prefix : k_prefixes) {
          known = known || (key.size() > prefix.size() && key.starts_with(prefix));
        }
        if (!known) {
          report(diags, loc,
                 fmt::format("constraint key '{}' is unknown: use node.id, node.hostname, node.ip, "
                             "node.role, node.platform.os, node.platform.arch, node.labels.<name> "
                             "or engine.labels.<name>",
                             key));
        } else if (key == "node.role" && value != "manager" && value != "worker") {
          report(diags, loc, fmt::format("node.role is manager or worker, not '{}'", value));
        }
      }
    }
  }
};

}  // namespace

const Rule& invalid_placement_constraint_rule() {
  static const InvalidPlacementConstraint rule;
  return rule;
}

}  // namespace stackc::lint
