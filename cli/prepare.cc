// What deploy and diff share before the backend takes over: connect to the manager, and turn
// the files into a desired stack (front end, lint's errors, convert, depends_on, credentials).

#include <fmt/format.h>

#include <iostream>
#include <nlohmann/json.hpp>

#include "backends/swarm/convert.h"
#include "backends/swarm/curl_transport.h"
#include "backends/swarm/docker_host.h"
#include "backends/swarm/engine.h"
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

std::optional<int> prepare_stack(const GlobalOptions& global, const StackSource& source,
                                 PreparedStack& out) {
  if (!valid_stack_name(source.stack)) {
    error_line(fmt::format("invalid stack name \"{}\"", source.stack));
    return k_exit_usage;
  }
  FrontEnd front;
  run_front_end(global, source.files, source.env_files, front);
  if (!front.stack) {
    return front.exit_status;
  }
  // What lint calls an error, the engine refuses part-way through the apply or runs as tasks
  // that never start: refuse it before any write, as the reference cannot.
  if (source.refuse_lint_errors) {
    std::optional<size_t> errors = print_lint_errors(global, source.files.front(), front);
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
  auto desired =
      swarm::convert_stack(*front.stack, swarm::ConvertOptions{source.stack}, convert_diags);
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
  if (source.with_registry_auth) {
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
  out.connection = connect_manager(source.host);
  if (!out.connection) {
    return k_exit_usage;
  }
  return std::nullopt;
}

int print_deploy_error(const swarm::DeployError& error) {
  for (const swarm::PreflightProblem& problem : error.problems) {
    error_line(swarm::describe(problem));
  }
  if (error.kind == swarm::DeployError::Kind::preflight) {
    std::cerr << "stackc: nothing was changed\n";
  }
  return k_exit_usage;
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

}  // namespace stackc
