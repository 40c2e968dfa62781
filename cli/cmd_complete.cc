// stackc __complete stacks: the stack names the completion scripts offer. Hidden from --help.
// A completion must never hang a shell or print into the user's command line, so the engine
// gets a short deadline and every failure is silent (an empty list, exit 2).

#include <iostream>
#include <nlohmann/json.hpp>
#include <set>

#include "backends/swarm/curl_transport.h"
#include "backends/swarm/docker_host.h"
#include "backends/swarm/engine.h"
#include "cli/commands.h"
#include "cli/exit_status.h"

namespace stackc {

int run_complete_stacks(const std::string& host) {
  swarm::HostOptions host_options;
  if (!host.empty()) {
    host_options.host = host;
  }
  auto resolved = swarm::resolve_docker_host(host_options, swarm::process_env());
  if (!resolved) {
    return k_exit_usage;
  }
  swarm::TransportOptions transport;
  transport.connect_timeout = std::chrono::milliseconds(1'000);
  transport.total_timeout = std::chrono::milliseconds(3'000);
  swarm::Engine engine(swarm::make_curl_transport(*resolved, transport));
  // `docker stack ls` lists the namespaces of services; so do we.
  auto services = engine.list_services({{"label", {std::string(swarm::k_namespace_label)}}});
  if (!services) {
    return k_exit_usage;
  }
  std::set<std::string> stacks;
  for (const nlohmann::json& service : *services) {
    const nlohmann::json* labels = nullptr;
    if (auto spec = service.find("Spec"); spec != service.end() && spec->is_object()) {
      if (auto found = spec->find("Labels"); found != spec->end() && found->is_object()) {
        labels = &*found;
      }
    }
    if (labels == nullptr) {
      continue;
    }
    auto name = labels->find(std::string(swarm::k_namespace_label));
    if (name != labels->end() && name->is_string()) {
      stacks.insert(name->get<std::string>());
    }
  }
  for (const std::string& stack : stacks) {
    std::cout << stack << "\n";
  }
  return k_exit_ok;
}

}  // namespace stackc
