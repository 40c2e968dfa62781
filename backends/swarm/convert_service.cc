// One compose service to a ServiceSpec, as the docker CLI 28.2.2 client builds it
// (cli/compose/convert/service.go). Fields the client leaves nil/zero are left out; pointer
// fields the client sets (Replicas, Init, StopGracePeriod, ...) are written even when zero,
// because "0" and "absent" differ on the engine.

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <map>
#include <set>
#include <string>

#include <fmt/format.h>

#include "backends/swarm/convert_internal.h"
#include "compiler/ports.h"

namespace stackc::swarm::detail {
namespace {

std::string upper(std::string text) {
  for (char& c : text) {
    if (c >= 'a' && c <= 'z') {
      c = static_cast<char>(c - 'a' + 'A');
    }
  }
  return text;
}

std::string lower(std::string text) {
  for (char& c : text) {
    if (c >= 'A' && c <= 'Z') {
      c = static_cast<char>(c - 'A' + 'a');
    }
  }
  return text;
}

std::string trim_space(const std::string& text) {
  size_t begin = text.find_first_not_of(" \t\n\r\v\f");
  if (begin == std::string::npos) {
    return {};
  }
  size_t end = text.find_last_not_of(" \t\n\r\v\f");
  return text.substr(begin, end - begin + 1);
}

Json string_array(const std::vector<std::string>& values) {
  Json out = Json::array();
  for (const std::string& value : values) {
    out.push_back(value);
  }
  return out;
}

// opts.NormalizeCapability: upper-case, trimmed, "CAP_" prefixed; ALL and RESET kept.
std::string normalize_capability(const std::string& cap) {
  std::string out = upper(trim_space(cap));
  if (out == "ALL" || out == "RESET" || out.rfind("CAP_", 0) == 0) {
    return out;
  }
  return "CAP_" + out;
}

// opts.EffectiveCapAddCapDrop: deduplicated and sorted; ALL wins within a list; adding wins
// over dropping; RESET is only meaningful on update and is dropped.
void effective_caps(const ir::StrList& add, const ir::StrList& drop, Json& cap_add,
                    Json& cap_drop) {
  std::set<std::string> adds;
  std::set<std::string> drops;
  for (const std::string& cap : add.values) {
    adds.insert(normalize_capability(cap));
  }
  for (const std::string& cap : drop.values) {
    drops.insert(normalize_capability(cap));
  }
  if (adds.count("ALL") != 0) {
    adds = {"ALL"};
  }
  if (drops.count("ALL") != 0) {
    drops = {"ALL"};
  }
  cap_add = Json::array();
  cap_drop = Json::array();
  for (const std::string& cap : drops) {
    if (adds.count(cap) == 0 && cap != "RESET") {
      cap_drop.push_back(cap);
    }
  }
  for (const std::string& cap : adds) {
    if (cap != "RESET") {
      cap_add.push_back(cap);
    }
  }
}

// Sorted "K=V"; a variable without a value is sent as a bare "K" (the engine then takes it
// from nowhere: it is simply unset in the container, as with the reference).
Json environment(const ir::StrMap& env) {
  std::vector<std::string> out;
  for (const auto& [key, value] : env) {
    out.push_back(value.value ? key + "=" + *value.value : key);
  }
  std::sort(out.begin(), out.end());
  return string_array(out);
}

Json healthcheck(const Context& ctx, const ir::Healthcheck& check) {
  Json out = Json::object();
  if (check.disable && *check.disable) {
    if (!check.test.empty()) {
      ctx.diags.error(k_code_invalid, check.disable.loc,
                      "test and disable can't be set at the same time");
    }
    out["Test"] = Json::array({"NONE"});
    return out;
  }
  if (!check.test.empty()) {
    out["Test"] = string_array(check.test.values);
  }
  if (check.interval && *check.interval != 0) {
    out["Interval"] = *check.interval;
  }
  if (check.timeout && *check.timeout != 0) {
    out["Timeout"] = *check.timeout;
  }
  if (check.start_period && *check.start_period != 0) {
    out["StartPeriod"] = *check.start_period;
  }
  // Sent whatever the engine's API version, as the docker CLI 28 does: an engine older than
  // API 1.44 drops it from the stored spec (plan.cc ignores it there when diffing).
  if (check.start_interval && *check.start_interval != 0) {
    out["StartInterval"] = *check.start_interval;
  }
  if (check.retries && *check.retries != 0) {
    out["Retries"] = *check.retries;
  }
  return out;
}

// deploy.restart_policy wins; otherwise the legacy `restart:` is converted (opts.ParseRestartPolicy
// in the 28.2.2 client: "always"/"unless-stopped" give any without a count, "on-failure[:N]"
// gives on-failure with MaxAttempts N, 0 included).
bool restart_policy(const Context& ctx, const ir::Service& service, Json& out) {
  if (service.deploy.restart_policy) {
    const ir::RestartPolicy& policy = *service.deploy.restart_policy;
    out = Json::object();
    if (policy.condition && !policy.condition->empty()) {
      out["Condition"] = *policy.condition;
    }
    if (policy.delay) {
      out["Delay"] = *policy.delay;
    }
    if (policy.max_attempts) {
      out["MaxAttempts"] = *policy.max_attempts;
    }
    if (policy.window) {
      out["Window"] = *policy.window;
    }
    return true;
  }
  if (!service.restart || service.restart->empty()) {
    return false;
  }
  const std::string& text = *service.restart;
  size_t colon = text.find(':');
  std::string name = text.substr(0, colon);
  int64_t count = 0;
  if (colon != std::string::npos) {
    if (name.empty()) {
      ctx.diags.error(k_code_invalid, service.restart.loc,
                      "invalid restart policy format: no policy provided before colon");
      return false;
    }
    std::string digits = text.substr(colon + 1);
    if (!digits.empty()) {
      size_t used = 0;
      bool ok = true;
      try {
        count = std::stoll(digits, &used, 10);
      } catch (const std::exception&) {
        ok = false;
      }
      // strconv.Atoi: an optional sign, then digits only (no spaces).
      if (!ok || used != digits.size() ||
          !(std::isdigit(static_cast<unsigned char>(digits[0])) || digits[0] == '+' ||
            digits[0] == '-')) {
        ctx.diags.error(k_code_invalid, service.restart.loc,
                        "invalid restart policy format: maximum retry count must be an integer");
        return false;
      }
    }
  }
  if (name == "no") {
    return false;
  }
  if (name == "always" || name == "unless-stopped") {
    out = Json::object({{"Condition", "any"}});
    return true;
  }
  if (name == "on-failure") {
    out =
        Json::object({{"Condition", "on-failure"}, {"MaxAttempts", static_cast<uint64_t>(count)}});
    return true;
  }
  ctx.diags.error(k_code_invalid, service.restart.loc,
                  fmt::format("unknown restart policy: {}", name));
  return false;
}

Json update_config(const ir::UpdateConfig& config) {
  Json out = Json::object();
  // The client's one default: Parallelism 1 when the block is there without it.
  out["Parallelism"] = config.parallelism ? *config.parallelism : uint64_t{1};
  if (config.delay && *config.delay != 0) {
    out["Delay"] = *config.delay;
  }
  if (config.failure_action && !config.failure_action->empty()) {
    out["FailureAction"] = *config.failure_action;
  }
  if (config.monitor && *config.monitor != 0) {
    out["Monitor"] = *config.monitor;
  }
  if (config.max_failure_ratio && *config.max_failure_ratio != 0) {
    out["MaxFailureRatio"] = *config.max_failure_ratio;
  }
  if (config.order && !config.order->empty()) {
    out["Order"] = *config.order;
  }
  return out;
}

Json resources(const ir::Deploy& deploy) {
  Json out = Json::object();
  if (deploy.limits.set) {
    Json limits = Json::object();
    if (deploy.limits.nano_cpus && *deploy.limits.nano_cpus != 0) {
      limits["NanoCPUs"] = *deploy.limits.nano_cpus;
    }
    if (deploy.limits.memory && *deploy.limits.memory != 0) {
      limits["MemoryBytes"] = *deploy.limits.memory;
    }
    if (deploy.limits.pids && *deploy.limits.pids != 0) {
      limits["Pids"] = *deploy.limits.pids;
    }
    out["Limits"] = std::move(limits);
  }
  if (deploy.reservations.set) {
    Json reservations = Json::object();
    if (deploy.reservations.nano_cpus && *deploy.reservations.nano_cpus != 0) {
      reservations["NanoCPUs"] = *deploy.reservations.nano_cpus;
    }
    if (deploy.reservations.memory && *deploy.reservations.memory != 0) {
      reservations["MemoryBytes"] = *deploy.reservations.memory;
    }
    if (!deploy.reservations.generic_resources.empty()) {
      Json generic = Json::array();
      for (const ir::GenericResource& resource : deploy.reservations.generic_resources) {
        Json spec = Json::object();
        if (resource.kind && !resource.kind->empty()) {
          spec["Kind"] = *resource.kind;
        }
        if (resource.value && *resource.value != 0) {
          spec["Value"] = *resource.value;
        }
        generic.push_back(Json::object({{"DiscreteResourceSpec", std::move(spec)}}));
      }
      reservations["GenericResources"] = std::move(generic);
    }
    out["Reservations"] = std::move(reservations);
  }
  return out;
}

Json placement(const ir::Placement& placement) {
  Json out = Json::object();
  if (!placement.constraints.empty()) {
    out["Constraints"] = string_array(placement.constraints.values);
  }
  if (!placement.preferences.empty()) {
    Json preferences = Json::array();
    for (const ir::Preference& preference : placement.preferences) {
      Json spread = Json::object();
      if (preference.spread && !preference.spread->empty()) {
        spread["SpreadDescriptor"] = *preference.spread;
      }
      preferences.push_back(Json::object({{"Spread", std::move(spread)}}));
    }
    out["Preferences"] = std::move(preferences);
  }
  if (placement.max_replicas_per_node && *placement.max_replicas_per_node != 0) {
    out["MaxReplicas"] = *placement.max_replicas_per_node;
  }
  return out;
}

// container.NetworkMode(target).IsUserDefined(): aliases only make sense there.
bool is_user_defined_network(const std::string& target) {
  return target != "default" && target != "bridge" && target != "host" && target != "none" &&
         target.rfind("container:", 0) != 0;
}

Json networks(const Context& ctx, const ir::Service& service) {
  std::vector<std::pair<std::string, Json>> attachments;
  auto attach = [&](const std::string& key, const ir::ServiceNetwork* config) {
    auto found = ctx.stack.networks.find(key);
    std::string target = ctx.scope(key);
    if (found != ctx.stack.networks.end() && found->second.name && !found->second.name->empty()) {
      target = *found->second.name;
    }
    Json attachment = Json::object();
    attachment["Target"] = target;
    Json aliases = Json::array();
    if (config != nullptr) {
      for (const std::string& alias : config->aliases.values) {
        aliases.push_back(alias);
      }
    }
    if (is_user_defined_network(target)) {
      aliases.push_back(service.name);
    }
    if (!aliases.empty()) {
      attachment["Aliases"] = std::move(aliases);
    }
    if (config != nullptr && !config->driver_opts.empty()) {
      Json opts = Json::object();
      for (const auto& [name, value] : config->driver_opts) {
        opts[name] = value.value.value_or("");
      }
      attachment["DriverOpts"] = std::move(opts);
    }
    attachments.emplace_back(target, std::move(attachment));
  };
  if (service.networks.empty()) {
    attach("default", nullptr);
  }
  for (const auto& [key, config] : service.networks) {
    if (ctx.stack.networks.count(key) == 0 && key != "default") {
      ctx.diags.error(k_code_undefined, config.loc, fmt::format("undefined network \"{}\"", key));
      continue;
    }
    attach(key, &config);
  }
  std::stable_sort(attachments.begin(), attachments.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  Json out = Json::array();
  for (auto& [target, attachment] : attachments) {
    out.push_back(std::move(attachment));
  }
  return out;
}

// Secret and config references (convertFileObject): the name is `name:` or <stack>_<source>,
// the file target defaults to the source key, uid/gid to "0", mode to 0444. Sorted by object
// name (stable). The IDs are apply's business.
template <typename Objects>
Json file_references(const Context& ctx, const std::vector<ir::FileReference>& refs,
                     const Objects& objects, std::string_view kind, const char* name_key,
                     std::vector<std::string>& names_out) {
  std::vector<std::pair<std::string, Json>> out;
  std::map<std::string, std::string> targets;  // target -> object name, for duplicates
  for (const ir::FileReference& ref : refs) {
    const std::string source = ref.source ? *ref.source : std::string();
    auto found = objects.find(source);
    if (found == objects.end()) {
      ctx.diags.error(k_code_undefined, ref.source ? ref.source.loc : ref.loc,
                      fmt::format("undefined {} \"{}\"", kind, source));
      continue;
    }
    std::string name = found->second.name && !found->second.name->empty() ? *found->second.name
                                                                          : ctx.scope(source);
    std::string target = ref.target && !ref.target->empty() ? *ref.target : source;
    Json file = Json::object();
    file["Name"] = target;
    file["UID"] = ref.uid && !ref.uid->empty() ? *ref.uid : std::string("0");
    file["GID"] = ref.gid && !ref.gid->empty() ? *ref.gid : std::string("0");
    file["Mode"] = ref.mode ? *ref.mode : uint32_t{0444};
    if (!targets.emplace(target, name).second) {
      ctx.diags.error(k_code_invalid, ref.loc,
                      fmt::format("duplicate {} target for {} not allowed", kind, name));
      continue;
    }
    Json reference = Json::object();
    reference["File"] = std::move(file);
    reference[name_key] = name;
    names_out.push_back(name);
    out.emplace_back(name, std::move(reference));
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  Json result = Json::array();
  for (auto& [name, reference] : out) {
    result.push_back(std::move(reference));
  }
  return result;
}

// credential_spec: at most one of config/file/registry. A config-based spec also needs a
// Runtime config reference; CredentialSpec.Config carries the config *name* here and apply
// replaces it with the config's ID, as the reference's client does after its lookup.
bool credential_spec(const Context& ctx, const ir::Service& service, Json& spec,
                     Json& runtime_config) {
  const ir::CredentialSpec& cred = service.credential_spec;
  std::vector<std::string> given;
  SourceLoc loc;
  if (cred.config && !cred.config->empty()) {
    given.push_back("\"Config\"");
    loc = cred.config.loc;
  }
  if (cred.file && !cred.file->empty()) {
    given.push_back("\"File\"");
    loc = cred.file.loc;
  }
  if (cred.registry && !cred.registry->empty()) {
    given.push_back("\"Registry\"");
    loc = cred.registry.loc;
  }
  if (given.empty()) {
    return false;
  }
  if (given.size() > 1) {
    std::string list = given[0];
    for (size_t i = 1; i + 1 < given.size(); ++i) {
      list += ", " + given[i];
    }
    ctx.diags.error(k_code_invalid, loc,
                    fmt::format("invalid credential spec: cannot specify both {}{} and {}", list,
                                given.size() > 2 ? "," : "", given.back()));
    return false;
  }
  spec = Json::object();
  if (cred.config && !cred.config->empty()) {
    auto found = ctx.stack.configs.find(*cred.config);
    if (found == ctx.stack.configs.end()) {
      ctx.diags.error(k_code_undefined, cred.config.loc,
                      fmt::format("undefined config \"{}\"", *cred.config));
      return false;
    }
    std::string name = found->second.name && !found->second.name->empty() ? *found->second.name
                                                                          : ctx.scope(*cred.config);
    spec["Config"] = name;
    runtime_config = Json::object({{"Runtime", Json::object()}, {"ConfigName", name}});
  } else if (cred.file && !cred.file->empty()) {
    spec["File"] = *cred.file;
  } else {
    spec["Registry"] = *cred.registry;
  }
  return true;
}

bool mode(const Context& ctx, const ir::Deploy& deploy, Json& out) {
  const std::string name = deploy.mode ? *deploy.mode : std::string();
  auto no_replicas = [&] {
    if (deploy.replicas) {
      ctx.diags.error(k_code_invalid, deploy.replicas.loc,
                      "replicas can only be used with replicated or replicated-job mode");
      return false;
    }
    return true;
  };
  if (name == "global") {
    out = Json::object({{"Global", Json::object()}});
    return no_replicas();
  }
  if (name == "global-job") {
    out = Json::object({{"GlobalJob", Json::object()}});
    return no_replicas();
  }
  if (name == "replicated-job") {
    Json job = Json::object();
    if (deploy.replicas) {
      job["MaxConcurrent"] = *deploy.replicas;
      job["TotalCompletions"] = *deploy.replicas;
    }
    out = Json::object({{"ReplicatedJob", std::move(job)}});
    return true;
  }
  if (name == "replicated" || name.empty()) {
    Json replicated = Json::object();
    if (deploy.replicas) {
      replicated["Replicas"] = *deploy.replicas;
    }
    out = Json::object({{"Replicated", std::move(replicated)}});
    return true;
  }
  ctx.diags.error(k_code_invalid, deploy.mode.loc, fmt::format("unknown mode: {}", name));
  return false;
}

// Ports sorted by published port, stably: the 28.2.2 client's sort.Slice over a short list
// (Go's pdqsort is an insertion sort below 12 elements) keeps the compose order among equal
// published ports; the engine stores the order it is sent (checked against the lab).
Json endpoint_spec(const ir::Service& service) {
  std::vector<const ir::Port*> ports;
  for (const ir::Port& port : service.ports) {
    ports.push_back(&port);
  }
  std::stable_sort(ports.begin(), ports.end(), [](const ir::Port* a, const ir::Port* b) {
    return (a->published ? *a->published : 0) < (b->published ? *b->published : 0);
  });
  Json out = Json::object();
  if (service.deploy.endpoint_mode && !service.deploy.endpoint_mode->empty()) {
    out["Mode"] = lower(*service.deploy.endpoint_mode);
  }
  if (!ports.empty()) {
    Json list = Json::array();
    for (const ir::Port* port : ports) {
      Json config = Json::object();
      if (port->protocol && !port->protocol->empty()) {
        config["Protocol"] = *port->protocol;
      }
      if (port->target && *port->target != 0) {
        config["TargetPort"] = *port->target;
      }
      if (port->published && *port->published != 0) {
        config["PublishedPort"] = *port->published;
      }
      if (port->mode && !port->mode->empty()) {
        config["PublishMode"] = *port->mode;
      }
      list.push_back(std::move(config));
    }
    out["Ports"] = std::move(list);
  }
  return out;
}

Json string_map(const ir::StrMap& map) {
  Json out = Json::object();
  for (const auto& [key, value] : map) {
    out[key] = value.value.value_or("");
  }
  return out;
}

}  // namespace

Json convert_service(const Context& ctx, const ir::Service& service) {
  const std::string image = service.image ? *service.image : std::string();

  Json container = Json::object();
  container["Image"] = tagged_image(image);
  container["Labels"] = stack_labels(ctx, service.labels);
  if (!service.entrypoint.empty()) {
    container["Command"] = string_array(service.entrypoint.values);
  }
  if (!service.command.empty()) {
    container["Args"] = string_array(service.command.values);
  }
  if (service.hostname && !service.hostname->empty()) {
    container["Hostname"] = *service.hostname;
  }
  if (!service.environment.empty()) {
    container["Env"] = environment(service.environment);
  }
  if (service.working_dir && !service.working_dir->empty()) {
    container["Dir"] = *service.working_dir;
  }
  if (service.user && !service.user->empty()) {
    container["User"] = *service.user;
  }
  Json privileges = Json::object();
  Json cred;
  Json runtime_config;
  if (credential_spec(ctx, service, cred, runtime_config)) {
    privileges["CredentialSpec"] = std::move(cred);
  }
  container["Privileges"] = std::move(privileges);
  if (service.init) {
    container["Init"] = *service.init;
  }
  if (service.stop_signal && !service.stop_signal->empty()) {
    container["StopSignal"] = *service.stop_signal;
  }
  if (service.tty && *service.tty) {
    container["TTY"] = true;
  }
  if (service.stdin_open && *service.stdin_open) {
    container["OpenStdin"] = true;
  }
  if (service.read_only && *service.read_only) {
    container["ReadOnly"] = true;
  }
  Json mounts = convert_mounts(ctx, service);
  if (!mounts.empty()) {
    container["Mounts"] = std::move(mounts);
  }
  if (service.stop_grace_period) {
    container["StopGracePeriod"] = *service.stop_grace_period;
  }
  if (service.healthcheck) {
    container["Healthcheck"] = healthcheck(ctx, *service.healthcheck);
  }
  if (!service.extra_hosts.empty()) {
    Json hosts = Json::array();
    for (const std::string& entry : service.extra_hosts.values) {
      if (std::optional<std::string> host = extra_host_to_swarm(entry)) {
        hosts.push_back(*host);
      }
    }
    if (!hosts.empty()) {
      container["Hosts"] = std::move(hosts);
    }
  }
  if (!service.dns.empty() || !service.dns_search.empty()) {
    // The 28.2.2 client passes nameservers as strings, unchecked (checked on the lab: a
    // non-IP entry is stored as written).
    Json dns = Json::object();
    if (!service.dns.empty()) {
      dns["Nameservers"] = string_array(service.dns.values);
    }
    if (!service.dns_search.empty()) {
      dns["Search"] = string_array(service.dns_search.values);
    }
    container["DNSConfig"] = std::move(dns);
  }
  std::vector<std::string> secret_names;
  Json secrets = file_references(ctx, service.secrets, ctx.stack.secrets, "secret", "SecretName",
                                 secret_names);
  if (!secrets.empty()) {
    container["Secrets"] = std::move(secrets);
  }
  std::vector<std::string> config_names;
  Json configs = file_references(ctx, service.configs, ctx.stack.configs, "config", "ConfigName",
                                 config_names);
  if (!runtime_config.is_null()) {
    // The runtime reference joins the list before the sort, as in the reference.
    configs.push_back(std::move(runtime_config));
    std::stable_sort(configs.begin(), configs.end(), [](const Json& a, const Json& b) {
      return a["ConfigName"].get<std::string>() < b["ConfigName"].get<std::string>();
    });
  }
  if (!configs.empty()) {
    container["Configs"] = std::move(configs);
  }
  if (service.isolation && !service.isolation->empty()) {
    container["Isolation"] = *service.isolation;
  }
  if (!service.sysctls.empty()) {
    container["Sysctls"] = string_map(service.sysctls);
  }
  Json cap_add;
  Json cap_drop;
  effective_caps(service.cap_add, service.cap_drop, cap_add, cap_drop);
  if (!cap_add.empty()) {
    container["CapabilityAdd"] = std::move(cap_add);
  }
  if (!cap_drop.empty()) {
    container["CapabilityDrop"] = std::move(cap_drop);
  }
  if (!service.ulimits.empty()) {
    Json ulimits = Json::array();  // std::map: already sorted by name
    for (const auto& [name, limit] : service.ulimits) {
      int64_t soft = limit.soft ? *limit.soft : 0;
      int64_t hard = limit.hard ? *limit.hard : 0;
      if (limit.single && *limit.single != 0) {
        soft = hard = *limit.single;
      }
      ulimits.push_back(Json::object({{"Name", name}, {"Hard", hard}, {"Soft", soft}}));
    }
    container["Ulimits"] = std::move(ulimits);
  }

  Json task = Json::object();
  task["ContainerSpec"] = std::move(container);
  task["Resources"] = resources(service.deploy);
  Json restart;
  if (restart_policy(ctx, service, restart)) {
    task["RestartPolicy"] = std::move(restart);
  }
  task["Placement"] = placement(service.deploy.placement);
  task["Networks"] = networks(ctx, service);
  if (service.logging) {
    Json driver = Json::object();
    if (service.logging->driver && !service.logging->driver->empty()) {
      driver["Name"] = *service.logging->driver;
    }
    if (!service.logging->options.empty()) {
      driver["Options"] = string_map(service.logging->options);
    }
    task["LogDriver"] = std::move(driver);
  }

  Json spec = Json::object();
  spec["Name"] = ctx.scope(service.name);
  std::map<std::string, std::string> labels;
  for (const auto& [key, value] : service.deploy.labels) {
    labels[key] = value.value.value_or("");
  }
  labels["com.docker.stack.namespace"] = ctx.ns;
  labels["com.docker.stack.image"] = image;  // as written, before normalization
  Json annotations = Json::object();
  for (const auto& [key, value] : labels) {
    annotations[key] = value;
  }
  spec["Labels"] = std::move(annotations);
  spec["TaskTemplate"] = std::move(task);
  Json service_mode;
  if (mode(ctx, service.deploy, service_mode)) {
    spec["Mode"] = std::move(service_mode);
  }
  if (service.deploy.update_config) {
    spec["UpdateConfig"] = update_config(*service.deploy.update_config);
  }
  if (service.deploy.rollback_config) {
    spec["RollbackConfig"] = update_config(*service.deploy.rollback_config);
  }
  spec["EndpointSpec"] = endpoint_spec(service);
  return spec;
}

}  // namespace stackc::swarm::detail
