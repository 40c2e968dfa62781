#pragma once
// Deploy: the whole of `stackc deploy` after the files were converted, as one library call
// (docker/cli's deployCompose is the model). It owns the policy: read the live stack, resolve
// images, preflight (the planner's checks plus a hook), plan, then write in order (networks,
// secrets, configs, services in depends_on waves, removals). With `wait` the removals wait until
// the changed services (and unchanged ones an earlier rollout left paused) converged; with
// `rollback` a failed write or rollout is undone: updated services go back to their previous
// spec, what this deploy created is removed, and removals it skipped stay skipped.
//
// It never prints. What happens is told to a DeployObserver as it happens, and the result lists
// what was created, updated, removed, left alone and not done. The seams other parts plug into:
//   DeployObserver  progress, for a text log or a live display;
//   CancelToken     checked before each write and each wait round (SIGINT/SIGTERM);
//   StackLock       held around the writes (acquire, renew, release);
//   PreflightCheck  more problems found before any write.

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <tl/expected.hpp>

#include "backends/swarm/apply.h"
#include "backends/swarm/convert.h"
#include "backends/swarm/engine.h"
#include "backends/swarm/live.h"
#include "backends/swarm/plan.h"
#include "backends/swarm/wait.h"
#include "compiler/source.h"

namespace stackc::swarm {

struct DeployOptions {
  bool prune = false;  // remove what the files no longer declare
  ResolveImage resolve_image = ResolveImage::always;
  // --with-registry-auth: image as written -> X-Registry-Auth. Credentials: never print.
  std::map<std::string, std::string> registry_auth;
  bool dry_run = false;  // plan only: nothing is written
  int parallel = 4;
  bool wait = false;      // watch the rollout; removals only after it converged
  bool rollback = false;  // with wait: undo this deploy when a write or the rollout fails
  WaitOptions wait_options;
};

// A problem found before any write. `where` is set when the cause is in a file.
struct PreflightProblem {
  bool error = true;  // false: a warning, the deploy goes on
  std::string message;
  SourceLoc where = {};
  // The files ask for what this swarm can never do (a task no node can take): the stack is
  // invalid here, exit 1 like lint's errors, where an engine problem is exit 2.
  bool invalid_stack = false;
};
// "file:line:col: message" when the cause is in a file, else the message.
std::string describe(const PreflightProblem& problem);

// --- seams

struct DeployResult;

// Progress, told as it happens and never concurrently (write events may come from apply's
// worker threads, one at a time). Every member has an empty default so that an observer
// overrides only what it shows.
class DeployObserver {
 public:
  virtual ~DeployObserver() = default;
  // The plan is made; `warnings` are image resolution's (the plan's own are in plan.warnings).
  virtual void plan_ready(const Plan& /*plan*/, const std::vector<std::string>& /*warnings*/) {}
  virtual void write_started(ObjectKind /*kind*/, Action /*action*/, const std::string& /*name*/) {}
  // One object written (event.ok) or refused (event.detail has the engine's words); also the
  // removals of a rollback.
  virtual void write_done(const ApplyEvent& /*event*/) {}
  virtual void warning(const std::string& /*text*/) {}  // engine warnings, objects kept
  virtual void wait_started(size_t /*services*/, std::chrono::milliseconds /*timeout*/) {}
  // A watched service's state changed (wait and rollback): the line, running/desired, the
  // engine's update state and the latest task error.
  virtual void service_progress(const ServiceReport& /*report*/) {}
  // The writes or the rollout failed (or were cancelled): `result` says what was done so far;
  // called before any rollback starts (result.rolling_back says whether one follows).
  virtual void stopped(const DeployResult& /*result*/) {}
  virtual void rollback_started(const std::string& /*stack*/) {}
};

// Set from another thread (a signal handler's thread); writes in flight finish, nothing new
// starts, waiting stops at the next round, and the result says what was and was not done.
class CancelToken {
 public:
  void cancel() { m_cancelled.store(true); }
  bool cancelled() const { return m_cancelled.load(); }

 private:
  std::atomic<bool> m_cancelled{false};
};

// A per-stack lock around the writes: acquired before the live stack is read (not for a dry
// run), so that a deploy that waited plans against what the previous holder left; renewed
// before each write and each wait round, released at the end, failure included. A renew that
// fails stops the deploy as a cancel does. The swarm's implementation: stack_lock.h.
class StackLock {
 public:
  virtual ~StackLock() = default;
  virtual tl::expected<void, std::string> acquire(const std::string& stack) = 0;
  virtual bool renew() = 0;
  virtual void release() = 0;
};

// Runs after the planner's own checks, before any write; adds errors (the deploy is refused)
// or warnings.
using PreflightCheck = std::function<void(const DesiredStack& desired, const LiveStack& live,
                                          const Plan& plan, std::vector<PreflightProblem>& out)>;

struct DeployHooks {
  DeployObserver* observer = nullptr;
  const CancelToken* cancel = nullptr;
  StackLock* lock = nullptr;
  PreflightCheck preflight = {};
};

// --- result

struct ObjectRef {
  ObjectKind kind = ObjectKind::service;
  std::string name;
  bool operator==(const ObjectRef&) const = default;
};

enum class DeployOutcome {
  planned,         // dry run: nothing written
  deployed,        // every write made (with wait: converged, then the removals made)
  write_failed,    // a write failed; what was done stays (no rollback asked or nothing to undo)
  removal_failed,  // converged, but a removal failed
  not_converged,   // the rollout failed, timed out, was rolled back by the engine, or the
                   // engine stopped answering (see `wait`); nothing undone
  rolled_back,     // --rollback ran (see `rollback`, `rollback_removal_failed`)
  cancelled,       // the token was set or the lock lost; see `not_done`
};

struct DeployResult {
  DeployOutcome outcome = DeployOutcome::deployed;
  Plan plan;
  // What this deploy did (before any rollback), in the order it happened.
  std::vector<ObjectRef> created, updated, unchanged, removed;
  // Planned writes that were not made (a failure or cancel stopped them), removals included.
  std::vector<ObjectRef> not_done;
  // The planned removals that were held back because the writes or the rollout failed.
  std::vector<ObjectRef> skipped_removals;
  std::vector<std::string> warnings;       // resolution, plan, engine; as told to the observer
  std::optional<EngineError> write_error;  // the first failed write
  std::optional<WaitResult> wait;          // with wait, once waited
  std::optional<WaitResult> rollback;      // when a rollback ran
  bool rollback_removal_failed = false;    // removing what this deploy created failed
  bool rolling_back = false;               // set before DeployObserver::stopped
  size_t changes() const { return created.size() + updated.size() + removed.size(); }
};

// Why nothing was written: the live stack could not be read (`engine`), preflight found errors
// (`problems`), or the lock was not had (`lock`).
struct DeployError {
  enum class Kind { engine, preflight, lock } kind = Kind::engine;
  std::vector<PreflightProblem> problems;  // preflight: every error; else one message
};

// Reads the live stack, resolves images, plans and runs the preflight (no write). Shared with
// `stackc diff`.
struct PreparedDeploy {
  DesiredStack desired;
  LiveStack live;
  Plan plan;
  std::vector<std::string> warnings;  // image resolution, then the preflight hook's
};
tl::expected<PreparedDeploy, DeployError> prepare_deploy(Engine& engine, DesiredStack desired,
                                                         const DeployOptions& options,
                                                         const PreflightCheck& preflight = {});

// The whole deploy. `engine` answers the reads and the sequential writes, `factory` makes the
// engines of apply's workers.
tl::expected<DeployResult, DeployError> deploy(Engine& engine, const EngineFactory& factory,
                                               DesiredStack desired, const DeployOptions& options,
                                               const DeployHooks& hooks = {});

}  // namespace stackc::swarm
