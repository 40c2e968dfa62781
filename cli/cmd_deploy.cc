// stackc deploy: front end, convert, read the live stack, preflight, plan, then apply in order
// (networks, secrets, configs, services in depends_on waves, removals). Shared with diff:
// connect_manager() and prepare_plan(). With --wait, watch the changed services converge
// (backends/swarm/wait.h) before the removals; with --rollback, undo the deploy when they don't.

#include <fmt/format.h>

#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <functional>
#include <iostream>
#include <mutex>
#include <nlohmann/json.hpp>

#include "backends/swarm/convert.h"
#include "backends/swarm/curl_transport.h"
#include "backends/swarm/docker_host.h"
#include "backends/swarm/engine.h"
#include "backends/swarm/live.h"
#include "backends/swarm/plan.h"
#include "backends/swarm/registry_auth.h"
#include "backends/swarm/wait.h"
#include "cli/commands.h"
#include "cli/exit_status.h"
#include "cli/front_end.h"
#include "cli/plan_output.h"
#include "cli/progress.h"
#include "compiler/units.h"

namespace stackc {

namespace {

void error_line(const std::string& message) { std::cerr << "stackc: error: " << message << "\n"; }

// The reference only refuses names that are empty or made of spaces and quotes.
bool valid_stack_name(const std::string& stack) {
  return stack.find_first_not_of(" \t\"'") != std::string::npos;
}

}  // namespace

void print_warnings(const std::vector<std::string>& warnings) {
  for (const std::string& warning : warnings) {
    std::cerr << "warning: " << warning << "\n";
  }
}

std::optional<Connection> connect_manager(const std::string& host) {
  swarm::HostOptions host_options;
  if (!host.empty()) {
    host_options.host = host;
  }
  auto resolved = swarm::resolve_docker_host(host_options, swarm::process_env());
  if (!resolved) {
    error_line(resolved.error());
    return std::nullopt;
  }
  Connection connection;
  connection.engine = std::make_unique<swarm::Engine>(swarm::make_curl_transport(*resolved));
  auto manager = connection.engine->require_swarm_manager();
  if (!manager) {
    error_line(manager.error().describe());
    return std::nullopt;
  }
  std::string version = connection.engine->api_version().value_or(std::string());
  swarm::DockerHost endpoint = *resolved;
  connection.factory = [endpoint, version] {
    auto engine = std::make_unique<swarm::Engine>(swarm::make_curl_transport(endpoint));
    engine->set_api_version(version);
    return engine;
  };
  return connection;
}

std::optional<int> prepare_plan(const GlobalOptions& global, const std::vector<std::string>& files,
                                const std::vector<std::string>& env_files, const std::string& stack,
                                const std::string& host, bool prune, swarm::ResolveImage resolve,
                                bool with_registry_auth, bool refuse_lint_errors,
                                std::optional<Connection>& connection, Prepared& out) {
  if (!valid_stack_name(stack)) {
    error_line(fmt::format("invalid stack name \"{}\"", stack));
    return k_exit_usage;
  }
  FrontEnd front;
  run_front_end(global, files, env_files, front);
  if (!front.stack) {
    return front.exit_status;
  }
  // What lint calls an error, the engine refuses part-way through the apply or runs as tasks
  // that never start: refuse it before any write, as the reference cannot.
  if (refuse_lint_errors) {
    std::optional<size_t> errors = print_lint_errors(global, files.front(), front);
    if (!errors) {
      return k_exit_usage;
    }
    if (*errors > 0) {
      error_line(
          fmt::format("lint found {} error(s) in the stack files; nothing was changed "
                      "(--no-lint deploys anyway)",
                      *errors));
      return k_exit_invalid;
    }
  }
  Diagnostics convert_diags;
  auto desired = swarm::convert_stack(*front.stack, swarm::ConvertOptions{stack}, convert_diags);
  print_to_stderr(global, convert_diags);
  if (!desired) {
    if (!desired.error().empty() && !convert_diags.has_errors()) {
      error_line(desired.error());
    }
    return convert_diags.has_errors() ? k_exit_invalid : k_exit_usage;
  }
  out.desired = std::move(*desired);
  // A depends_on cycle is a mistake in the files: refuse it before talking to the engine.
  if (auto waves = swarm::dependency_waves(out.desired.services); !waves) {
    error_line(waves.error());
    return k_exit_invalid;
  }
  // Credentials are read before the engine is asked anything: a missing credential helper
  // stops the deploy before any change (the reference finds out half-way through).
  if (with_registry_auth) {
    auto credentials =
        swarm::RegistryCredentials::load(swarm::process_env(), swarm::process_helper_runner());
    if (!credentials) {
      error_line(credentials.error());
      return k_exit_usage;
    }
    for (const swarm::DesiredService& service : out.desired.services) {
      auto header = credentials->header_for_image(service.image);
      if (!header) {
        error_line(
            fmt::format("registry credentials for service {}: {}", service.key, header.error()));
        return k_exit_usage;
      }
      out.registry_auth[service.image] = std::move(*header);
    }
  }
  connection = connect_manager(host);
  if (!connection) {
    return k_exit_usage;
  }
  auto live = swarm::read_live_stack(*connection->engine, stack);
  if (!live) {
    error_line(live.error().describe());
    return k_exit_usage;
  }
  out.live = std::move(*live);
  swarm::resolve_images(*connection->engine, out.desired, out.live, resolve, out.registry_auth,
                        out.warnings);
  auto plan = swarm::make_plan(out.desired, out.live, swarm::PlanOptions{prune});
  if (!plan) {
    for (const std::string& problem : plan.error()) {
      error_line(problem);
    }
    std::cerr << "stackc: nothing was changed\n";
    return k_exit_usage;
  }
  out.plan = std::move(*plan);
  return std::nullopt;
}

std::optional<swarm::ResolveImage> parse_resolve_image(const std::string& text) {
  if (text == "always") {
    return swarm::ResolveImage::always;
  }
  if (text == "changed") {
    return swarm::ResolveImage::changed;
  }
  if (text == "never") {
    return swarm::ResolveImage::never;
  }
  return std::nullopt;
}

namespace {

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

// --wait and --rollback: what the apply did, for the waiting and the undoing.
struct Rollout {
  std::vector<swarm::WatchedService> services;  // created or updated, in apply order
  std::vector<swarm::PlannedObject> created;    // networks, secrets and configs it created
};

constexpr std::chrono::minutes k_default_timeout{5};

std::optional<std::chrono::milliseconds> parse_timeout(const std::string& text) {
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

std::string timeout_text(std::chrono::milliseconds timeout) {
  return format_duration(std::chrono::duration_cast<std::chrono::nanoseconds>(timeout).count());
}

// The services that kept the rollout from converging, one sentence each.
void report_not_converged(const swarm::WaitResult& waited, std::chrono::milliseconds timeout) {
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
          error_line(fmt::format("timed out after {}: service {} is {} ({})", timeout_text(timeout),
                                 service.name, swarm::to_string(service.state), service.line));
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
    case swarm::WaitOutcome::error:
      return k_exit_usage;
  }
  return k_exit_usage;
}

// --rollback: puts the updated services back on their previous spec, removes the services,
// then the secrets, configs and networks this deploy created, and waits for the rollback.
int roll_back(Connection& connection, const std::string& stack, const Rollout& rollout,
              const swarm::WaitOptions& wait_options,
              const std::function<void(const swarm::ApplyEvent&)>& report, ProgressView& view) {
  view.message(fmt::format("rolling back the changes of this deploy to stack {}", stack));
  swarm::WaitResult back = swarm::roll_back_services(
      *connection.engine, rollout.services, wait_options,
      [&view](const std::string& service, const std::string& line) { view.update(service, line); });
  view.finish();
  if (back.outcome == swarm::WaitOutcome::rolled_back && !rollout.created.empty()) {
    swarm::Plan removals;
    removals.stack = stack;
    for (swarm::ObjectKind kind :
         {swarm::ObjectKind::secret, swarm::ObjectKind::config, swarm::ObjectKind::network}) {
      for (const swarm::PlannedObject& object : rollout.created) {
        if (object.kind == kind) {
          swarm::PlannedObject removal = object;
          removal.action = swarm::Action::remove;
          removal.id = object.name;  // the engine takes names where it takes IDs
          removal.reason = "created by this deploy";
          removals.removals.push_back(std::move(removal));
        }
      }
    }
    swarm::ApplyResult removed =
        swarm::apply_plan(removals, *connection.engine, connection.factory, {}, report);
    print_warnings(removed.warnings);
    if (removed.error) {
      error_line("the services were rolled back, but removing what this deploy created failed");
      return k_exit_rollout_failed;
    }
  }
  switch (back.outcome) {
    case swarm::WaitOutcome::rolled_back:
      error_line(
          fmt::format("rolled back: the services of stack {} are as before this deploy", stack));
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
      report_not_converged(back, wait_options.timeout);
      error_line("the rollback did not settle in time");
      return k_exit_timed_out;
    default:
      error_line("the rollback stopped: " +
                 (back.error ? back.error->describe() : std::string("the engine did not answer")));
      return k_exit_usage;
  }
}

}  // namespace

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
  auto timeout = parse_timeout(options.timeout);
  if (!timeout) {
    return k_exit_usage;
  }
  auto mode = progress_mode(options.progress, isatty(STDOUT_FILENO) != 0);
  if (!mode) {
    error_line(fmt::format("invalid --progress {} (auto, tty or plain)", options.progress));
    return k_exit_usage;
  }
  ProgressView view(std::cout, *mode,
                    progress_color(*mode, global.no_color, std::getenv("NO_COLOR")),
                    terminal_width(STDOUT_FILENO));
  std::optional<Connection> connection;
  Prepared prepared;
  if (auto stop = prepare_plan(global, options.files, options.env_files, options.stack,
                               options.host, options.prune, *resolve, options.with_registry_auth,
                               !options.no_lint, connection, prepared)) {
    return *stop;
  }
  print_warnings(prepared.warnings);
  const swarm::Plan& plan = prepared.plan;
  print_warnings(plan.warnings);
  if (options.dry_run) {
    print_plan_text(std::cout, plan);
    std::cout << "dry run: nothing was changed\n";
    return k_exit_ok;
  }

  std::mutex out_mutex;  // apply reports serially already; cout and cerr share the terminal
  Rollout rollout;
  auto report = [&](const swarm::ApplyEvent& event) {
    std::lock_guard lock(out_mutex);
    if (!event.ok) {
      std::cerr << fmt::format("failed to {} {} {}: {}\n", swarm::to_string(event.action),
                               swarm::to_string(event.kind), event.name, event.detail);
      return;
    }
    view.message(fmt::format("{} {} {}{}", past_tense(event.action), swarm::to_string(event.kind),
                             event.name, event.detail.empty() ? "" : " (" + event.detail + ")"));
    if (event.kind == swarm::ObjectKind::service &&
        (event.action == swarm::Action::create || event.action == swarm::Action::update)) {
      rollout.services.push_back({event.name, event.action == swarm::Action::create});
    } else if (event.action == swarm::Action::create) {
      swarm::PlannedObject object;
      object.kind = event.kind;
      object.name = event.name;
      rollout.created.push_back(std::move(object));
    }
  };
  swarm::ApplyOptions apply_options;
  apply_options.parallel = options.parallel;
  apply_options.registry_auth = prepared.registry_auth;
  // With --wait the removals (pruned objects, old secret and config revisions) wait until the
  // rollout converged: a rollback needs the old revisions, a failed rollout keeps them.
  swarm::Plan first = plan;
  if (options.wait) {
    first.removals.clear();
  }
  swarm::ApplyResult result =
      swarm::apply_plan(first, *connection->engine, connection->factory, apply_options, report);
  print_warnings(result.warnings);
  auto summary = [&] {
    view.finish();
    std::cout << fmt::format("stack {}: {} created, {} updated, {} unchanged, {} removed\n",
                             options.stack, result.created, result.updated, result.unchanged,
                             result.removed);
  };
  swarm::WaitOptions wait_options;
  wait_options.timeout = *timeout;
  if (result.error) {
    summary();
    size_t made = result.created + result.updated + result.removed;
    if (options.wait && !plan.removals.empty()) {
      error_line(
          fmt::format("the {} removal(s) of this deploy were not made", plan.removals.size()));
    }
    if (options.rollback && made > 0) {
      error_line(
          fmt::format("deploy stopped after a failure; rolling back the {} change(s) above", made));
      return roll_back(*connection, options.stack, rollout, wait_options, report, view);
    }
    error_line(
        fmt::format("deploy stopped after a failure; the {} change(s) above were made. "
                    "Run the deploy again to converge.",
                    made));
    return k_exit_usage;
  }
  if (!options.wait) {
    summary();
    return k_exit_ok;
  }

  // An unchanged service whose update the engine paused (an earlier deploy's failed rollout of
  // these same files) is watched too, so that it fails the wait instead of passing for deployed;
  // a rollback leaves it alone: its previous spec is not this deploy's.
  std::vector<swarm::WatchedService> watched = rollout.services;
  for (const std::vector<swarm::PlannedObject>& wave : plan.service_waves) {
    for (const swarm::PlannedObject& service : wave) {
      if (service.action != swarm::Action::unchanged) {
        continue;
      }
      for (const swarm::LiveObject& live : prepared.live.services) {
        if (live.name == service.name &&
            (live.update_state == "paused" || live.update_state == "rollback_paused")) {
          watched.push_back({service.name, false});
        }
      }
    }
  }
  if (!watched.empty()) {
    view.message(fmt::format("waiting up to {} for {} service(s) to converge",
                             timeout_text(*timeout), watched.size()));
  }
  swarm::WaitResult waited = swarm::wait_for_services(
      *connection->engine, watched, wait_options,
      [&view](const std::string& service, const std::string& line) { view.update(service, line); });
  view.finish();
  if (waited.outcome == swarm::WaitOutcome::converged) {
    if (!plan.removals.empty()) {
      swarm::Plan removals;
      removals.stack = plan.stack;
      removals.removals = plan.removals;
      swarm::ApplyResult removed = swarm::apply_plan(removals, *connection->engine,
                                                     connection->factory, apply_options, report);
      print_warnings(removed.warnings);
      result.removed = removed.removed;
      if (removed.error) {
        summary();
        error_line("the services converged, but a removal failed. Run the deploy again.");
        return k_exit_usage;
      }
    }
    summary();
    return k_exit_ok;
  }
  summary();
  if (waited.outcome == swarm::WaitOutcome::error) {
    error_line(fmt::format("stopped waiting: {}",
                           waited.error ? waited.error->describe() : std::string("engine error")));
    return k_exit_usage;
  }
  report_not_converged(waited, *timeout);
  // Pruned objects stay, also through a rollback: the stack goes back to what it was.
  if (!plan.removals.empty()) {
    error_line(fmt::format("the {} removal(s) of this deploy were not made", plan.removals.size()));
  }
  // Nothing to undo when this deploy changed nothing (a paused service it left unchanged).
  if (options.rollback && (!rollout.services.empty() || !rollout.created.empty())) {
    return roll_back(*connection, options.stack, rollout, wait_options, report, view);
  }
  return exit_status_for(waited.outcome);
}

}  // namespace stackc
