// stackc rollback: maps the flags onto swarm::rollback_stack (backends/swarm/rollback.h),
// prints one line per service as deploy does, and returns deploy's exit statuses. With -c the
// stack files are read (cli/prepare.cc, as diff and deploy do) only for the depends_on order.

#include <fmt/format.h>

#include <iostream>

#include "backends/swarm/plan.h"
#include "backends/swarm/rollback.h"
#include "cli/commands.h"
#include "cli/exit_status.h"
#include "cli/interrupt.h"
#include "compiler/units.h"

namespace stackc {

namespace {

void error_line(const std::string& message) { std::cerr << "stackc: error: " << message << "\n"; }

std::string join(const std::vector<std::string>& names) {
  std::string out;
  for (const std::string& name : names) {
    out += (out.empty() ? "" : ", ") + name;
  }
  return out;
}

int print_error(const swarm::StackRollbackError& error) {
  error_line(error.message);
  if (error.kind == swarm::StackRollbackError::Kind::unknown_service) {
    std::cerr << "services of the stack: " << join(error.services) << "\n";
  }
  return k_exit_usage;
}

// The last words about the requests or the wait, and the exit status.
int finish(const swarm::StackRollbackResult& result, const std::string& stack, bool waited,
           std::chrono::milliseconds timeout) {
  size_t asked = 0;
  size_t left = 0;
  for (const swarm::ServiceRollback& service : result.services) {
    if (service.step == swarm::RollbackStep::no_previous_spec) {
      std::cout << service.name << ": has no previous spec; left alone\n";
      ++left;
    } else {
      ++asked;
    }
  }
  if (!result.rollback) {
    std::cout << fmt::format("stack {}: nothing to roll back, {} left alone\n", stack, left);
    return k_exit_ok;
  }
  const swarm::WaitResult& back = *result.rollback;
  switch (back.outcome) {
    case swarm::WaitOutcome::rolled_back:
      std::cout << fmt::format("stack {}: {} {}, {} left alone\n", stack, asked,
                               waited ? "rolled back" : "rolling back", left);
      return k_exit_ok;
    case swarm::WaitOutcome::failed:
      for (const swarm::ServiceReport& service : back.services) {
        if (service.state == swarm::ServiceState::failed) {
          error_line(
              fmt::format("the rollback of service {} failed: {}", service.name, service.reason));
        }
      }
      // A refused request is the engine's error (exit 2); a rollback that did not converge, 4.
      return back.error ? k_exit_usage : k_exit_rollout_failed;
    case swarm::WaitOutcome::timed_out:
      for (const swarm::ServiceReport& service : back.services) {
        if (service.state != swarm::ServiceState::rolled_back &&
            service.state != swarm::ServiceState::converged) {
          error_line(fmt::format(
              "timed out after {}: service {} is {} ({})",
              format_duration(
                  std::chrono::duration_cast<std::chrono::nanoseconds>(timeout).count()),
              service.name, swarm::to_string(service.state), service.line));
        }
      }
      return k_exit_timed_out;
    default:
      error_line("the rollback stopped: " +
                 (back.error ? back.error->describe() : std::string("cancelled")));
      return k_exit_usage;
  }
}

}  // namespace

int run_rollback(const GlobalOptions& global, const RollbackOptions& options) {
  if (!options.wait && !options.timeout.empty()) {
    error_line("--timeout needs --wait");
    return k_exit_usage;
  }
  if (options.files.empty() && !options.env_files.empty()) {
    error_line("--env-file needs -c");
    return k_exit_usage;
  }
  auto timeout = parse_wait_timeout(options.timeout);
  if (!timeout) {
    return k_exit_usage;
  }
  swarm::StackRollbackOptions rollback;
  rollback.services = options.services;
  rollback.wait = options.wait;
  rollback.wait_options.timeout = *timeout;
  std::optional<Connection> connection;
  if (options.files.empty()) {
    connection = connect_manager(options.host);
    if (!connection) {
      return k_exit_usage;
    }
  } else {
    PreparedStack prepared;
    StackSource source{options.files,
                       options.env_files,
                       options.stack,
                       options.host,
                       false,
                       /*refuse_lint_errors=*/false};
    if (auto stop = prepare_stack(global, source, prepared)) {
      return *stop;
    }
    auto waves = swarm::dependency_waves(prepared.desired.services);
    if (!waves) {
      error_line(waves.error());
      return k_exit_usage;
    }
    rollback.waves = std::move(*waves);
    connection = std::move(prepared.connection);
  }

  swarm::StackRollbackHooks hooks;
  hooks.progress = [](const swarm::ServiceReport& report) {
    std::cout << report.name << ": " << report.line << std::endl;  // flushed: read live
  };
  // The stack's lock, as deploy and rm take it: a rollback never runs beside a deploy. A signal
  // stops the wait, and the lock is released.
  swarm::CancelToken cancel;
  InterruptGuard interrupt(cancel);
  auto lock = make_stack_lock(*connection, "rollback", std::chrono::milliseconds(0), &cancel);
  hooks.cancel = &cancel;
  hooks.lock = lock.get();
  auto result = swarm::rollback_stack(*connection->engine, options.stack, rollback, hooks);
  if (!result) {
    return interrupt.exit_status(print_error(result.error()));
  }
  return interrupt.exit_status(finish(*result, options.stack, options.wait, *timeout));
}

}  // namespace stackc
