#pragma once
// The text log of `stackc deploy`: one line per write, per progress change of a watched
// service, and per problem, as a DeployObserver; then the result's last words and exit status.
// Writes and service states go through a ProgressView (`--progress`): on a terminal the
// service lines are redrawn in place, elsewhere they are the plain log.

#include <chrono>
#include <string>
#include <vector>

#include "backends/swarm/deploy.h"
#include "cli/progress.h"

namespace stackc {

class DeployText : public swarm::DeployObserver {
 public:
  // `timeout` is named when a wait times out.
  DeployText(std::string stack, std::chrono::milliseconds timeout, ProgressView& view)
      : m_stack(std::move(stack)), m_timeout(timeout), m_view(view) {}

  void plan_ready(const swarm::Plan& plan, const std::vector<std::string>& warnings) override;
  void write_done(const swarm::ApplyEvent& event) override;
  void warning(const std::string& text) override;
  void wait_started(size_t services, std::chrono::milliseconds timeout) override;
  void service_progress(const swarm::ServiceReport& report) override;
  void stopped(const swarm::DeployResult& result) override;
  void rollback_started(const std::string& stack) override;

  // Prints what is left to say about `result` and returns the exit status.
  int finish(const swarm::DeployResult& result);

 private:
  void summary(const swarm::DeployResult& result);
  void not_done(const swarm::DeployResult& result);
  void not_converged(const swarm::WaitResult& waited);

  std::string m_stack;
  std::chrono::milliseconds m_timeout;
  ProgressView& m_view;
};

}  // namespace stackc
