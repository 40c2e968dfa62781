#pragma once
// The process exit statuses, documented in man/stackc.1 (EXIT STATUS). Library code never
// exits; only cli/ maps results to these.

namespace stackc {

enum ExitStatus : int {
  k_exit_ok = 0,
  k_exit_invalid = 1,         // the stack file is invalid (diagnostics printed)
  k_exit_usage = 2,           // usage error, I/O error, or the engine refused or failed
  k_exit_changes = 3,         // `diff --exit-code`: changes are pending
  k_exit_rollout_failed = 4,  // deploy --wait: a service failed to converge, or a rollback failed
  k_exit_rolled_back = 5,     // deploy --wait: rolled back by the engine or by --rollback
  k_exit_timed_out = 6,       // deploy --wait: the rollout (or its rollback) timed out
  // deploy, rm: stopped by SIGINT (130) or SIGTERM (143) after the writes in flight
  k_exit_interrupted = 130,
  k_exit_terminated = 143,
};

}  // namespace stackc
