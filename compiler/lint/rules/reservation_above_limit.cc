// STK155 reservation-above-limit: A resource reservation is above the limit. See
// docs/rules/STK155-reservation-above-limit.md.

#include <string>
#include <string_view>

#include <fmt/format.h>

#include "compiler/lint/helpers.h"
#include "compiler/lint/rule.h"

namespace stackc::lint {
namespace {

class ReservationAboveLimit final : public BasicRule {
 public:
  ReservationAboveLimit()
      : BasicRule("STK155", "reservation-above-limit", Severity::warning,
                  "A resource reservation is above the limit") {}

  void check(const LintContext& context, Diagnostics& diags) const override {
    const ir::Stack& stack = context.stack;
    for (const ir::Service& service : stack.services) {
      const ir::Resource& limits = service.deploy.limits;
      const ir::Resource& reservations = service.deploy.reservations;
      if (limits.memory && reservations.memory && *limits.memory > 0 &&
          *reservations.memory > *limits.memory) {
        report(diags, reservations.memory.loc,
               fmt::format("memory reservation of service '{}' is above its limit: the scheduler "
                           "sets aside memory the task can never use",
                           service.name))
            .notes.push_back({limits.memory.loc, "limit set here"});
      }
      if (limits.nano_cpus && reservations.nano_cpus && *limits.nano_cpus > 0 &&
          *reservations.nano_cpus > *limits.nano_cpus) {
        report(diags, first_located({reservations.cpus.loc, reservations.nano_cpus.loc}),
               fmt::format("cpus reservation of service '{}' is above its limit", service.name))
            .notes.push_back(
                {first_located({limits.cpus.loc, limits.nano_cpus.loc}), "limit set here"});
      }
    }
  }
};

}  // namespace

const Rule& reservation_above_limit_rule() {
  static const ReservationAboveLimit rule;
  return rule;
}

}  // namespace stackc::lint
