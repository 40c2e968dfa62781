// stackc compile: what `docker stack deploy` would send to the engine for these files and this
// stack name, printed as one JSON document, without an engine. Secret and config contents are
// never printed: their Data becomes {"sha256": ..., "size": ...}; nor are environment values
// whose name looks like a credential (the policy diff uses: swarm::redact_env_entry), since CI
// passes secrets in through the environment and compile's output lands in job logs.

#include <iostream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "backends/swarm/convert.h"
#include "backends/swarm/plan.h"
#include "cli/commands.h"
#include "cli/exit_status.h"
#include "cli/front_end.h"

namespace stackc {
namespace {

using Json = nlohmann::ordered_json;

// The reference refuses a stack name that is empty once spaces and quotes are trimmed
// (cli/command/stack: validateStackName).
bool valid_stack_name(const std::string& name) {
  return name.find_first_not_of(" \t\n\r\"'") != std::string::npos;
}

Json file_object_spec(const swarm::DesiredFileObject& object) {
  Json spec = Json::parse(object.spec_json);
  if (spec.contains("Data")) {
    spec["Data"] = Json::object({{"sha256", object.data_sha256}, {"size", object.data_size}});
  }
  return spec;
}

Json service_spec(const swarm::DesiredService& service) {
  Json spec = Json::parse(service.spec_json);
  auto task = spec.find("TaskTemplate");
  if (task != spec.end()) {
    auto container = task->find("ContainerSpec");
    if (container != task->end()) {
      auto env = container->find("Env");
      if (env != container->end() && env->is_array()) {
        for (Json& entry : *env) {
          if (entry.is_string()) {
            entry = swarm::redact_env_entry(entry.get_ref<const std::string&>());
          }
        }
      }
    }
  }
  return spec;
}

}  // namespace

int run_compile(const GlobalOptions& global, const CompileOptions& options) {
  if (!valid_stack_name(options.stack)) {
    std::cerr << fmt::format("stackc: error: invalid stack name: \"{}\"\n", options.stack);
    return k_exit_usage;
  }
  auto desired = load_desired_stack(global, options.files, options.env_files, options.stack);
  if (!desired) {
    return desired.error();
  }

  Json out = Json::object();
  out["stack"] = desired->stack;
  Json networks = Json::array();
  Json external_networks = Json::array();
  for (const swarm::DesiredNetwork& network : desired->networks) {
    if (network.external) {
      external_networks.push_back(network.name);
    } else {
      networks.push_back(Json::parse(network.spec_json));
    }
  }
  Json secrets = Json::array();
  Json external_secrets = Json::array();
  for (const swarm::DesiredFileObject& secret : desired->secrets) {
    if (secret.external) {
      external_secrets.push_back(secret.name);
    } else {
      secrets.push_back(file_object_spec(secret));
    }
  }
  Json configs = Json::array();
  Json external_configs = Json::array();
  for (const swarm::DesiredFileObject& config : desired->configs) {
    if (config.external) {
      external_configs.push_back(config.name);
    } else {
      configs.push_back(file_object_spec(config));
    }
  }
  Json services = Json::array();
  for (const swarm::DesiredService& service : desired->services) {
    services.push_back(service_spec(service));
  }
  out["networks"] = std::move(networks);
  out["secrets"] = std::move(secrets);
  out["configs"] = std::move(configs);
  out["services"] = std::move(services);
  out["external"] = Json::object({{"networks", std::move(external_networks)},
                                  {"secrets", std::move(external_secrets)},
                                  {"configs", std::move(external_configs)}});
  // Go's encoder also turns invalid UTF-8 into U+FFFD rather than failing.
  std::cout << out.dump(2, ' ', false, Json::error_handler_t::replace) << "\n";
  return k_exit_ok;
}

}  // namespace stackc
