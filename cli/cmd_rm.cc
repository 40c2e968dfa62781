// stackc rm: removes a stack's services, then secrets and configs, then networks, and waits
// until its networks and tasks are gone so that an immediate redeploy works. It holds the
// stack's lock meanwhile, as deploy does.

#include <fmt/format.h>

#include <unistd.h>

#include <cstdlib>
#include <iostream>

#include "backends/swarm/apply.h"
#include "cli/commands.h"
#include "cli/exit_status.h"
#include "cli/interrupt.h"
#include "cli/progress.h"

namespace stackc {

int run_rm(const GlobalOptions& global, const RmOptions& options) {
  if (options.timeout_seconds < 0) {
    std::cerr << "stackc: error: --timeout must not be negative\n";
    return k_exit_usage;
  }
  auto mode = progress_mode(options.progress, isatty(STDOUT_FILENO) != 0);
  if (!mode) {
    std::cerr << fmt::format("stackc: error: invalid --progress {} (auto, tty or plain)\n",
                             options.progress);
    return k_exit_usage;
  }
  auto lock_wait = parse_lock_timeout(options.lock_timeout);
  if (!lock_wait) {
    return k_exit_usage;
  }
  auto connection = connect_manager(options.host);
  if (!connection) {
    return k_exit_usage;
  }
  // A signal lets the removal of the current stack finish (its lock is then released) and
  // skips the stacks after it.
  swarm::CancelToken cancel;
  InterruptGuard interrupt(cancel);
  int status = k_exit_ok;
  for (const std::string& stack : options.stacks) {
    if (cancel.cancelled()) {
      break;
    }
    // Held until this stack is gone; its release removes the lease, the stack's last object.
    auto lock = make_stack_lock(*connection, "rm", *lock_wait, &cancel);
    if (auto held = lock->acquire(stack); !held) {
      std::cerr << "stackc: error: " << held.error() << "\n";
      status = k_exit_usage;
      continue;
    }
    ProgressView view(std::cout, *mode,
                      progress_color(*mode, global.no_color, std::getenv("NO_COLOR")),
                      terminal_width(STDOUT_FILENO));
    auto report = [&view](const swarm::ApplyEvent& event) {
      if (event.ok) {
        view.message(fmt::format("removed {} {}", swarm::to_string(event.kind), event.name));
      } else {
        std::cerr << fmt::format("failed to remove {} {}: {}\n", swarm::to_string(event.kind),
                                 event.name, event.detail);
      }
    };
    // One line, updated in place on a terminal: what the removal still waits for.
    bool waited = false;
    auto waiting = [&view, &stack, &waited](size_t networks, size_t tasks) {
      waited = true;
      view.update(stack,
                  fmt::format("waiting for {} network(s) and {} task(s) to go", networks, tasks));
    };
    swarm::RemoveResult result = swarm::remove_stack(
        *connection->engine, stack, std::chrono::seconds(options.timeout_seconds), report, waiting);
    if (waited && !result.timed_out) {
      view.update(stack, "gone");
    }
    view.finish();
    if (result.error) {
      std::cerr << "stackc: error: " << result.error->describe() << "\n";
      return interrupt.exit_status(k_exit_usage);
    }
    if (!result.found_anything) {
      std::cerr << fmt::format("Nothing found in stack: {}\n", stack);
      continue;
    }
    if (result.failed > 0) {
      std::cerr << fmt::format("stackc: error: failed to remove some resources from stack: {}\n",
                               stack);
      status = k_exit_usage;
    } else if (result.timed_out) {
      std::cerr << fmt::format(
          "stackc: error: stack {}: networks or tasks still present after {} s\n", stack,
          options.timeout_seconds);
      status = k_exit_usage;
    }
  }
  return interrupt.exit_status(status);
}

}  // namespace stackc
