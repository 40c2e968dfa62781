// STK154 unused-resource: A declared network, volume, secret or config is never used. See
// docs/rules/STK154-unused-resource.md.

#include <set>
#include <string>
#include <string_view>

#include <fmt/format.h>

#include "compiler/lint/rule.h"

namespace stackc::lint {
namespace {

class UnusedResource final : public BasicRule {
 public:
  UnusedResource()
      : BasicRule("STK154", "unused-resource", Severity::warning,
                  "A declared network, volume, secret or config is never used") {}

  void check(const LintContext& context, Diagnostics& diags) const override {
    const ir::Stack& stack = context.stack;
    std::set<std::string> networks, volumes, secrets, configs;
    bool default_network = false;
    for (const ir::Service& service : stack.services) {
      if (service.networks.empty()) {
        default_network = true;
      }
      for (const auto& [name, network] : service.networks) {
        networks.insert(name);
      }
      for (const ir::Mount& mount : service.volumes) {
        if (mount.source) {
          volumes.insert(*mount.source);
        }
      }
      for (const ir::FileReference& ref : service.secrets) {
        secrets.insert(*ref.source);
      }
      for (const ir::FileReference& ref : service.configs) {
        configs.insert(*ref.source);
      }
      if (service.credential_spec.config) {
        configs.insert(*service.credential_spec.config);
      }
    }
    if (default_network) {
      networks.insert("default");
    }
    auto check_kind = [&](const auto& objects, const std::set<std::string>& used,
                          std::string_view kind) {
      for (const auto& [key, object] : objects) {
        if (used.count(key) == 0) {
          report(diags, object.loc,
                 fmt::format("{} '{}' is declared but no service uses it", kind, key));
        }
      }
    };
    check_kind(stack.networks, networks, "network");
    check_kind(stack.volumes, volumes, "volume");
    check_kind(stack.secrets, secrets, "secret");
    check_kind(stack.configs, configs, "config");
  }
};

}  // namespace

const Rule& unused_resource_rule() {
  static const UnusedResource rule;
  return rule;
}

}  // namespace stackc::lint
