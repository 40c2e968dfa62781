#pragma once
// Waiting for a deploy to converge (`stackc deploy --wait`) and rolling it back (`--rollback`).
//
// Convergence is judged as `docker service create/update --detach=false` and `docker stack
// deploy --detach=false` judge it (docker/cli service/progress): the service's up-to-date tasks
// (GET /tasks filtered by service and `_up-to-date`, i.e. running the current spec) are grouped
// by slot (replicated) or node (global), keeping per group the task with the lowest desired
// state; tasks on nodes that are down do not count. A replicated service has converged when
// `replicas` of them run, a global one when every node that has an up-to-date task runs it.
// A converged service must then stay so for the update monitor period (UpdateConfig.Monitor,
// 5s when unset) before it counts as done. Two additions of ours: a service whose update the
// engine still reports as "updating" is not done yet, and a service whose up-to-date tasks have
// failed (or were rejected) `max_task_failures` times while waiting has failed; the reference
// would wait for ever there.
//
// UpdateStatus.State of the service decides the rest, as in the reference: "paused" (the
// engine's failure_action pause) is a failed rollout, "rollback_started"/"rollback_completed"
// is the engine's own automatic rollback (failure_action rollback): the service counts as
// rolled back once the rollback completed and the previous spec's tasks converged;
// "rollback_paused" is a failed rollback.
//
// Polling: GET /services/{id}, GET /tasks per service and one GET /nodes per round, every
// `interval`. Progress is reported as one line per service each time its state changes
// ("2/3 running", "converged"), never as a terminal animation.

#include <chrono>
#include <cstdint>
#include <functional>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "backends/swarm/engine.h"

namespace stackc::swarm {

struct WatchedService {
  std::string name;      // the engine name ("web_api"); the ID is looked up
  bool created = false;  // created by this deploy (a rollback removes it), else updated
};

struct WaitOptions {
  std::chrono::milliseconds timeout{std::chrono::minutes(5)};
  std::chrono::milliseconds interval{std::chrono::milliseconds(500)};
  // Failed or rejected up-to-date tasks (seen while waiting) that make a rollout failed.
  int max_task_failures = 3;
  // The verification period when the spec has no UpdateConfig.Monitor (swarmkit's default).
  std::chrono::milliseconds default_monitor{std::chrono::seconds(5)};
  // Engine errors in a row (one per round) tolerated before giving up: a poll over minutes
  // may meet a passing hiccup.
  int max_engine_errors = 3;
  // Asked before each polling round; false stops the wait with outcome `cancelled` (a cancel,
  // a lost lock). Empty: always go on.
  std::function<bool()> keep_going;
};

enum class ServiceState {
  converging,    // not all tasks run yet
  verifying,     // all run; waiting out the monitor period
  converged,     // done
  rolling_back,  // the engine (or our request) is rolling the service back
  rolled_back,   // the rollback completed and the previous spec's tasks converged
  removed,       // rollback of a service this deploy created: removed
  failed,        // update paused, tasks keep failing, rollback paused or refused, gone
};
std::string_view to_string(ServiceState state);

struct ServiceReport {
  std::string name;
  ServiceState state = ServiceState::converging;
  std::string line;           // the last progress line ("2/3 running; task: non-zero exit (1)")
  std::string reason;         // failed: why ("service update paused: ...")
  std::string task_error;     // the latest task error the engine gave (Status.Err), if any
  std::uint64_t running = 0;  // the last count: running of desired up-to-date tasks
  std::uint64_t desired = 0;
  std::string update_state;  // UpdateStatus.State as the engine last gave it ("updating", ...)
};

enum class WaitOutcome {
  converged,    // every service converged
  rolled_back,  // the engine rolled a service back, or roll_back_services settled
  failed,       // a service failed (waiting stops at the first failure)
  timed_out,    // the timeout passed first
  error,        // the engine could not be asked (see `error`)
  cancelled,    // keep_going said no
};
std::string_view to_string(WaitOutcome outcome);

struct WaitResult {
  WaitOutcome outcome = WaitOutcome::converged;
  std::vector<ServiceReport> services;  // every watched service, in the order given
  std::optional<EngineError> error;
};

// Called with the service's report whenever its progress line changes.
using ProgressReport = std::function<void(const ServiceReport& report)>;

// Waits until every service has converged (or was rolled back by the engine), one fails, or
// the timeout passes. An empty list converges at once.
WaitResult wait_for_services(Engine& engine, const std::vector<WatchedService>& services,
                             const WaitOptions& options, const ProgressReport& report);

// Rolls back what a deploy did to `services`: an updated service gets
// POST /services/{id}/update?rollback=previous with its current Version.Index (what `docker
// service rollback` sends), unless the engine is already rolling it back (asking again would
// roll forward to the failed spec); a created service is removed. Then waits, with the same
// options (a timeout of its own), until the rolled-back services settle. Outcome rolled_back
// when all did, failed when a rollback was refused or paused, timed_out, or error.
// `watch_them` false: only ask (and remove); the asked services are left `rolling_back` and
// the outcome is rolled_back unless a request was refused.
WaitResult roll_back_services(Engine& engine, const std::vector<WatchedService>& services,
                              const WaitOptions& options, const ProgressReport& report,
                              bool watch_them = true);

// --- pieces, exposed for tests.

// The reference's count of one observation: `running` of `desired` tasks.
struct TaskCount {
  std::uint64_t running = 0;
  std::uint64_t desired = 0;
  bool global = false;
  std::string task_error;  // Status.Err of the counted tasks (first one, by slot or node)
};
// `service` is a GET /services/{id} answer, `tasks` its up-to-date tasks, `active_nodes` the
// IDs of the nodes not "down". Job modes (which compose files cannot declare) count 0 of 0.
TaskCount count_tasks(const nlohmann::json& service, const nlohmann::json& tasks,
                      const std::set<std::string>& active_nodes);

// RFC 3339 timestamps as the engine writes them (trailing zeros of the fraction trimmed) made
// comparable as text: the fraction padded to 9 digits.
std::string sortable_timestamp(std::string_view timestamp);

}  // namespace stackc::swarm
