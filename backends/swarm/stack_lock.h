#pragma once
// The per-stack deploy lock: a lease stored in the swarm itself, so that every stackc that talks
// to the swarm sees it, whichever machine it runs on.
//
// The lease is a config object named "<stack>_stackc-lock". It has no namespace label, so no
// stack listing (stackc diff, deploy --prune, rm; docker stack ps/rm/services) ever sees it as
// a stack object; its labels say whose it is (k_lock_label = the stack, holder, host, pid,
// start, expiry, a random token). Taking it is the engine's own test-and-set: creating a config
// whose name exists is refused with HTTP 409. Renewing it moves the expiry forward by updating
// its labels with the inspected Version.Index (a config's data is immutable, its labels are
// not); the engine refuses an update with a stale index, so renewals and take-overs are
// compare-and-swap and two clients can never both think they hold it. An expired lease (or one
// whose holder runs on this host and is gone) is taken over the same way. Release removes the
// config after checking the token is still ours.
//
// Clocks: the expiry is the holder's wall clock plus the lease time; hosts whose clocks differ
// by more than a lease time can take over a live lease early.

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include <tl/expected.hpp>

#include "backends/swarm/deploy.h"
#include "backends/swarm/engine.h"

namespace stackc::swarm {

inline constexpr std::string_view k_lock_label = "io.stackc.lock";
inline constexpr std::string_view k_lock_suffix = "_stackc-lock";

std::string lock_name(std::string_view stack);

struct StackLockOptions {
  std::string operation = "deploy";  // "deploy", "rm", "rollback": named to the waiters
  std::string host;                  // this machine's name (gethostname)
  int pid = 0;
  std::chrono::seconds lease{60};       // expiry = last renewal + lease
  std::chrono::milliseconds wait{0};    // --lock-timeout: how long to wait for a holder
  std::chrono::milliseconds poll{500};  // between tries while waiting
  const CancelToken* cancel = nullptr;  // stops the waiting
  // Whether a process of this host is alive (kill(pid, 0)); replaceable by tests.
  std::function<bool(int pid)> alive;
};

// Who holds a lock, as read from its labels.
struct LockHolder {
  std::string operation, host, token;
  int pid = 0;
  std::string since;  // RFC 3339, UTC
  std::chrono::system_clock::time_point expires;
};

class EngineStackLock : public StackLock {
 public:
  // `engine` is the lock's own: renew() may be called from apply's worker threads, and an
  // Engine serves one thread at a time.
  EngineStackLock(std::unique_ptr<Engine> engine, StackLockOptions options);
  ~EngineStackLock() override;

  // Takes the lease, waiting up to options.wait for a holder to let go. The error is one line:
  // "stack X is being deployed by HOST (pid N) since T", or the engine's words.
  tl::expected<void, std::string> acquire(const std::string& stack) override;
  // Moves the expiry forward when a third of the lease has passed; false when the lease was lost
  // (taken over, removed by `stackc unlock`) or the engine could not be told.
  bool renew() override;
  void release() override;

  bool held() const { return m_version.has_value(); }

 private:
  tl::expected<void, std::string> take(const std::string& stack);

  std::unique_ptr<Engine> m_engine;
  StackLockOptions m_options;
  std::mutex m_mutex;
  std::string m_stack, m_token, m_id, m_since;
  std::optional<std::uint64_t> m_version;
  std::chrono::steady_clock::time_point m_renewed;
};

// Reads the lock of `stack`: nullopt when there is none.
EngineResult<std::optional<LockHolder>> read_lock(Engine& engine, std::string_view stack);
// `stackc unlock`: removes the lock of `stack` whoever holds it; false when there was none.
EngineResult<bool> remove_lock(Engine& engine, std::string_view stack);
// "stack X is being deployed by HOST (pid N) since T"
std::string describe_holder(std::string_view stack, const LockHolder& holder);

}  // namespace stackc::swarm
