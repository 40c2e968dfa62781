// stackc rm: removes a stack's services, then secrets and configs, then networks, and waits
// until its networks and tasks are gone so that an immediate redeploy works. It holds the
// stack's lock meanwhile, as deploy does.

#include <fmt/format.h>

#include <iostream>

#include "backends/swarm/apply.h"
#include "cli/commands.h"
#include "cli/exit_status.h"
#include "cli/interrupt.h"

namespace stackc {

int run_rm(const GlobalOptions&, const RmOptions& options) {
  if (options.timeout_seconds < 0) {
    std::cerr << "stackc: error: --timeout must not be negative\n";
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
    auto report = [](const swarm::ApplyEvent& event) {
      if (event.ok) {
        std::cout << fmt::format("removed {} {}\n", swarm::to_string(event.kind), event.name);
      } else {
        std::cerr << fmt::format("failed to remove {} {}: {}\n", swarm::to_string(event.kind),
                                 event.name, event.detail);
      }
    };
    swarm::RemoveResult result = swarm::remove_stack(
        *connection->engine, stack, std::chrono::seconds(options.timeout_seconds), report);
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
