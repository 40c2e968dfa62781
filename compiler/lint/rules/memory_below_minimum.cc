// STK118 memory-below-minimum: A memory limit or reservation below what the engine accepts. See
// docs/rules/STK118-memory-below-minimum.md.

#include <string>
#include <string_view>

#include <fmt/format.h>

#include "compiler/lint/rule.h"

namespace stackc::lint {
namespace {

class MemoryBelowMinimum final : public BasicRule {
 public:
  MemoryBelowMinimum()
      : BasicRule("STK118", "memory-below-minimum", Severity::error,
                  "A memory limit or reservation below what the engine accepts") {}

  void check(const LintContext& context, Diagnostics& diags) const override {
    const ir::Stack& stack = context.stack;
    constexpr int64_t k_mib = 1024 * 1024;
    for (const ir::Service& service : stack.services) {
      const ir::Bytes& limit = service.deploy.limits.memory;
      const ir::Bytes& reservation = service.deploy.reservations.memory;
      if (limit && *limit > 0 && *limit < 6 * k_mib) {
        report(diags, limit.loc,
               fmt::format(
                   "memory limit {} bytes of service '{}' is below 6 MiB: {}", *limit, service.name,
                   *limit < 4 * k_mib
                       ? "the manager refuses it (\"Must be at least 4MiB\")"
                       : "every task is rejected (\"Minimum memory limit allowed is 6MB\")"));
      }
      if (reservation && *reservation > 0 && *reservation < 4 * k_mib) {
        report(diags, reservation.loc,
               fmt::format("memory reservation {} bytes of service '{}' is below 4 MiB: the "
                           "manager refuses it",
                           *reservation, service.name));
      }
    }
  }
};

}  // namespace

const Rule& memory_below_minimum_rule() {
  static const MemoryBelowMinimum rule;
  return rule;
}

}  // namespace stackc::lint
