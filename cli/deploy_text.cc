#include "cli/deploy_text.h"

#include <fmt/format.h>

#include <iostream>

#include "cli/commands.h"
#include "cli/exit_status.h"
#include "cli/plan_output.h"
#include "compiler/units.h"

namespace stackc {

namespace {

void error_line(const std::string& message) { std::cerr << "stackc: error: " << message << "\n"; }

std::string_view past_tense(swarm::Action action) {
  switch (action) {
    case swarm::Action::create:
      return "created";
    case swarm::Action::update:
      return "updated";
    case swarm::Action::unchanged:
      return "unchanged";
    case swarm::Action::remove:
      return "removed";
  }
  return "";
}

std::string timeout_text(std::chrono::milliseconds timeout) {
  return format_duration(std::chrono::duration_cast<std::chrono::nanoseconds>(timeout).count());
}

int exit_status_for(swarm::WaitOutcome outcome) {
  switch (outcome) {
    case swarm::WaitOutcome::converged:
      return k_exit_ok;
    case swarm::WaitOutcome::rolled_back:
      return k_exit_rolled_back;
    case swarm::WaitOutcome::failed:
      return k_exit_rollout_failed;
    case swarm::WaitOutcome::timed_out:
      return k_exit_timed_out;
    case swarm::WaitOutcome::cancelled:
    case swarm::WaitOutcome::error:
      return k_exit_usage;
  }
  return k_exit_usage;
}

}  // namespace

void DeployText::plan_ready(const swarm::Plan& plan, const std::vector<std::string>& warnings) {
  print_warnings(warnings);
  print_warnings(plan.warnings);
}

void DeployText::write_done(const swarm::ApplyEvent& event) {
  if (!event.ok) {
    std::cerr << fmt::format("failed to {} {} {}: {}\n", swarm::to_string(event.action),
                             swarm::to_string(event.kind), event.name, event.detail);
    return;
  }
  m_view.message(fmt::format("{} {} {}{}", past_tense(event.action), swarm::to_string(event.kind),
                             event.name, event.detail.empty() ? "" : " (" + event.detail + ")"));
}

void DeployText::warning(const std::string& text) { print_warnings({text}); }

void DeployText::wait_started(size_t services, std::chrono::milliseconds timeout) {
  m_view.message(fmt::format("waiting up to {} for {} service(s) to converge",
                             timeout_text(timeout), services));
}

void DeployText::service_progress(const swarm::ServiceReport& report) {
  m_view.update(report.name, report.line);
}

void DeployText::summary(const swarm::DeployResult& result) {
  m_view.finish();
  std::cout << fmt::format("stack {}: {} created, {} updated, {} unchanged, {} removed\n", m_stack,
                           result.created.size(), result.updated.size(), result.unchanged.size(),
                           result.removed.size());
}

// The services that kept the rollout from converging, one sentence each.
void DeployText::not_converged(const swarm::WaitResult& waited) {
  for (const swarm::ServiceReport& service : waited.services) {
    switch (waited.outcome) {
      case swarm::WaitOutcome::failed:
        if (service.state == swarm::ServiceState::failed) {
          error_line(
              fmt::format("service {} failed to converge: {}", service.name, service.reason));
        }
        break;
      case swarm::WaitOutcome::timed_out:
        if (service.state != swarm::ServiceState::converged &&
            service.state != swarm::ServiceState::rolled_back &&
            service.state != swarm::ServiceState::removed) {
          error_line(fmt::format("timed out after {}: service {} is {} ({})",
                                 timeout_text(m_timeout), service.name,
                                 swarm::to_string(service.state), service.line));
        }
        break;
      case swarm::WaitOutcome::rolled_back:
        if (service.state == swarm::ServiceState::rolled_back) {
          error_line(fmt::format(
              "the engine rolled service {} back to its previous spec (update_config "
              "failure_action: rollback){}",
              service.name,
              service.task_error.empty() ? "" : "; last task error: " + service.task_error));
        }
        break;
      default:
        break;
    }
  }
}

// One line per planned write that was not made, so that a stopped deploy names them all.
void DeployText::not_done(const swarm::DeployResult& result) {
  for (const swarm::ObjectRef& object : result.not_done) {
    std::cerr << fmt::format("not done: {} {}\n", swarm::to_string(object.kind), object.name);
  }
}

void DeployText::stopped(const swarm::DeployResult& result) {
  m_view.finish();
  summary(result);
  auto skipped = [&] {
    if (!result.skipped_removals.empty()) {
      error_line(fmt::format("the {} removal(s) of this deploy were not made",
                             result.skipped_removals.size()));
    }
  };
  if (result.outcome == swarm::DeployOutcome::cancelled) {
    not_done(result);
    error_line(
        fmt::format("deploy cancelled; the {} change(s) above were made, the {} planned "
                    "change(s) listed as not done were not",
                    result.changes(), result.not_done.size()));
  } else if (result.write_error) {
    skipped();
    if (result.rolling_back) {
      error_line(fmt::format("deploy stopped after a failure; rolling back the {} change(s) above",
                             result.changes()));
    } else {
      not_done(result);
      error_line(
          fmt::format("deploy stopped after a failure; the {} change(s) above were made. "
                      "Run the deploy again to converge.",
                      result.changes()));
    }
  } else if (result.wait && result.wait->outcome == swarm::WaitOutcome::error) {
    error_line(fmt::format("stopped waiting: {}", result.wait->error
                                                      ? result.wait->error->describe()
                                                      : std::string("engine error")));
  } else if (result.wait) {
    not_converged(*result.wait);
    skipped();  // pruned objects stay, also through a rollback
  }
}

void DeployText::rollback_started(const std::string& stack) {
  m_view.finish();
  m_view.message(fmt::format("rolling back the changes of this deploy to stack {}", stack));
}

int DeployText::finish(const swarm::DeployResult& result) {
  switch (result.outcome) {
    case swarm::DeployOutcome::planned:
      print_plan_text(std::cout, result.plan);
      std::cout << "dry run: nothing was changed\n";
      return k_exit_ok;
    case swarm::DeployOutcome::deployed:
      summary(result);
      return k_exit_ok;
    case swarm::DeployOutcome::removal_failed:
      summary(result);
      error_line("the services converged, but a removal failed. Run the deploy again.");
      return k_exit_usage;
    case swarm::DeployOutcome::write_failed:
    case swarm::DeployOutcome::cancelled:
      return k_exit_usage;
    case swarm::DeployOutcome::not_converged:
      return exit_status_for(result.wait ? result.wait->outcome : swarm::WaitOutcome::error);
    case swarm::DeployOutcome::rolled_back:
      break;
  }
  if (result.rollback_removal_failed) {
    error_line("the services were rolled back, but removing what this deploy created failed");
    return k_exit_rollout_failed;
  }
  const swarm::WaitResult& back = *result.rollback;
  switch (back.outcome) {
    case swarm::WaitOutcome::rolled_back:
      error_line(
          fmt::format("rolled back: the services of stack {} are as before this deploy", m_stack));
      return k_exit_rolled_back;
    case swarm::WaitOutcome::failed:
      for (const swarm::ServiceReport& service : back.services) {
        if (service.state == swarm::ServiceState::failed) {
          error_line(
              fmt::format("the rollback of service {} failed: {}", service.name, service.reason));
        }
      }
      return k_exit_rollout_failed;
    case swarm::WaitOutcome::timed_out:
      not_converged(back);
      error_line("the rollback did not settle in time");
      return k_exit_timed_out;
    default:
      error_line("the rollback stopped: " +
                 (back.error ? back.error->describe() : std::string("the engine did not answer")));
      return k_exit_usage;
  }
}

}  // namespace stackc
