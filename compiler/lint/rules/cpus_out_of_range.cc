// STK119 cpus-out-of-range: A CPU limit or reservation is negative or below 0.001. See
// docs/rules/STK119-cpus-out-of-range.md.

#include <string>
#include <string_view>

#include <fmt/format.h>

#include "compiler/lint/helpers.h"
#include "compiler/lint/rule.h"

namespace stackc::lint {
namespace {

class CpusOutOfRange final : public BasicRule {
 public:
  CpusOutOfRange()
      : BasicRule("STK119", "cpus-out-of-range", Severity::error,
                  "A CPU limit or reservation is negative or below 0.001") {}

  void check(const LintContext& context, Diagnostics& diags) const override {
    const ir::Stack& stack = context.stack;
    auto check_one = [&](const ir::Resource& resource, std::string_view what,
                         const ir::Service& service) {
      if (!resource.nano_cpus) {
        return;
      }
      int64_t nano = *resource.nano_cpus;
      SourceLoc loc = first_located({resource.cpus.loc, resource.nano_cpus.loc, resource.loc});
      std::string written = resource.cpus ? *resource.cpus : std::to_string(nano);
      if (nano < 0) {
        report(
            diags, loc,
            fmt::format("cpus {} of service '{}' ({}) is negative", written, service.name, what));
      } else if (nano > 0 && nano < 1000000) {
        report(diags, loc,
               fmt::format("cpus {} of service '{}' ({}) is below 0.001: the manager refuses it",
                           written, service.name, what));
      }
    };
    for (const ir::Service& service : stack.services) {
      check_one(service.deploy.limits, "limits", service);
      check_one(service.deploy.reservations, "reservations", service);
    }
  }
};

}  // namespace

const Rule& cpus_out_of_range_rule() {
  static const CpusOutOfRange rule;
  return rule;
}

}  // namespace stackc::lint
