// The stack lock from the command line: make_stack_lock for the commands that write (deploy,
// rm, rollback), and `stackc unlock STACK`, which removes a lease left behind by a deploy that
// could not release it (its engine died, its machine was lost).

#include <fmt/format.h>
#include <unistd.h>

#include <iostream>

#include "backends/swarm/stack_lock.h"
#include "cli/commands.h"
#include "cli/exit_status.h"
#include "compiler/units.h"

namespace stackc {

std::optional<std::chrono::milliseconds> parse_lock_timeout(const std::string& text) {
  if (text.empty()) {
    return std::chrono::milliseconds(0);
  }
  auto nanoseconds = parse_duration(text);
  if (!nanoseconds || *nanoseconds < 0) {
    std::cerr << fmt::format(
        "stackc: error: invalid argument \"{}\" for \"--lock-timeout\" flag: {}\n", text,
        nanoseconds ? std::string("must not be negative") : nanoseconds.error());
    return std::nullopt;
  }
  return std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::nanoseconds(*nanoseconds));
}

std::unique_ptr<swarm::EngineStackLock> make_stack_lock(const Connection& connection,
                                                        std::string operation,
                                                        std::chrono::milliseconds wait,
                                                        const swarm::CancelToken* cancel) {
  swarm::StackLockOptions options;
  options.operation = std::move(operation);
  char host[256] = {};
  if (::gethostname(host, sizeof host - 1) == 0) {
    options.host = host;
  }
  options.pid = static_cast<int>(::getpid());
  options.wait = wait;
  options.cancel = cancel;
  return std::make_unique<swarm::EngineStackLock>(connection.factory(), std::move(options));
}

int run_unlock(const GlobalOptions&, const UnlockOptions& options) {
  auto connection = connect_manager(options.host);
  if (!connection) {
    return k_exit_usage;
  }
  auto holder = swarm::read_lock(*connection->engine, options.stack);
  auto removed = holder ? swarm::remove_lock(*connection->engine, options.stack)
                        : swarm::EngineResult<bool>(tl::unexpected(holder.error()));
  if (!removed) {
    std::cerr << "stackc: error: " << removed.error().describe() << "\n";
    return k_exit_usage;
  }
  if (!*removed || !*holder) {
    std::cerr << fmt::format("stack {} is not locked\n", options.stack);
    return k_exit_ok;
  }
  std::cout << fmt::format("removed the lock of stack {} (held by {} pid {} since {})\n",
                           options.stack, (*holder)->host, (*holder)->pid, (*holder)->since);
  return k_exit_ok;
}

}  // namespace stackc
