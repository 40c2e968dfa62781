// Where each field of a converted ServiceSpec comes from: a compose path and the file:line that
// set it, or the reference's derivation when no line does. It follows convert_service's layout
// field by field; list indices follow the order in which the planner compares the lists (its
// normalization sorts Env, constraints, aliases and ports), so that a FieldChange path finds
// its element.

#include <nlohmann/json.hpp>

#include <algorithm>
#include <string>

#include <fmt/format.h>

#include "backends/swarm/convert_internal.h"

namespace stackc::swarm {

std::string spec_path_join(const std::string& path, const std::string& key) {
  std::string part = key.find('.') != std::string::npos ? fmt::format("[\"{}\"]", key) : key;
  if (path.empty()) {
    return part;
  }
  return part.front() == '[' ? path + part : path + "." + part;
}

namespace {

// `path` is `prefix` itself or a path below it.
bool at_or_below(std::string_view path, std::string_view prefix) {
  if (path.size() < prefix.size() || path.substr(0, prefix.size()) != prefix) {
    return false;
  }
  return path.size() == prefix.size() || path[prefix.size()] == '.' || path[prefix.size()] == '[';
}

}  // namespace

const FieldOrigin* find_origin(const Origins& origins, std::string_view path) {
  const FieldOrigin* best = nullptr;
  for (const FieldOrigin& candidate : origins) {
    bool exact = candidate.spec_path == path;
    if (!exact && !(candidate.covers_children && at_or_below(path, candidate.spec_path))) {
      continue;
    }
    if (!best || candidate.spec_path.size() > best->spec_path.size()) {
      best = &candidate;
    }
  }
  if (best) {
    return best;
  }
  for (const FieldOrigin& candidate : origins) {
    if (at_or_below(candidate.spec_path, path)) {
      return &candidate;
    }
  }
  return nullptr;
}

namespace detail {

Origin origin_at(const SourceLoc& loc, std::string compose_path) {
  Origin origin;
  origin.compose_path = std::move(compose_path);
  if (loc.has_line()) {
    origin.file = loc.file->path();
    origin.line = loc.line;
  }
  return origin;
}

namespace {

constexpr const char* k_container = "TaskTemplate.ContainerSpec";

class Recorder {
 public:
  explicit Recorder(std::string base) : m_base(std::move(base)) {}

  // `key` is the compose path below the service ("deploy.replicas").
  void set(const std::string& path, const SourceLoc& loc, const std::string& key,
           bool covers_children = true) {
    m_out.push_back({path, origin_at(loc, m_base + "." + key), covers_children});
  }
  template <typename T>
  void field(const std::string& path, const ir::Field<T>& field, const std::string& key) {
    if (field) {
      set(path, field.loc, key);
    }
  }
  void list(const std::string& path, const ir::StrList& list, const std::string& key) {
    if (!list.set) {
      return;
    }
    set(path, list.loc, key);
    for (size_t i = 0; i < list.locs.size(); ++i) {
      set(fmt::format("{}[{}]", path, i), list.locs[i], fmt::format("{}[{}]", key, i));
    }
  }
  // A list the planner sorts: element i of the sorted list is found by its value.
  void sorted_list(const std::string& path, const ir::StrList& list, const std::string& key) {
    if (!list.set) {
      return;
    }
    set(path, list.loc, key);
    std::vector<size_t> order(list.values.size());
    for (size_t i = 0; i < order.size(); ++i) {
      order[i] = i;
    }
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
      return nlohmann::json(list.values[a]).dump() < nlohmann::json(list.values[b]).dump();
    });
    for (size_t i = 0; i < order.size(); ++i) {
      size_t at = order[i];
      set(fmt::format("{}[{}]", path, i), at < list.locs.size() ? list.locs[at] : list.loc,
          fmt::format("{}[{}]", key, at));
    }
  }
  void map(const std::string& path, const ir::StrMap& map, const std::string& key) {
    for (const auto& [name, value] : map) {
      set(spec_path_join(path, name), value.loc, key + "." + name);
    }
  }
  void derived(const std::string& path, const std::string& key, std::string why) {
    Origin origin;
    origin.compose_path = key.empty() ? m_base : m_base + "." + key;
    origin.derived = std::move(why);
    m_out.push_back({path, std::move(origin), true});
  }
  // Says what the last recorded field is, beside the line that sets it.
  void note(std::string what) { m_out.back().origin.derived = std::move(what); }
  Origins take() { return std::move(m_out); }

 private:
  std::string m_base;
  Origins m_out;
};

void labels(Recorder& rec, const std::string& path, const ir::StrMap& user,
            const std::string& key) {
  rec.map(path, user, key);
  rec.derived(spec_path_join(path, "com.docker.stack.namespace"), "",
              "the stack's namespace label");
}

void update_config(Recorder& rec, const std::string& path, const ir::UpdateConfig& config,
                   const std::string& key) {
  rec.set(path, config.loc, key, /*covers_children=*/false);
  if (config.parallelism) {
    rec.field(path + ".Parallelism", config.parallelism, key + ".parallelism");
  } else {
    rec.derived(path + ".Parallelism", key, "the reference's default parallelism (1)");
  }
  rec.field(path + ".Delay", config.delay, key + ".delay");
  rec.field(path + ".FailureAction", config.failure_action, key + ".failure_action");
  rec.field(path + ".Monitor", config.monitor, key + ".monitor");
  rec.field(path + ".MaxFailureRatio", config.max_failure_ratio, key + ".max_failure_ratio");
  rec.field(path + ".Order", config.order, key + ".order");
}

void resources(Recorder& rec, const ir::Resource& resource, const std::string& path,
               const std::string& key) {
  if (!resource.set) {
    return;
  }
  rec.set(path, resource.loc, key, false);
  rec.field(path + ".NanoCPUs", resource.cpus, key + ".cpus");
  rec.field(path + ".MemoryBytes", resource.memory, key + ".memory");
  rec.field(path + ".Pids", resource.pids, key + ".pids");
  for (size_t i = 0; i < resource.generic_resources.size(); ++i) {
    rec.set(fmt::format("{}.GenericResources[{}]", path, i), resource.generic_resources[i].loc,
            fmt::format("{}.generic_resources[{}]", key, i));
  }
}

// The ports as the planner sorts them: protocol and publish mode defaulted, then by JSON text.
void ports(Recorder& rec, const ir::Service& service) {
  struct Entry {
    std::string sort_key;
    size_t index;
  };
  std::vector<Entry> entries;
  for (size_t i = 0; i < service.ports.size(); ++i) {
    const ir::Port& port = service.ports[i];
    nlohmann::json normalized = nlohmann::json::object();
    normalized["Protocol"] = port.protocol && !port.protocol->empty() ? *port.protocol : "tcp";
    normalized["PublishMode"] = port.mode && !port.mode->empty() ? *port.mode : "ingress";
    if (port.target && *port.target != 0) {
      normalized["TargetPort"] = *port.target;
    }
    if (port.published && *port.published != 0) {
      normalized["PublishedPort"] = *port.published;
    }
    entries.push_back({normalized.dump(), i});
  }
  std::stable_sort(entries.begin(), entries.end(),
                   [](const Entry& a, const Entry& b) { return a.sort_key < b.sort_key; });
  for (size_t i = 0; i < entries.size(); ++i) {
    rec.set(fmt::format("EndpointSpec.Ports[{}]", i), service.ports[entries[i].index].loc,
            fmt::format("ports[{}]", entries[i].index));
  }
}

void networks(Recorder& rec, const Context& ctx, const ir::Service& service) {
  const std::string path = "TaskTemplate.Networks";
  if (service.networks.empty()) {
    rec.derived(path, "", "the stack's default network");
    return;
  }
  // convert_service sorts the attachments by target name, as does the planner.
  std::vector<std::pair<std::string, const std::string*>> targets;
  for (const auto& [key, config] : service.networks) {
    auto found = ctx.stack.networks.find(key);
    std::string target = ctx.scope(key);
    if (found != ctx.stack.networks.end() && found->second.name && !found->second.name->empty()) {
      target = *found->second.name;
    }
    targets.emplace_back(target, &key);
  }
  std::stable_sort(targets.begin(), targets.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  for (size_t i = 0; i < targets.size(); ++i) {
    const std::string& key = *targets[i].second;
    const ir::ServiceNetwork& config = service.networks.at(key);
    std::string at = fmt::format("{}[{}]", path, i);
    rec.set(at, config.loc, "networks." + key);
    std::vector<std::pair<std::string, const SourceLoc*>> aliases;
    for (size_t a = 0; a < config.aliases.values.size(); ++a) {
      aliases.emplace_back(config.aliases.values[a], &config.aliases.locs[a]);
    }
    aliases.emplace_back(service.name, nullptr);
    std::stable_sort(aliases.begin(), aliases.end(), [](const auto& a, const auto& b) {
      return nlohmann::json(a.first).dump() < nlohmann::json(b.first).dump();
    });
    for (size_t a = 0; a < aliases.size(); ++a) {
      std::string alias_path = fmt::format("{}.Aliases[{}]", at, a);
      if (aliases[a].second) {
        rec.set(alias_path, *aliases[a].second, "networks." + key + ".aliases");
      } else {
        rec.derived(alias_path, "networks." + key, "the reference's alias: the service's own name");
      }
    }
  }
}

// Secret and config references, in convert's order (by object name), which the planner keeps.
template <typename Objects>
void file_references(Recorder& rec, const Context& ctx, const std::vector<ir::FileReference>& refs,
                     const Objects& objects, const std::string& path, const std::string& key) {
  std::vector<std::pair<std::string, size_t>> names;
  for (size_t i = 0; i < refs.size(); ++i) {
    const std::string source = refs[i].source ? *refs[i].source : std::string();
    auto found = objects.find(source);
    if (found == objects.end()) {
      continue;
    }
    names.emplace_back(found->second.name && !found->second.name->empty() ? *found->second.name
                                                                          : ctx.scope(source),
                       i);
  }
  std::stable_sort(names.begin(), names.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  for (size_t i = 0; i < names.size(); ++i) {
    rec.set(fmt::format("{}[{}]", path, i), refs[names[i].second].loc,
            fmt::format("{}[{}]", key, names[i].second));
  }
}

}  // namespace

Origins service_origins(const Context& ctx, const ir::Service& service) {
  Recorder rec("services." + service.name);
  const std::string c = k_container;
  rec.field(c + ".Image", service.image, "image");
  labels(rec, c + ".Labels", service.labels, "labels");
  rec.list(c + ".Command", service.entrypoint, "entrypoint");
  rec.list(c + ".Args", service.command, "command");
  rec.field(c + ".Hostname", service.hostname, "hostname");
  if (!service.environment.empty()) {
    // The map has no location of its own: its first entry stands for the whole list.
    rec.set(c + ".Env", service.environment.begin()->second.loc, "environment", false);
    // Env is sent sorted as "K=V" and compared sorted by the planner.
    std::vector<std::pair<std::string, std::string>> env;
    for (const auto& [name, value] : service.environment) {
      env.emplace_back(value.value ? name + "=" + *value.value : name, name);
    }
    std::stable_sort(env.begin(), env.end(), [](const auto& a, const auto& b) {
      return nlohmann::json(a.first).dump() < nlohmann::json(b.first).dump();
    });
    for (size_t i = 0; i < env.size(); ++i) {
      rec.set(fmt::format("{}.Env[{}]", c, i), service.environment.at(env[i].second).loc,
              "environment." + env[i].second);
    }
  }
  rec.field(c + ".Dir", service.working_dir, "working_dir");
  rec.field(c + ".User", service.user, "user");
  const ir::CredentialSpec& cred = service.credential_spec;
  rec.field(c + ".Privileges.CredentialSpec.Config", cred.config, "credential_spec.config");
  rec.field(c + ".Privileges.CredentialSpec.File", cred.file, "credential_spec.file");
  rec.field(c + ".Privileges.CredentialSpec.Registry", cred.registry, "credential_spec.registry");
  rec.field(c + ".Init", service.init, "init");
  rec.field(c + ".StopSignal", service.stop_signal, "stop_signal");
  rec.field(c + ".TTY", service.tty, "tty");
  rec.field(c + ".OpenStdin", service.stdin_open, "stdin_open");
  rec.field(c + ".ReadOnly", service.read_only, "read_only");
  for (size_t i = 0; i < service.volumes.size(); ++i) {
    rec.set(fmt::format("{}.Mounts[{}]", c, i), service.volumes[i].loc,
            fmt::format("volumes[{}]", i));
  }
  rec.field(c + ".StopGracePeriod", service.stop_grace_period, "stop_grace_period");
  if (service.healthcheck) {
    const ir::Healthcheck& check = *service.healthcheck;
    const std::string h = c + ".Healthcheck";
    rec.set(h, check.loc, "healthcheck", false);
    rec.list(h + ".Test", check.test, "healthcheck.test");
    rec.field(h + ".Test", check.disable, "healthcheck.disable");
    rec.field(h + ".Interval", check.interval, "healthcheck.interval");
    rec.field(h + ".Timeout", check.timeout, "healthcheck.timeout");
    rec.field(h + ".StartPeriod", check.start_period, "healthcheck.start_period");
    rec.field(h + ".Retries", check.retries, "healthcheck.retries");
  }
  rec.list(c + ".Hosts", service.extra_hosts, "extra_hosts");
  rec.list(c + ".DNSConfig.Nameservers", service.dns, "dns");
  rec.list(c + ".DNSConfig.Search", service.dns_search, "dns_search");
  file_references(rec, ctx, service.secrets, ctx.stack.secrets, c + ".Secrets", "secrets");
  file_references(rec, ctx, service.configs, ctx.stack.configs, c + ".Configs", "configs");
  rec.field(c + ".Isolation", service.isolation, "isolation");
  rec.map(c + ".Sysctls", service.sysctls, "sysctls");
  // Capabilities are merged, deduplicated and sorted: the whole list comes from both keys.
  if (service.cap_add.set) {
    rec.set(c + ".CapabilityAdd", service.cap_add.loc, "cap_add");
  }
  if (service.cap_drop.set) {
    rec.set(c + ".CapabilityDrop", service.cap_drop.loc, "cap_drop");
  }
  {
    size_t i = 0;
    for (const auto& [name, limit] : service.ulimits) {
      rec.set(fmt::format("{}.Ulimits[{}]", c, i++), limit.loc, "ulimits." + name);
    }
  }

  const ir::Deploy& deploy = service.deploy;
  resources(rec, deploy.limits, "TaskTemplate.Resources.Limits", "deploy.resources.limits");
  resources(rec, deploy.reservations, "TaskTemplate.Resources.Reservations",
            "deploy.resources.reservations");
  if (deploy.restart_policy) {
    const ir::RestartPolicy& policy = *deploy.restart_policy;
    const std::string r = "TaskTemplate.RestartPolicy";
    rec.set(r, policy.loc, "deploy.restart_policy", false);
    rec.field(r + ".Condition", policy.condition, "deploy.restart_policy.condition");
    rec.field(r + ".Delay", policy.delay, "deploy.restart_policy.delay");
    rec.field(r + ".MaxAttempts", policy.max_attempts, "deploy.restart_policy.max_attempts");
    rec.field(r + ".Window", policy.window, "deploy.restart_policy.window");
  } else if (service.restart) {
    rec.set("TaskTemplate.RestartPolicy", service.restart.loc, "restart");
  }
  const ir::Placement& placement = deploy.placement;
  rec.sorted_list("TaskTemplate.Placement.Constraints", placement.constraints,
                  "deploy.placement.constraints");
  for (size_t i = 0; i < placement.preferences.size(); ++i) {
    rec.set(fmt::format("TaskTemplate.Placement.Preferences[{}]", i), placement.preferences[i].loc,
            fmt::format("deploy.placement.preferences[{}]", i));
  }
  rec.field("TaskTemplate.Placement.MaxReplicas", placement.max_replicas_per_node,
            "deploy.placement.max_replicas_per_node");
  networks(rec, ctx, service);
  if (service.logging) {
    rec.set("TaskTemplate.LogDriver", service.logging->loc, "logging", false);
    rec.field("TaskTemplate.LogDriver.Name", service.logging->driver, "logging.driver");
    rec.map("TaskTemplate.LogDriver.Options", service.logging->options, "logging.options");
  }

  rec.derived("Name", "", "the stack's namespace and the service's key");
  labels(rec, "Labels", deploy.labels, "deploy.labels");
  if (service.image) {
    rec.set(spec_path_join("Labels", "com.docker.stack.image"), service.image.loc, "image");
    rec.note("the com.docker.stack.image label");
  }
  if (deploy.mode) {
    rec.set("Mode", deploy.mode.loc, "deploy.mode", false);
  }
  if (deploy.mode && *deploy.mode == "replicated-job") {
    rec.field("Mode.ReplicatedJob", deploy.replicas, "deploy.replicas");
  } else {
    rec.field("Mode.Replicated.Replicas", deploy.replicas, "deploy.replicas");
  }
  if (deploy.update_config) {
    update_config(rec, "UpdateConfig", *deploy.update_config, "deploy.update_config");
  }
  if (deploy.rollback_config) {
    update_config(rec, "RollbackConfig", *deploy.rollback_config, "deploy.rollback_config");
  }
  rec.field("EndpointSpec.Mode", deploy.endpoint_mode, "deploy.endpoint_mode");
  ports(rec, service);
  return rec.take();
}

Origins file_object_origins(const ir::FileObject& object, std::string_view kind) {
  Recorder rec(fmt::format("{}s.{}", kind, object.key));
  labels(rec, "Labels", object.labels, "labels");
  return rec.take();
}

}  // namespace detail
}  // namespace stackc::swarm
