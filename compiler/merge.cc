#include "compiler/merge.h"

#include <algorithm>
#include <functional>

namespace stackc {
namespace {

// --- mergo's rules, one per kind of field ---

// Value fields: overridden only by a non-zero value.
void value(ir::Str& base, const ir::Str& over) {
  if (over && !over->empty()) {
    base = over;
  }
}
void value(ir::Bool& base, const ir::Bool& over) {
  if (over && *over) {
    base = over;
  }
}
template <typename T>
void value(ir::Field<T>& base, const ir::Field<T>& over) {
  if (over && *over != T{}) {
    base = over;
  }
}
// Pointer fields (*uint64, *Duration, *bool): overridden whenever set, zero included.
template <typename T>
void pointer(ir::Field<T>& base, const ir::Field<T>& over) {
  if (over) {
    base = over;
  }
}
// Slices: appended.
void append(ir::StrList& base, const ir::StrList& over) {
  if (over.empty()) {
    return;
  }
  if (!base.set) {
    base = over;
    return;
  }
  base.values.insert(base.values.end(), over.values.begin(), over.values.end());
  base.locs.insert(base.locs.end(), over.locs.begin(), over.locs.end());
}
template <typename T>
void append(std::vector<T>& base, const std::vector<T>& over) {
  base.insert(base.end(), over.begin(), over.end());
}
// ShellCommand: replaced when the override is not empty.
void replace_if_set(ir::StrList& base, const ir::StrList& over) {
  if (!over.empty()) {
    base = over;
  }
}
// String maps, key by key. Plain string maps (labels, sysctls, options) take every override
// value, "" included; maps of optional values (environment, build args) keep the base value
// unless the override has a non-empty one (checked against docker 28.2.2).
void map(ir::StrMap& base, const ir::StrMap& over, bool nullable) {
  for (const auto& [key, entry] : over) {
    auto found = base.find(key);
    if (found == base.end()) {
      base.emplace(key, entry);
    } else if (!nullable || !entry.value.value_or("").empty()) {
      found->second = entry;
    }
  }
}
// Lists the reference merges by a key (ports by published port, ...), then sorts by that key.
// Runs only when the base list is not empty; otherwise the override's list is appended as is.
template <typename T, typename Key>
void keyed(std::vector<T>& base, const std::vector<T>& over, Key key) {
  if (base.empty()) {
    base = over;
    return;
  }
  std::vector<T> merged;
  auto upsert = [&](const T& item) {
    for (T& existing : merged) {
      if (key(existing) == key(item)) {
        existing = item;
        return;
      }
    }
    merged.push_back(item);
  };
  for (const T& item : base) {
    upsert(item);
  }
  for (const T& item : over) {
    upsert(item);
  }
  std::stable_sort(merged.begin(), merged.end(),
                   [&](const T& a, const T& b) { return key(a) < key(b); });
  base = std::move(merged);
}
// Pointer structs: taken whole when the base has none, merged field by field otherwise.
template <typename T, typename Merge>
void optional(std::optional<T>& base, const std::optional<T>& over, Merge merge) {
  if (!over) {
    return;
  }
  if (!base) {
    base = over;
    return;
  }
  merge(*base, *over);
}

// --- the reference's structs ---

void update_config(ir::UpdateConfig& base, const ir::UpdateConfig& over) {
  pointer(base.parallelism, over.parallelism);
  value(base.delay, over.delay);
  value(base.failure_action, over.failure_action);
  value(base.monitor, over.monitor);
  value(base.max_failure_ratio, over.max_failure_ratio);
  value(base.order, over.order);
}

void resource(ir::Resource& base, const ir::Resource& over) {
  base.set = base.set || over.set;
  value(base.cpus, over.cpus);
  value(base.nano_cpus, over.nano_cpus);
  value(base.memory, over.memory);
  value(base.pids, over.pids);
  append(base.generic_resources, over.generic_resources);
}

void deploy(ir::Deploy& base, const ir::Deploy& over) {
  base.set = base.set || over.set;
  value(base.mode, over.mode);
  pointer(base.replicas, over.replicas);
  map(base.labels, over.labels, false);
  optional(base.update_config, over.update_config, update_config);
  optional(base.rollback_config, over.rollback_config, update_config);
  resource(base.limits, over.limits);
  resource(base.reservations, over.reservations);
  optional(base.restart_policy, over.restart_policy,
           [](ir::RestartPolicy& b, const ir::RestartPolicy& o) {
             value(b.condition, o.condition);
             pointer(b.delay, o.delay);
             pointer(b.max_attempts, o.max_attempts);
             pointer(b.window, o.window);
           });
  append(base.placement.constraints, over.placement.constraints);
  append(base.placement.preferences, over.placement.preferences);
  value(base.placement.max_replicas_per_node, over.placement.max_replicas_per_node);
  value(base.endpoint_mode, over.endpoint_mode);
}

void healthcheck(ir::Healthcheck& base, const ir::Healthcheck& over) {
  append(base.test, over.test);  // mergo appends this slice like any other
  pointer(base.timeout, over.timeout);
  pointer(base.interval, over.interval);
  pointer(base.retries, over.retries);
  pointer(base.start_period, over.start_period);
  pointer(base.start_interval, over.start_interval);
  value(base.disable, over.disable);
}

void service(ir::Service& base, const ir::Service& over) {
  if (over.build.set) {
    ir::Build& b = base.build;
    const ir::Build& o = over.build;
    b.set = true;
    value(b.context, o.context);
    value(b.dockerfile, o.dockerfile);
    map(b.args, o.args, true);
    map(b.labels, o.labels, false);
    append(b.cache_from, o.cache_from);
    append(b.extra_hosts, o.extra_hosts);
    value(b.network, o.network);
    value(b.target, o.target);
  }
  append(base.cap_add, over.cap_add);
  append(base.cap_drop, over.cap_drop);
  value(base.cgroupns_mode, over.cgroupns_mode);
  value(base.cgroup_parent, over.cgroup_parent);
  replace_if_set(base.command, over.command);
  keyed(base.configs, over.configs, [](const ir::FileReference& r) { return *r.source; });
  value(base.container_name, over.container_name);
  value(base.credential_spec.config, over.credential_spec.config);
  value(base.credential_spec.file, over.credential_spec.file);
  value(base.credential_spec.registry, over.credential_spec.registry);
  append(base.depends_on, over.depends_on);
  deploy(base.deploy, over.deploy);
  append(base.devices, over.devices);
  append(base.dns, over.dns);
  append(base.dns_search, over.dns_search);
  value(base.domainname, over.domainname);
  replace_if_set(base.entrypoint, over.entrypoint);
  map(base.environment, over.environment, true);
  append(base.env_file, over.env_file);
  append(base.expose, over.expose);
  append(base.external_links, over.external_links);
  append(base.extra_hosts, over.extra_hosts);
  value(base.hostname, over.hostname);
  optional(base.healthcheck, over.healthcheck, healthcheck);
  value(base.image, over.image);
  pointer(base.init, over.init);
  value(base.ipc, over.ipc);
  value(base.isolation, over.isolation);
  map(base.labels, over.labels, false);
  append(base.links, over.links);
  optional(base.logging, over.logging, [](ir::Logging& b, const ir::Logging& o) {
    if (*b.driver == *o.driver || b.driver->empty() || o.driver->empty()) {
      if (b.driver->empty()) {
        b.driver = o.driver;
      }
      map(b.options, o.options, false);
    } else {
      b = o;
    }
  });
  value(base.mac_address, over.mac_address);
  value(base.network_mode, over.network_mode);
  for (const auto& [name, network] : over.networks) {
    auto found = base.networks.find(name);
    if (found == base.networks.end() || !found->second.has_config) {
      if (found == base.networks.end() || network.has_config) {
        base.networks[name] = network;
      }
      continue;
    }
    if (network.has_config) {
      ir::ServiceNetwork& b = found->second;
      b.aliases = network.aliases;  // replaced, even by nothing
      // driver_opts: the base's stay, the override's are dropped (docker 28.2.2 does so).
      value(b.ipv4_address, network.ipv4_address);
      value(b.ipv6_address, network.ipv6_address);
    }
  }
  value(base.pid, over.pid);
  keyed(base.ports, over.ports, [](const ir::Port& p) { return *p.published; });
  value(base.privileged, over.privileged);
  value(base.read_only, over.read_only);
  value(base.restart, over.restart);
  keyed(base.secrets, over.secrets, [](const ir::FileReference& r) { return *r.source; });
  append(base.security_opt, over.security_opt);
  value(base.shm_size, over.shm_size);
  value(base.stdin_open, over.stdin_open);
  pointer(base.stop_grace_period, over.stop_grace_period);
  value(base.stop_signal, over.stop_signal);
  map(base.sysctls, over.sysctls, false);
  append(base.tmpfs, over.tmpfs);
  value(base.tty, over.tty);
  for (const auto& [name, ulimit] : over.ulimits) {
    base.ulimits[name] = ulimit;  // replaced per name
  }
  value(base.user, over.user);
  value(base.userns_mode, over.userns_mode);
  value(base.oom_score_adj, over.oom_score_adj);
  keyed(base.volumes, over.volumes, [](const ir::Mount& m) { return *m.target; });
  value(base.working_dir, over.working_dir);
  for (const ir::Extra& extra : over.extras) {
    auto found = std::find_if(base.extras.begin(), base.extras.end(),
                              [&](const ir::Extra& e) { return e.key == extra.key; });
    if (found == base.extras.end()) {
      base.extras.push_back(extra);
    } else {
      *found = extra;
    }
  }
}

template <typename Map>
void replace_entries(Map& base, Map&& over) {
  for (auto& [key, object] : over) {
    base[key] = std::move(object);
  }
}

}  // namespace

void merge_stack(ir::Stack& base, ir::Stack&& override) {
  for (ir::Service& over : override.services) {
    auto found = std::find_if(base.services.begin(), base.services.end(),
                              [&](const ir::Service& s) { return s.name == over.name; });
    if (found == base.services.end()) {
      base.services.push_back(std::move(over));
    } else {
      service(*found, over);
    }
  }
  std::sort(base.services.begin(), base.services.end(),
            [](const ir::Service& a, const ir::Service& b) { return a.name < b.name; });
  replace_entries(base.networks, std::move(override.networks));
  replace_entries(base.volumes, std::move(override.volumes));
  replace_entries(base.secrets, std::move(override.secrets));
  replace_entries(base.configs, std::move(override.configs));
}

}  // namespace stackc
