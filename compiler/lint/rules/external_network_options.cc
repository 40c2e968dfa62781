// STK110 external-network-options: An external network also sets driver, options, labels or IPAM.
// See docs/rules/STK110-external-network-options.md.

#include <string>
#include <string_view>

#include <fmt/format.h>

#include "compiler/lint/helpers.h"
#include "compiler/lint/rule.h"

namespace stackc::lint {
namespace {

class ExternalNetworkOptions final : public BasicRule {
 public:
  ExternalNetworkOptions()
      : BasicRule("STK110", "external-network-options", Severity::warning,
                  "An external network also sets driver, options, labels or IPAM") {}

  void check(const LintContext& context, Diagnostics& diags) const override {
    const ir::Stack& stack = context.stack;
    for (const auto& [key, network] : stack.networks) {
      if (!network.external.external || !*network.external.external) {
        continue;
      }
      std::vector<std::pair<std::string_view, SourceLoc>> found;
      if (network.driver) {
        found.emplace_back("driver", network.driver.loc);
      }
      if (!network.driver_opts.empty()) {
        found.emplace_back("driver_opts", network.driver_opts.begin()->second.loc);
      }
      if (!network.labels.empty()) {
        found.emplace_back("labels", network.labels.begin()->second.loc);
      }
      if (network.ipam_driver) {
        found.emplace_back("ipam", network.ipam_driver.loc);
      } else if (!network.ipam_config.empty()) {
        found.emplace_back("ipam", network.ipam_config.front().loc);
      }
      if (network.internal) {
        found.emplace_back("internal", network.internal.loc);
      }
      if (network.attachable) {
        found.emplace_back("attachable", network.attachable.loc);
      }
      for (const auto& [what, loc] : found) {
        report(diags, first_located({loc, network.loc}),
               fmt::format("network '{}' is external, so its {} is never applied (the reference "
                           "ignores it silently)",
                           key, what));
      }
    }
  }
};

}  // namespace

const Rule& external_network_options_rule() {
  static const ExternalNetworkOptions rule;
  return rule;
}

}  // namespace stackc::lint
