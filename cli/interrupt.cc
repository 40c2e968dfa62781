#include "cli/interrupt.h"

#include <signal.h>

#include <atomic>

namespace stackc {

namespace {

swarm::CancelToken* g_token = nullptr;
volatile sig_atomic_t g_signal = 0;
struct sigaction g_previous_int, g_previous_term;

// Async-signal-safe: a lock-free atomic store, then back to the default action so that a
// second signal ends a process that does not stop soon enough.
void on_signal(int number) {
  g_signal = number;
  if (g_token != nullptr) {
    g_token->cancel();
  }
  ::signal(number, SIG_DFL);
}

static_assert(std::atomic<bool>::is_always_lock_free);

}  // namespace

InterruptGuard::InterruptGuard(swarm::CancelToken& token) {
  g_token = &token;
  g_signal = 0;
  struct sigaction action = {};
  action.sa_handler = on_signal;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESTART;  // a write in flight finishes; the token stops the next one
  sigaction(SIGINT, &action, &g_previous_int);
  sigaction(SIGTERM, &action, &g_previous_term);
}

InterruptGuard::~InterruptGuard() {
  sigaction(SIGINT, &g_previous_int, nullptr);
  sigaction(SIGTERM, &g_previous_term, nullptr);
  g_token = nullptr;
}

int InterruptGuard::signal() const { return g_signal; }

int InterruptGuard::exit_status(int status) const {
  return g_signal != 0 ? 128 + g_signal : status;
}

}  // namespace stackc
