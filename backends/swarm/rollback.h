#pragma once
// Stack rollback (`stackc rollback`): the workshop's `docker service rollback` applied to a
// whole stack. Every service of the stack (by the namespace label) that has a PreviousSpec is
// asked to go back to it (POST /services/{id}/update?rollback=previous with its Version.Index,
// through roll_back_services in wait.h, which also does the waiting), dependents before what
// they depend on. A service with no previous spec is left alone; one the engine is already
// rolling back (or rolled back last: asking again would roll forward) is not asked again.
//
// It never prints: progress goes to the ProgressReport, the result lists what was done.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <tl/expected.hpp>

#include "backends/swarm/deploy.h"
#include "backends/swarm/engine.h"
#include "backends/swarm/wait.h"

namespace stackc::swarm {

struct StackRollbackOptions {
  // Compose names ("web") or full names ("shop_web"); empty: every service of the stack.
  std::vector<std::string> services;
  // depends_on waves of compose names, dependencies first (dependency_waves of the stack
  // files); the rollback runs them last to first. Empty: one wave, by name. Services the waves
  // do not name go first, by name.
  std::vector<std::vector<std::string>> waves;
  bool wait = false;  // watch the rollback until it settles
  WaitOptions wait_options;
};

struct StackRollbackHooks {
  ProgressReport progress;              // one call per service line
  const CancelToken* cancel = nullptr;  // checked each wait round
  StackLock* lock = nullptr;            // held around the requests and the wait
};

enum class RollbackStep {
  asked,             // the rollback was requested
  already,           // the engine is rolling it back already (or just did): not asked again
  no_previous_spec,  // left alone
};

struct ServiceRollback {
  std::string name;  // the engine name ("shop_web")
  RollbackStep step = RollbackStep::asked;
};

struct StackRollbackResult {
  std::vector<ServiceRollback> services;  // in the order asked; the ones left alone last
  // The requests (and with wait, the watch): rolled_back when every request was taken (and
  // settled), failed when one was refused (error set) or a rollback paused or kept failing,
  // timed_out, cancelled, error. Absent when no service had a previous spec.
  std::optional<WaitResult> rollback;
};

struct StackRollbackError {
  enum class Kind { engine, unknown_service, not_found, lock } kind = Kind::engine;
  std::string message;
  std::vector<std::string> services;  // unknown_service: the stack's compose names
};

// Compose names in the order the rollback takes them: the waves last to first, then within
// a wave by name; names the waves do not list first.
std::vector<std::string> rollback_order(std::vector<std::string> keys,
                                        const std::vector<std::vector<std::string>>& waves);

tl::expected<StackRollbackResult, StackRollbackError> rollback_stack(
    Engine& engine, std::string_view stack, const StackRollbackOptions& options,
    const StackRollbackHooks& hooks = {});

}  // namespace stackc::swarm
