// stackc deploy: front end, convert, read the live stack, preflight, plan, then apply in order
// (networks, secrets, configs, services in depends_on waves, removals). Shared with diff:
// connect_manager() and prepare_plan().

#include <fmt/format.h>

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
#include "cli/commands.h"
#include "cli/exit_status.h"
#include "cli/front_end.h"

namespace stackc {

namespace {

void error_line(const std::string& message) { std::cerr << "stackc: error: " << message << "\n"; }

// The reference only refuses names that are empty or made of spaces and quotes.
bool valid_stack_name(const std::string& stack) {
  return stack.find_first_not_of(" \t\"'") != std::string::npos;
}

}  // namespace

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
                                bool with_registry_auth, std::optional<Connection>& connection,
                                Prepared& out) {
  if (!valid_stack_name(stack)) {
    error_line(fmt::format("invalid stack name \"{}\"", stack));
    return k_exit_usage;
  }
  FrontEnd front;
  run_front_end(global, files, env_files, front);
  if (!front.stack) {
    return front.exit_status;
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
        error_line(fmt::format("registry credentials for service {}: {}", service.key,
                               header.error()));
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
  std::optional<Connection> connection;
  Prepared prepared;
  if (auto stop = prepare_plan(global, options.files, options.env_files, options.stack,
                               options.host, options.prune, *resolve, options.with_registry_auth,
                               connection, prepared)) {
    return *stop;
  }
  for (const std::string& warning : prepared.warnings) {
    std::cerr << "warning: " << warning << "\n";
  }
  const swarm::Plan& plan = prepared.plan;
  for (const std::string& warning : plan.warnings) {
    std::cerr << "warning: " << warning << "\n";
  }
  if (options.dry_run) {
    print_plan_text(std::cout, plan);
    std::cout << "dry run: nothing was changed\n";
    return k_exit_ok;
  }

  std::mutex out_mutex;  // apply reports serially already; cout and cerr share the terminal
  auto report = [&](const swarm::ApplyEvent& event) {
    std::lock_guard lock(out_mutex);
    if (!event.ok) {
      std::cerr << fmt::format("failed to {} {} {}: {}\n", swarm::to_string(event.action),
                               swarm::to_string(event.kind), event.name, event.detail);
      return;
    }
    std::cout << fmt::format("{} {} {}{}\n", past_tense(event.action), swarm::to_string(event.kind),
                             event.name, event.detail.empty() ? "" : " (" + event.detail + ")");
  };
  swarm::ApplyOptions apply_options;
  apply_options.parallel = options.parallel;
  apply_options.registry_auth = prepared.registry_auth;
  swarm::ApplyResult result =
      swarm::apply_plan(plan, *connection->engine, connection->factory, apply_options, report);
  for (const std::string& warning : result.warnings) {
    std::cerr << "warning: " << warning << "\n";
  }
  std::cout << fmt::format("stack {}: {} created, {} updated, {} unchanged, {} removed\n",
                           options.stack, result.created, result.updated, result.unchanged,
                           result.removed);
  if (result.error) {
    error_line(
        fmt::format("deploy stopped after a failure; the {} change(s) above were made. "
                    "Run the deploy again to converge.",
                    result.created + result.updated + result.removed));
    return k_exit_usage;
  }
  return k_exit_ok;
}

}  // namespace stackc
