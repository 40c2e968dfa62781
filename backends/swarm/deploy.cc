#include "backends/swarm/deploy.h"

#include <fmt/format.h>

#include <algorithm>
#include <utility>

namespace stackc::swarm {

std::string describe(const PreflightProblem& problem) {
  if (!problem.where.has_line()) {
    return problem.message;
  }
  return fmt::format("{}:{}:{}: {}", problem.where.file->path(), problem.where.line,
                     problem.where.col, problem.message);
}

tl::expected<PreparedDeploy, DeployError> prepare_deploy(Engine& engine, DesiredStack desired,
                                                         const DeployOptions& options,
                                                         const PreflightCheck& preflight) {
  auto live = read_live_stack(engine, desired.stack);
  if (!live) {
    return tl::unexpected(
        DeployError{DeployError::Kind::engine, {{true, live.error().describe(), {}}}});
  }
  PreparedDeploy out;
  out.live = std::move(*live);
  resolve_images(engine, desired, out.live, options.resolve_image, options.registry_auth,
                 out.warnings);
  out.desired = std::move(desired);
  auto plan = make_plan(out.desired, out.live, PlanOptions{options.prune});
  DeployError refused{DeployError::Kind::preflight, {}};
  if (!plan) {
    for (std::string& problem : plan.error()) {
      refused.problems.push_back({true, std::move(problem), {}});
    }
    return tl::unexpected(std::move(refused));
  }
  out.plan = std::move(*plan);
  if (preflight) {
    std::vector<PreflightProblem> found;
    preflight(out.desired, out.live, out.plan, found);
    for (PreflightProblem& problem : found) {
      if (problem.error) {
        refused.problems.push_back(std::move(problem));
      } else {
        out.warnings.push_back(describe(problem));
      }
    }
    if (!refused.problems.empty()) {
      return tl::unexpected(std::move(refused));
    }
  }
  return out;
}

namespace {

// Releases the lock on every way out of the write phase.
class LockHold {
 public:
  explicit LockHold(StackLock* lock) : m_lock(lock) {}
  LockHold(const LockHold&) = delete;
  LockHold& operator=(const LockHold&) = delete;
  ~LockHold() {
    if (m_lock != nullptr) {
      m_lock->release();
    }
  }

 private:
  StackLock* m_lock;
};

// One deploy's state: the passes below share the engine, the hooks and the growing result.
class Deployer {
 public:
  Deployer(Engine& engine, const EngineFactory& factory, const DeployOptions& options,
           const DeployHooks& hooks, DeployObserver& observer)
      : m_engine(engine),
        m_factory(factory),
        m_options(options),
        m_hooks(hooks),
        m_observer(observer) {
    m_apply.parallel = options.parallel;
    m_apply.registry_auth = options.registry_auth;
    m_apply.keep_going = [this] { return keep_going(); };
    m_apply.started = [this](ObjectKind kind, Action action, const std::string& name) {
      m_observer.write_started(kind, action, name);
    };
    m_wait = options.wait_options;
    m_wait.keep_going = [this] { return keep_going(); };
  }

  DeployResult& result() { return m_result; }

  void warn(const std::vector<std::string>& warnings) {
    for (const std::string& warning : warnings) {
      m_observer.warning(warning);
      m_result.warnings.push_back(warning);
    }
  }

  // Writes `plan` and records what was done. `undoing`: a rollback's removals, which are not
  // this deploy's changes and are not stopped by a cancel.
  ApplyResult apply(const Plan& plan, bool undoing = false) {
    ApplyOptions options = undoing ? ApplyOptions{} : m_apply;
    if (undoing) {
      options.started = m_apply.started;
    }
    ApplyResult applied =
        apply_plan(plan, m_engine, m_factory, options,
                   [this](const ApplyEvent& event) { m_observer.write_done(event); });
    warn(applied.warnings);
    if (!undoing) {
      for (const AppliedObject& object : applied.objects) {
        list(object.action).push_back({object.kind, object.name});
        if (object.kind == ObjectKind::service &&
            (object.action == Action::create || object.action == Action::update)) {
          m_written.push_back({object.name, object.action == Action::create});
        }
      }
      if (applied.error && !m_result.write_error) {
        m_result.write_error = applied.error;
      }
    }
    return applied;
  }

  // The services this deploy created or updated, in apply order, and the services an earlier
  // rollout left paused that it leaves unchanged: those fail the wait instead of passing for
  // deployed (a rollback leaves them alone: their previous spec is not this deploy's).
  std::vector<WatchedService> to_watch(const LiveStack& live) const {
    std::vector<WatchedService> watched = m_written;
    for (const std::vector<PlannedObject>& wave : m_result.plan.service_waves) {
      for (const PlannedObject& object : wave) {
        const LiveObject* service =
            object.action == Action::unchanged ? live.service(object.name) : nullptr;
        if (service != nullptr &&
            (service->update_state == "paused" || service->update_state == "rollback_paused")) {
          watched.push_back({object.name, false});
        }
      }
    }
    return watched;
  }

  WaitResult wait(const std::vector<WatchedService>& services) {
    if (!services.empty()) {
      m_observer.wait_started(services.size(), m_wait.timeout);
    }
    m_result.wait = wait_for_services(m_engine, services, m_wait, progress());
    return *m_result.wait;
  }

  // Ends the deploy short of its goal: lists what was not done and tells the observer.
  DeployResult stop(DeployOutcome outcome) {
    m_result.outcome = outcome;
    note_not_done();
    m_observer.stopped(m_result);
    return std::move(m_result);
  }

  // --rollback: updated services back to their previous spec, created ones removed, then the
  // secrets, configs and networks this deploy created. The skipped removals stay skipped.
  DeployResult roll_back() {
    m_result.rolling_back = true;
    m_result.outcome = DeployOutcome::rolled_back;
    note_not_done();
    m_observer.stopped(m_result);
    m_observer.rollback_started(m_result.plan.stack);
    WaitOptions options = m_options.wait_options;  // a rollback is not cancelled half-way
    m_result.rollback = roll_back_services(m_engine, changed_services(), options, progress());
    Plan removals;
    removals.stack = m_result.plan.stack;
    for (ObjectKind kind : {ObjectKind::secret, ObjectKind::config, ObjectKind::network}) {
      for (const ObjectRef& object : m_result.created) {
        if (object.kind == kind) {
          PlannedObject removal;
          removal.kind = kind;
          removal.action = Action::remove;
          removal.name = object.name;
          removal.id = object.name;  // the engine takes names where it takes IDs
          removal.reason = "created by this deploy";
          removals.removals.push_back(std::move(removal));
        }
      }
    }
    if (m_result.rollback->outcome == WaitOutcome::rolled_back && !removals.removals.empty()) {
      m_result.rollback_removal_failed = apply(removals, /*undoing=*/true).error.has_value();
    }
    return std::move(m_result);
  }

  bool has_changes() const { return !changed_services().empty() || created_other(); }

 private:
  bool keep_going() {
    if (m_hooks.cancel != nullptr && m_hooks.cancel->cancelled()) {
      return false;
    }
    return m_hooks.lock == nullptr || m_hooks.lock->renew();
  }

  ProgressReport progress() {
    return [this](const ServiceReport& report) { m_observer.service_progress(report); };
  }

  std::vector<ObjectRef>& list(Action action) {
    switch (action) {
      case Action::create:
        return m_result.created;
      case Action::update:
        return m_result.updated;
      case Action::remove:
        return m_result.removed;
      case Action::unchanged:
        break;
    }
    return m_result.unchanged;
  }

  // Created and updated services, in the order the engine took them.
  const std::vector<WatchedService>& changed_services() const { return m_written; }

  bool created_other() const {
    return std::any_of(m_result.created.begin(), m_result.created.end(),
                       [](const ObjectRef& o) { return o.kind != ObjectKind::service; });
  }

  bool done(const PlannedObject& object) const {
    ObjectRef ref{object.kind, object.name};
    for (const auto* made : {&m_result.created, &m_result.updated, &m_result.removed}) {
      if (std::find(made->begin(), made->end(), ref) != made->end()) {
        return true;
      }
    }
    return false;
  }

  void note_not_done() {
    const Plan& plan = m_result.plan;
    m_result.not_done.clear();
    m_result.skipped_removals.clear();
    auto check = [&](const PlannedObject& object) {
      if (object.action != Action::unchanged && !done(object)) {
        m_result.not_done.push_back({object.kind, object.name});
      }
    };
    for (const auto* list : {&plan.networks, &plan.secrets, &plan.configs}) {
      std::for_each(list->begin(), list->end(), check);
    }
    for (const auto& wave : plan.service_waves) {
      std::for_each(wave.begin(), wave.end(), check);
    }
    for (const PlannedObject& object : plan.removals) {
      check(object);
      // With --wait the removals were held back until convergence, which did not come.
      if (m_options.wait && !done(object)) {
        m_result.skipped_removals.push_back({object.kind, object.name});
      }
    }
  }

  Engine& m_engine;
  const EngineFactory& m_factory;
  const DeployOptions& m_options;
  const DeployHooks& m_hooks;
  DeployObserver& m_observer;
  ApplyOptions m_apply;
  WaitOptions m_wait;
  DeployResult m_result;
  std::vector<WatchedService> m_written;
};

}  // namespace

tl::expected<DeployResult, DeployError> deploy(Engine& engine, const EngineFactory& factory,
                                               DesiredStack desired, const DeployOptions& options,
                                               const DeployHooks& hooks) {
  DeployObserver silent;
  DeployObserver& observer = hooks.observer != nullptr ? *hooks.observer : silent;
  Deployer run(engine, factory, options, hooks, observer);
  DeployResult& result = run.result();

  // 1. The stack's lock, held from before the live stack is read to the end, failure included:
  // a deploy that waited for another one plans against what that one left.
  if (hooks.lock != nullptr && !options.dry_run) {
    if (auto held = hooks.lock->acquire(desired.stack); !held) {
      return tl::unexpected(DeployError{DeployError::Kind::lock, {{true, held.error(), {}}}});
    }
  }
  LockHold hold(options.dry_run ? nullptr : hooks.lock);

  // 2. Read the live stack, resolve images, plan, preflight (with the hook): nothing written.
  auto prepared = prepare_deploy(engine, std::move(desired), options, hooks.preflight);
  if (!prepared) {
    return tl::unexpected(std::move(prepared.error()));
  }
  result.plan = std::move(prepared->plan);
  observer.plan_ready(result.plan, prepared->warnings);
  result.warnings = prepared->warnings;
  result.warnings.insert(result.warnings.end(), result.plan.warnings.begin(),
                         result.plan.warnings.end());

  // 3. A dry run ends with the plan.
  if (options.dry_run) {
    result.outcome = DeployOutcome::planned;
    return std::move(result);
  }

  // 4. The writes. With --wait the removals (pruned objects, old secret and config revisions)
  // wait until the rollout converged: a rollback needs the old revisions, a failed rollout
  // keeps them.
  Plan first = result.plan;
  if (options.wait) {
    first.removals.clear();
  }
  ApplyResult applied = run.apply(first);
  if (applied.stopped) {
    return run.stop(DeployOutcome::cancelled);
  }
  if (applied.error) {
    // 4a. A failed write: undo what was made, or leave it for a re-run to converge.
    if (options.rollback && result.changes() > 0) {
      return run.roll_back();
    }
    return run.stop(DeployOutcome::write_failed);
  }
  if (!options.wait) {
    return std::move(result);
  }

  // 5. Wait for the changed services and the paused unchanged ones.
  WaitResult waited = run.wait(run.to_watch(prepared->live));
  if (waited.outcome == WaitOutcome::cancelled) {
    return run.stop(DeployOutcome::cancelled);
  }
  if (waited.outcome != WaitOutcome::converged) {
    // 5a. Not converged: the removals stay undone, also through a rollback (the stack goes
    // back to what it was); nothing to undo when this deploy changed nothing, and nothing
    // known to undo when the engine stopped answering.
    if (options.rollback && waited.outcome != WaitOutcome::error && run.has_changes()) {
      return run.roll_back();
    }
    return run.stop(DeployOutcome::not_converged);
  }

  // 6. Converged: now the removals.
  if (!result.plan.removals.empty()) {
    Plan removals;
    removals.stack = result.plan.stack;
    removals.removals = result.plan.removals;
    ApplyResult removed = run.apply(removals);
    if (removed.stopped) {
      return run.stop(DeployOutcome::cancelled);
    }
    if (removed.error) {
      result.outcome = DeployOutcome::removal_failed;
    }
  }
  return std::move(result);
}

}  // namespace stackc::swarm
