#include "compiler/config_yaml.h"

#include <algorithm>

#include "compiler/units.h"
#include "compiler/yaml_writer.h"

namespace stackc {
namespace {

// A mapping that leaves out what the reference's `omitempty` leaves out.
class Object {
 public:
  Object() : m_value(YValue::mapping()) {}

  void str(const char* key, const ir::Str& field) {
    if (field && !field->empty()) {
      m_value.add(key, YValue::string(*field));
    }
  }
  void boolean(const char* key, const ir::Bool& field) {
    if (field && *field) {
      m_value.add(key, YValue::boolean(true));
    }
  }
  // Pointer fields in the reference: printed whenever set, zero included.
  void uint_ptr(const char* key, const ir::Uint& field) {
    if (field) {
      m_value.add(key, YValue::integer(static_cast<long long>(*field)));
    }
  }
  template <typename T>
  void number(const char* key, const ir::Field<T>& field) {
    if (field && *field != 0) {
      m_value.add(key, YValue::integer(static_cast<long long>(*field)));
    }
  }
  // Durations are pointers for some fields (printed when set) and values for others.
  void duration(const char* key, const ir::Duration& field, bool pointer) {
    if (field && (pointer || *field != 0)) {
      m_value.add(key, YValue::string(format_duration(*field)));
    }
  }
  void list(const char* key, const ir::StrList& field) {
    if (!field.empty()) {
      YValue sequence = YValue::sequence();
      for (const std::string& value : field.values) {
        sequence.push(YValue::string(value));
      }
      m_value.add(key, std::move(sequence));
    }
  }
  void map(const char* key, const ir::StrMap& field) {
    if (!field.empty()) {
      YValue mapping = YValue::sorted_mapping();
      for (const auto& [name, value] : field) {
        mapping.add(name, value.value ? YValue::string(*value.value) : YValue::null());
      }
      m_value.add(key, std::move(mapping));
    }
  }
  void child(const char* key, Object object) {
    if (!object.m_value.empty()) {
      m_value.add(key, std::move(object.m_value));
    }
  }
  void add(const std::string& key, YValue value) { m_value.add(key, std::move(value)); }
  bool empty() const { return m_value.empty(); }
  YValue take() { return std::move(m_value); }

 private:
  YValue m_value;
};

YValue snode_value(const SNode& node) {
  switch (node.kind) {
    case NodeKind::null:
      return YValue::null();
    case NodeKind::sequence: {
      YValue sequence = YValue::sequence();
      for (const SNode& item : node.items) {
        sequence.push(snode_value(item));
      }
      return sequence;
    }
    case NodeKind::mapping: {
      // The reference holds extensions as Go maps, so their keys come out sorted.
      YValue mapping = YValue::sorted_mapping();
      for (const SEntry& entry : node.entries) {
        mapping.add(entry.key, snode_value(entry.value));
      }
      return mapping;
    }
    case NodeKind::scalar:
      break;
  }
  switch (node.type) {
    case ScalarType::null:
      return YValue::null();
    case ScalarType::boolean:
      return YValue::boolean(node.as_bool());
    case ScalarType::integer:
      return YValue::integer(node.int_value);
    case ScalarType::floating:
      return YValue::floating(node.float_value);
    case ScalarType::string:
      break;
  }
  return YValue::string(node.text);
}

void add_extras(Object& object, const std::vector<ir::Extra>& extras) {
  std::vector<const ir::Extra*> sorted;
  for (const ir::Extra& extra : extras) {
    sorted.push_back(&extra);
  }
  // An inline map in the reference: its keys follow the struct's fields, in go-yaml's order.
  std::sort(sorted.begin(), sorted.end(),
            [](const ir::Extra* a, const ir::Extra* b) { return yaml_key_less(a->key, b->key); });
  for (const ir::Extra* extra : sorted) {
    object.add(extra->key, snode_value(extra->value));
  }
}

Object update_config(const ir::UpdateConfig& config) {
  Object out;
  out.uint_ptr("parallelism", config.parallelism);
  out.duration("delay", config.delay, false);
  out.str("failure_action", config.failure_action);
  out.duration("monitor", config.monitor, false);
  if (config.max_failure_ratio && *config.max_failure_ratio != 0) {
    // float32 in the reference.
    out.add("max_failure_ratio", YValue::floating32(static_cast<float>(*config.max_failure_ratio)));
  }
  out.str("order", config.order);
  return out;
}

Object resource(const ir::Resource& resource) {
  Object out;
  out.str("cpus", resource.cpus);
  if (resource.memory && *resource.memory != 0) {
    out.add("memory", YValue::string(std::to_string(*resource.memory)));
  }
  out.number("pids", resource.pids);
  if (!resource.generic_resources.empty()) {
    YValue list = YValue::sequence();
    for (const ir::GenericResource& generic : resource.generic_resources) {
      YValue spec = YValue::mapping();
      spec.add("kind", YValue::string(*generic.kind));
      spec.add("value", YValue::integer(*generic.value));
      YValue item = YValue::mapping();
      item.add("discrete_resource_spec", std::move(spec));
      list.push(std::move(item));
    }
    out.add("generic_resources", std::move(list));
  }
  return out;
}

Object deploy(const ir::Deploy& deploy) {
  Object out;
  out.str("mode", deploy.mode);
  out.uint_ptr("replicas", deploy.replicas);
  out.map("labels", deploy.labels);
  if (deploy.update_config) {
    out.add("update_config", update_config(*deploy.update_config).take());
  }
  if (deploy.rollback_config) {
    out.add("rollback_config", update_config(*deploy.rollback_config).take());
  }
  Object resources;
  if (deploy.limits.set) {
    resources.add("limits", resource(deploy.limits).take());
  }
  if (deploy.reservations.set) {
    resources.add("reservations", resource(deploy.reservations).take());
  }
  out.child("resources", std::move(resources));
  if (deploy.restart_policy) {
    Object policy;
    policy.str("condition", deploy.restart_policy->condition);
    policy.duration("delay", deploy.restart_policy->delay, true);
    policy.uint_ptr("max_attempts", deploy.restart_policy->max_attempts);
    policy.duration("window", deploy.restart_policy->window, true);
    out.add("restart_policy", policy.take());
  }
  Object placement;
  placement.list("constraints", deploy.placement.constraints);
  if (!deploy.placement.preferences.empty()) {
    YValue list = YValue::sequence();
    for (const ir::Preference& preference : deploy.placement.preferences) {
      Object item;
      item.str("spread", preference.spread);
      list.push(item.take());
    }
    placement.add("preferences", std::move(list));
  }
  placement.number("max_replicas_per_node", deploy.placement.max_replicas_per_node);
  out.child("placement", std::move(placement));
  out.str("endpoint_mode", deploy.endpoint_mode);
  return out;
}

YValue file_references(const std::vector<ir::FileReference>& references) {
  YValue list = YValue::sequence();
  for (const ir::FileReference& reference : references) {
    Object item;
    item.str("source", reference.source);
    item.str("target", reference.target);
    item.str("uid", reference.uid);
    item.str("gid", reference.gid);
    if (reference.mode) {
      item.add("mode", YValue::integer(*reference.mode));
    }
    list.push(item.take());
  }
  return list;
}

YValue service(const ir::Service& service) {
  Object out;
  if (service.build.set) {
    Object build;
    build.str("context", service.build.context);
    build.str("dockerfile", service.build.dockerfile);
    build.map("args", service.build.args);
    build.map("labels", service.build.labels);
    build.list("cache_from", service.build.cache_from);
    build.list("extra_hosts", service.build.extra_hosts);
    build.str("network", service.build.network);
    build.str("target", service.build.target);
    out.child("build", std::move(build));
  }
  out.list("cap_add", service.cap_add);
  out.list("cap_drop", service.cap_drop);
  out.str("cgroupns_mode", service.cgroupns_mode);
  out.str("cgroup_parent", service.cgroup_parent);
  out.list("command", service.command);
  if (!service.configs.empty()) {
    out.add("configs", file_references(service.configs));
  }
  out.str("container_name", service.container_name);
  Object credential_spec;
  credential_spec.str("config", service.credential_spec.config);
  credential_spec.str("file", service.credential_spec.file);
  credential_spec.str("registry", service.credential_spec.registry);
  out.child("credential_spec", std::move(credential_spec));
  out.list("depends_on", service.depends_on);
  out.child("deploy", deploy(service.deploy));
  out.list("devices", service.devices);
  out.list("dns", service.dns);
  out.list("dns_search", service.dns_search);
  out.str("domainname", service.domainname);
  out.list("entrypoint", service.entrypoint);
  out.map("environment", service.environment);
  out.list("env_file", service.env_file);
  out.list("expose", service.expose);
  out.list("external_links", service.external_links);
  out.list("extra_hosts", service.extra_hosts);
  out.str("hostname", service.hostname);
  if (service.healthcheck) {
    const ir::Healthcheck& check = *service.healthcheck;
    Object healthcheck;
    healthcheck.list("test", check.test);
    healthcheck.duration("timeout", check.timeout, true);
    healthcheck.duration("interval", check.interval, true);
    healthcheck.uint_ptr("retries", check.retries);
    healthcheck.duration("start_period", check.start_period, true);
    healthcheck.duration("start_interval", check.start_interval, true);
    healthcheck.boolean("disable", check.disable);
    out.add("healthcheck", healthcheck.take());
  }
  out.str("image", service.image);
  if (service.init) {
    out.add("init", YValue::boolean(*service.init));
  }
  out.str("ipc", service.ipc);
  out.str("isolation", service.isolation);
  out.map("labels", service.labels);
  out.list("links", service.links);
  if (service.logging) {
    Object logging;
    logging.str("driver", service.logging->driver);
    logging.map("options", service.logging->options);
    out.add("logging", logging.take());
  }
  out.str("mac_address", service.mac_address);
  out.str("network_mode", service.network_mode);
  if (!service.networks.empty()) {
    YValue networks = YValue::sorted_mapping();
    for (const auto& [name, network] : service.networks) {
      if (!network.has_config) {
        networks.add(name, YValue::null());
        continue;
      }
      Object config;
      config.list("aliases", network.aliases);
      config.map("driver_opts", network.driver_opts);
      config.str("ipv4_address", network.ipv4_address);
      config.str("ipv6_address", network.ipv6_address);
      networks.add(name, config.take());
    }
    out.add("networks", std::move(networks));
  }
  out.str("pid", service.pid);
  if (!service.ports.empty()) {
    YValue ports = YValue::sequence();
    for (const ir::Port& port : service.ports) {
      Object item;
      item.str("mode", port.mode);
      item.number("target", port.target);
      item.number("published", port.published);
      item.str("protocol", port.protocol);
      ports.push(item.take());
    }
    out.add("ports", std::move(ports));
  }
  out.boolean("privileged", service.privileged);
  out.boolean("read_only", service.read_only);
  out.str("restart", service.restart);
  if (!service.secrets.empty()) {
    out.add("secrets", file_references(service.secrets));
  }
  out.list("security_opt", service.security_opt);
  out.str("shm_size", service.shm_size);
  out.boolean("stdin_open", service.stdin_open);
  out.duration("stop_grace_period", service.stop_grace_period, true);
  out.str("stop_signal", service.stop_signal);
  out.map("sysctls", service.sysctls);
  out.list("tmpfs", service.tmpfs);
  out.boolean("tty", service.tty);
  if (!service.ulimits.empty()) {
    YValue ulimits = YValue::sorted_mapping();
    for (const auto& [name, ulimit] : service.ulimits) {
      if (ulimit.single && *ulimit.single != 0) {
        ulimits.add(name, YValue::integer(*ulimit.single));
        continue;
      }
      Object limits;
      limits.number("soft", ulimit.soft);
      limits.number("hard", ulimit.hard);
      ulimits.add(name, limits.take());
    }
    out.add("ulimits", std::move(ulimits));
  }
  out.str("user", service.user);
  out.str("userns_mode", service.userns_mode);
  if (!service.volumes.empty()) {
    YValue volumes = YValue::sequence();
    for (const ir::Mount& mount : service.volumes) {
      Object item;
      item.str("type", mount.type);
      item.str("source", mount.source);
      item.str("target", mount.target);
      item.boolean("read_only", mount.read_only);
      item.str("consistency", mount.consistency);
      if (mount.has_bind) {
        Object bind;
        bind.str("propagation", mount.bind_propagation);
        item.add("bind", bind.take());
      }
      if (mount.has_volume) {
        Object volume;
        volume.boolean("nocopy", mount.volume_nocopy);
        item.add("volume", volume.take());
      }
      if (mount.has_tmpfs) {
        Object tmpfs;
        tmpfs.number("size", mount.tmpfs_size);
        item.add("tmpfs", tmpfs.take());
      }
      volumes.push(item.take());
    }
    out.add("volumes", std::move(volumes));
  }
  out.str("working_dir", service.working_dir);
  add_extras(out, service.extras);
  return out.take();
}

// `external: true`, or the deprecated {name: x} form when it survived normalization.
void external(Object& out, const ir::External& external) {
  if (external.name) {
    YValue name = YValue::mapping();
    name.add("name", YValue::string(*external.name));
    out.add("external", std::move(name));
  } else if (external.external && *external.external) {
    out.add("external", YValue::boolean(true));
  }
}

YValue network(const ir::Network& network) {
  Object out;
  out.str("name", network.name);
  out.str("driver", network.driver);
  out.map("driver_opts", network.driver_opts);
  Object ipam;
  ipam.str("driver", network.ipam_driver);
  if (!network.ipam_config.empty()) {
    YValue pools = YValue::sequence();
    for (const ir::IpamPool& pool : network.ipam_config) {
      Object item;
      item.str("subnet", pool.subnet);
      pools.push(item.take());
    }
    ipam.add("config", std::move(pools));
  }
  out.child("ipam", std::move(ipam));
  external(out, network.external);
  out.boolean("internal", network.internal);
  out.boolean("attachable", network.attachable);
  out.map("labels", network.labels);
  add_extras(out, network.extras);
  return out.take();
}

YValue topologies(const std::vector<ir::Topology>& list) {
  YValue out = YValue::sequence();
  for (const ir::Topology& topology : list) {
    Object item;
    item.map("segments", topology.segments);
    out.push(item.take());
  }
  return out;
}

// The reference's ClusterVolumeSpec: omitempty everywhere, sizes as strings of bytes, and an
// empty block_volume still printed ({}), as a non-nil pointer.
YValue cluster_spec(const ir::ClusterSpec& spec) {
  Object out;
  out.str("group", spec.group);
  if (spec.has_access_mode) {
    Object access;
    access.str("scope", spec.scope);
    access.str("sharing", spec.sharing);
    if (spec.has_mount_volume) {
      Object mount;
      mount.str("fs_type", spec.fs_type);
      mount.list("mount_flags", spec.mount_flags);
      access.add("mount_volume", mount.take());
    }
    if (spec.has_block_volume) {
      access.add("block_volume", YValue::mapping());
    }
    out.add("access_mode", access.take());
  }
  if (spec.has_accessibility) {
    Object requirements;
    if (!spec.requisite.empty()) {
      requirements.add("requisite", topologies(spec.requisite));
    }
    if (!spec.preferred.empty()) {
      requirements.add("preferred", topologies(spec.preferred));
    }
    out.add("accessibility_requirements", requirements.take());
  }
  if (spec.has_capacity_range) {
    Object range;
    for (auto [key, field] : {std::pair{"required_bytes", &spec.required_bytes},
                              std::pair{"limit_bytes", &spec.limit_bytes}}) {
      if (*field && **field != 0) {
        range.add(key, YValue::string(std::to_string(**field)));
      }
    }
    out.add("capacity_range", range.take());
  }
  if (!spec.secrets.empty()) {
    YValue secrets = YValue::sequence();
    for (const ir::VolumeSecret& secret : spec.secrets) {
      Object item;
      item.str("key", secret.key);
      item.str("secret", secret.secret);
      secrets.push(item.take());
    }
    out.add("secrets", std::move(secrets));
  }
  out.str("availability", spec.availability);
  return out.take();
}

YValue volume(const ir::Volume& volume) {
  Object out;
  out.str("name", volume.name);
  out.str("driver", volume.driver);
  out.map("driver_opts", volume.driver_opts);
  external(out, volume.external);
  out.map("labels", volume.labels);
  add_extras(out, volume.extras);
  if (volume.cluster_spec) {
    out.add("x-cluster-spec", cluster_spec(*volume.cluster_spec));
  }
  return out.take();
}

YValue file_object(const ir::FileObject& object) {
  Object out;
  out.str("name", object.name);
  out.str("file", object.file);
  external(out, object.external);
  out.map("labels", object.labels);
  add_extras(out, object.extras);
  out.str("driver", object.driver);
  out.map("driver_opts", object.driver_opts);
  out.str("template_driver", object.template_driver);
  return out.take();
}

template <typename Map, typename Convert>
void section(YValue& root, const char* key, const Map& objects, Convert convert) {
  if (objects.empty()) {
    return;
  }
  YValue mapping = YValue::sorted_mapping();
  for (const auto& [name, object] : objects) {
    mapping.add(name, convert(object));
  }
  root.add(key, std::move(mapping));
}

}  // namespace

std::string format_config_yaml(const ir::Stack& stack) {
  YValue root = YValue::mapping();
  root.add("version", YValue::string(stack.version ? *stack.version : ""));
  YValue services = YValue::sorted_mapping();
  for (const ir::Service& each : stack.services) {
    services.add(each.name, service(each));
  }
  root.add("services", std::move(services));
  section(root, "networks", stack.networks, network);
  section(root, "volumes", stack.volumes, volume);
  section(root, "secrets", stack.secrets, file_object);
  section(root, "configs", stack.configs, file_object);
  Object extras;
  add_extras(extras, stack.extras);
  YValue top_extras = extras.take();
  for (const auto& [key, value] : top_extras.entries()) {
    root.add(key, value);
  }
  return write_yaml(root);
}

}  // namespace stackc
