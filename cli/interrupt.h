#pragma once
// SIGINT and SIGTERM while a command writes to the swarm: the first one sets a CancelToken
// (the deploy library stops after the writes in flight and says what was and was not done);
// a second one of the same kind ends the process as the default action would. Only cli/
// installs handlers; the library only reads the token.

#include "backends/swarm/deploy.h"

namespace stackc {

class InterruptGuard {
 public:
  explicit InterruptGuard(swarm::CancelToken& token);
  ~InterruptGuard();  // the previous handlers come back
  InterruptGuard(const InterruptGuard&) = delete;
  InterruptGuard& operator=(const InterruptGuard&) = delete;

  // The signal that arrived (SIGINT, SIGTERM), 0 when none did.
  int signal() const;
  // 130 after SIGINT, 143 after SIGTERM (128 + the signal, as a shell reports it), else `status`.
  int exit_status(int status) const;
};

}  // namespace stackc
