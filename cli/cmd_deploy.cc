// stackc deploy: maps the flags onto swarm::deploy (backends/swarm/deploy.h), which owns the
// policy (preflight, waves, wait, rollback, prune after convergence), prints its progress and
// result through DeployText, and returns the exit status. It holds the stack's lock
// (--lock-timeout) and stops on SIGINT/SIGTERM after the writes in flight (exit 130/143). Before
// it: the front end, lint's errors, convert, credentials and the connection (cli/prepare.cc, shared
// with diff).

#include <fmt/format.h>

#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <iostream>

#include "backends/swarm/deploy.h"
#include "cli/commands.h"
#include "cli/deploy_text.h"
#include "cli/exit_status.h"
#include "cli/interrupt.h"
#include "compiler/units.h"

namespace stackc {

namespace {

void error_line(const std::string& message) { std::cerr << "stackc: error: " << message << "\n"; }

}  // namespace

constexpr std::chrono::minutes k_default_timeout{5};

std::optional<std::chrono::milliseconds> parse_wait_timeout(const std::string& text) {
  if (text.empty()) {
    return k_default_timeout;
  }
  auto nanoseconds = parse_duration(text);
  if (!nanoseconds) {
    error_line(fmt::format("invalid argument \"{}\" for \"--timeout\" flag: {}", text,
                           nanoseconds.error()));
    return std::nullopt;
  }
  if (*nanoseconds <= 0) {
    error_line(fmt::format("--timeout must be positive, got {}", text));
    return std::nullopt;
  }
  return std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::nanoseconds(*nanoseconds));
}

int run_deploy(const GlobalOptions& global, const DeployOptions& options) {
  auto resolve = parse_resolve_image(options.resolve_image);
  if (!resolve) {
    error_line(fmt::format("invalid option {} for flag --resolve-image (always, changed, never)",
                           options.resolve_image));
    return k_exit_usage;
  }
  if (options.parallel < 1) {
    error_line("--parallel must be at least 1");
    return k_exit_usage;
  }
  if (!options.wait && (options.rollback || !options.timeout.empty())) {
    error_line(fmt::format("{} needs --wait", options.rollback ? "--rollback" : "--timeout"));
    return k_exit_usage;
  }
  auto timeout = parse_wait_timeout(options.timeout);
  auto lock_wait = parse_lock_timeout(options.lock_timeout);
  if (!timeout || !lock_wait) {
    return k_exit_usage;
  }
  PreparedStack prepared;
  StackSource source{options.files,
                     options.env_files,
                     options.stack,
                     options.host,
                     options.with_registry_auth,
                     /*refuse_lint_errors=*/!options.no_lint};
  if (auto stop = prepare_stack(global, source, prepared)) {
    return *stop;
  }

  swarm::DeployOptions deploy;
  deploy.prune = options.prune;
  deploy.resolve_image = *resolve;
  deploy.registry_auth = std::move(prepared.registry_auth);
  deploy.dry_run = options.dry_run;
  deploy.parallel = options.parallel;
  deploy.wait = options.wait;
  deploy.rollback = options.rollback;
  deploy.wait_options.timeout = *timeout;
  auto mode = progress_mode(options.progress, isatty(STDOUT_FILENO) != 0);
  if (!mode) {
    error_line(fmt::format("invalid --progress {} (auto, tty or plain)", options.progress));
    return k_exit_usage;
  }
  ProgressView view(std::cout, *mode,
                    progress_color(*mode, global.no_color, std::getenv("NO_COLOR")),
                    terminal_width(STDOUT_FILENO));
  DeployText text(options.stack, *timeout, view);
  swarm::DeployHooks hooks;
  hooks.observer = &text;
  Connection& connection = *prepared.connection;
  hooks.preflight = schedule_preflight(global, *connection.engine, prepared.front, options.stack,
                                       options.allow_pending);
  // From here a signal stops the deploy after the writes in flight, and the lock is released.
  swarm::CancelToken cancel;
  InterruptGuard interrupt(cancel);
  auto lock = make_stack_lock(connection, "deploy", *lock_wait, &cancel);
  hooks.cancel = &cancel;
  hooks.lock = lock.get();
  auto result = swarm::deploy(*connection.engine, connection.factory, std::move(prepared.desired),
                              deploy, hooks);
  if (!result) {
    return interrupt.exit_status(print_deploy_error(result.error()));
  }
  return interrupt.exit_status(text.finish(*result));
}

}  // namespace stackc
