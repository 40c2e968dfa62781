#include "compiler/ir_build.h"

#include <algorithm>
#include <set>

#include <fmt/format.h>

#include "compiler/ports.h"
#include "compiler/shellwords.h"
#include "compiler/units.h"
#include "compiler/volumespec.h"

namespace stackc {
namespace {

constexpr const char* k_code_type = "STK030";       // a value of the wrong type or shape
constexpr const char* k_code_unknown = "STK031";    // a key the compose 3.x format does not have
constexpr const char* k_code_value = "STK032";      // a value that does not parse
constexpr const char* k_code_forbidden = "STK033";  // a key the reference refuses outright

// Keys the reference refuses before anything else, with its own hints
// (types.ForbiddenProperties).
struct Forbidden {
  std::string_view key;
  std::string_view hint;
};
constexpr Forbidden k_forbidden[] = {
    {"extends", "Support for `extends` is not implemented yet."},
    {"volume_driver",
     "Instead of setting the volume driver on the service, define a volume using the top-level "
     "`volumes` option and specify the driver there."},
    {"volumes_from",
     "To share a volume between services, define it using the top-level `volumes` option and "
     "reference it from each service that shares it using the service-level `volumes` option."},
    {"cpu_quota", "Set resource limits using deploy.resources"},
    {"cpu_shares", "Set resource limits using deploy.resources"},
    {"cpuset", "Set resource limits using deploy.resources"},
    {"mem_limit", "Set resource limits using deploy.resources"},
    {"memswap_limit", "Set resource limits using deploy.resources"},
};

bool is_extension(std::string_view key) { return key.size() >= 2 && key.substr(0, 2) == "x-"; }

// How the reference turns a number into a string (Go's fmt %v): ints in decimal, floats in
// the shortest form that reads back the same.
std::string number_text(const SNode& node) {
  if (node.type == ScalarType::integer) {
    return std::to_string(node.int_value);
  }
  if (node.type == ScalarType::boolean) {
    return node.as_bool() ? "true" : "false";
  }
  double value = node.float_value;
  if (value == static_cast<double>(static_cast<int64_t>(value)) && value < 1e21 && value > -1e21) {
    return std::to_string(static_cast<int64_t>(value));
  }
  return fmt::format("{}", value);
}

class Builder {
 public:
  Builder(const BuildContext& context, Diagnostics& diags) : m_context(context), m_diags(diags) {}

  std::optional<ir::Stack> stack(const SNode& root);

 private:
  // --- reporting ---
  void type_error(const SNode& node, const std::string& path, std::string_view expected) {
    m_diags.error(k_code_type, node.loc,
                  fmt::format("{} must be {}, not {}", path, expected, describe_kind(node)));
  }
  void value_error(SourceLoc loc, const std::string& path, const std::string& message) {
    m_diags.error(k_code_value, loc, fmt::format("{}: {}", path, message));
  }
  void unknown_key(const SEntry& entry, const std::string& path) {
    m_diags.error(
        k_code_unknown, entry.key_loc,
        fmt::format("{} has no key '{}'", path.empty() ? "the top level" : path, entry.key));
  }

  // --- scalars ---
  bool is_string(const SNode& node) const {
    return node.is_scalar() && node.type == ScalarType::string;
  }
  bool is_number(const SNode& node) const {
    return node.is_scalar() &&
           (node.type == ScalarType::integer || node.type == ScalarType::floating);
  }
  bool string(const SNode& node, const std::string& path, ir::Str& out) {
    if (!is_string(node)) {
      type_error(node, path, "a string");
      return false;
    }
    out.assign(node.text, node.loc);
    return true;
  }
  // Fields the schema types as "string or number" (shm_size, expose items, uid, ...).
  bool string_or_number(const SNode& node, const std::string& path, ir::Str& out) {
    if (is_number(node)) {
      out.assign(number_text(node), node.loc);
      return true;
    }
    return string(node, path, out);
  }
  bool boolean(const SNode& node, const std::string& path, ir::Bool& out) {
    if (!node.is_scalar() || node.type != ScalarType::boolean) {
      type_error(node, path, "a boolean");
      return false;
    }
    out.assign(node.as_bool(), node.loc);
    return true;
  }
  bool integer(const SNode& node, const std::string& path, ir::Int& out) {
    if (!node.is_scalar() || node.type != ScalarType::integer) {
      type_error(node, path, "an integer");
      return false;
    }
    out.assign(node.int_value, node.loc);
    return true;
  }
  bool unsigned_integer(const SNode& node, const std::string& path, ir::Uint& out) {
    ir::Int value;
    if (!integer(node, path, value)) {
      return false;
    }
    if (*value < 0) {
      value_error(node.loc, path, fmt::format("must not be negative, got {}", *value));
      return false;
    }
    out.assign(static_cast<uint64_t>(*value), node.loc);
    return true;
  }
  bool number(const SNode& node, const std::string& path, ir::Field<double>& out) {
    if (!is_number(node)) {
      type_error(node, path, "a number");
      return false;
    }
    out.assign(
        node.type == ScalarType::integer ? static_cast<double>(node.int_value) : node.float_value,
        node.loc);
    return true;
  }
  bool duration(const SNode& node, const std::string& path, ir::Duration& out) {
    if (!is_string(node)) {
      type_error(node, path, "a duration string such as \"10s\"");
      return false;
    }
    auto parsed = parse_duration(node.text);
    if (!parsed) {
      value_error(node.loc, path, parsed.error());
      return false;
    }
    out.assign(*parsed, node.loc);
    return true;
  }
  // Sizes: "512M" or a plain number of bytes.
  bool bytes(const SNode& node, const std::string& path, ir::Bytes& out) {
    if (node.is_scalar() && node.type == ScalarType::integer) {
      out.assign(node.int_value, node.loc);
      return true;
    }
    if (!is_string(node)) {
      type_error(node, path, "a size such as \"512M\"");
      return false;
    }
    auto parsed = parse_bytes(node.text);
    if (!parsed) {
      value_error(node.loc, path, parsed.error());
      return false;
    }
    out.assign(*parsed, node.loc);
    return true;
  }

  // --- collections ---
  bool mapping(const SNode& node, const std::string& path) {
    if (!node.is_mapping()) {
      type_error(node, path, "a mapping");
      return false;
    }
    return true;
  }
  // A list of strings; `unique` as the schema's uniqueItems.
  bool string_list(const SNode& node, const std::string& path, ir::StrList& out,
                   bool unique = true) {
    if (!node.is_sequence()) {
      type_error(node, path, "a list of strings");
      return false;
    }
    out.loc = node.loc;
    out.set = true;
    std::set<std::string> seen;
    for (const SNode& item : node.items) {
      if (!is_string(item)) {
        type_error(item, path + " items", "a string");
        continue;
      }
      if (unique && !seen.insert(item.text).second) {
        value_error(item.loc, path, fmt::format("'{}' is listed twice", item.text));
        continue;
      }
      out.push(item.text, item.loc);
    }
    return true;
  }
  bool string_or_list(const SNode& node, const std::string& path, ir::StrList& out) {
    if (is_string(node)) {
      out.loc = node.loc;
      out.set = true;
      out.push(node.text, node.loc);
      return true;
    }
    if (node.is_sequence()) {
      return string_list(node, path, out);
    }
    type_error(node, path, "a string or a list of strings");
    return false;
  }
  // list_or_dict: ["K=V", "K"] or {K: V}. `allow_nil`: "K" / "K: null" stay without a value
  // (environment, build args); otherwise they become "" (labels, sysctls, options).
  bool list_or_dict(const SNode& node, const std::string& path, ir::StrMap& out, bool allow_nil) {
    if (node.is_mapping()) {
      for (const SEntry& entry : node.entries) {
        ir::MapValue value{std::nullopt, entry.key_loc};
        if (entry.value.is_null() ||
            (entry.value.is_scalar() && entry.value.type == ScalarType::null)) {
          if (!allow_nil) {
            value.value = "";
          }
        } else if (is_string(entry.value)) {
          value.value = entry.value.text;
        } else if (is_number(entry.value)) {
          value.value = number_text(entry.value);
        } else {
          type_error(entry.value, path + "." + entry.key, "a string, a number or null");
          continue;
        }
        out[entry.key] = std::move(value);
      }
      return true;
    }
    if (node.is_sequence()) {
      std::set<std::string> seen;
      for (const SNode& item : node.items) {
        if (!is_string(item)) {
          type_error(item, path + " items", "a string");
          continue;
        }
        if (!seen.insert(item.text).second) {
          value_error(item.loc, path, fmt::format("'{}' is listed twice", item.text));
          continue;
        }
        size_t eq = item.text.find('=');
        ir::MapValue value{std::nullopt, item.loc};
        std::string key = item.text;
        if (eq != std::string::npos) {
          key = item.text.substr(0, eq);
          value.value = item.text.substr(eq + 1);
        } else if (!allow_nil) {
          value.value = "";
        }
        out[key] = std::move(value);
      }
      return true;
    }
    type_error(node, path, "a list of \"KEY=VALUE\" strings or a mapping");
    return false;
  }
  // Reads a mapping's entries through `handle`, which returns false for keys it does not know.
  // x-* keys are allowed where `extensions` is given.
  // `typed_extension` is an x-* key the reference types (given to `handle`, not kept verbatim).
  template <typename Handle>
  void entries(const SNode& node, const std::string& path, Handle handle,
               std::vector<ir::Extra>* extensions = nullptr,
               std::string_view typed_extension = {}) {
    if (!mapping(node, path)) {
      return;
    }
    for (const SEntry& entry : node.entries) {
      if (extensions != nullptr && is_extension(entry.key) && entry.key != typed_extension) {
        extensions->push_back(ir::Extra{entry.key, entry.key_loc, entry.value});
        continue;
      }
      if (!handle(entry, path + "." + entry.key)) {
        unknown_key(entry, path);
      }
    }
  }

  // --- sections ---
  void service(const SEntry& entry, ir::Service& out);
  void service_key(const SEntry& entry, const std::string& path, ir::Service& out, bool& known);
  void build(const SNode& node, const std::string& path, ir::Build& out);
  void deploy(const SNode& node, const std::string& path, ir::Deploy& out);
  void update_config(const SNode& node, const std::string& path, ir::UpdateConfig& out);
  void resource(const SNode& node, const std::string& path, ir::Resource& out, bool limits);
  void healthcheck(const SNode& node, const std::string& path, ir::Healthcheck& out);
  void ports(const SNode& node, const std::string& path, std::vector<ir::Port>& out);
  void volumes(const SNode& node, const std::string& path, std::vector<ir::Mount>& out);
  void file_references(const SNode& node, const std::string& path,
                       std::vector<ir::FileReference>& out);
  void service_networks(const SNode& node, const std::string& path,
                        std::map<std::string, ir::ServiceNetwork>& out);
  void ulimits(const SNode& node, const std::string& path, std::map<std::string, ir::Ulimit>& out);
  void command(const SNode& node, const std::string& path, ir::StrList& out);
  void extra_hosts(const SNode& node, const std::string& path, ir::StrList& out);
  void environment(const SNode* env_file, const SNode* environment, const std::string& path,
                   ir::Service& out);
  void external(const SNode& node, const std::string& path, ir::External& out);
  // The keys networks and volumes share: name, driver, driver_opts, external, labels.
  template <typename Object>
  bool shared_object_key(const SEntry& e, const std::string& p, Object& out) {
    if (e.key == "name") {
      string(e.value, p, out.name);
    } else if (e.key == "driver") {
      string(e.value, p, out.driver);
    } else if (e.key == "driver_opts") {
      list_or_dict(e.value, p, out.driver_opts, false);
    } else if (e.key == "external") {
      external(e.value, p, out.external);
    } else if (e.key == "labels") {
      list_or_dict(e.value, p, out.labels, false);
    } else {
      return false;
    }
    return true;
  }
  void network(const SEntry& entry, ir::Network& out);
  void volume(const SEntry& entry, ir::Volume& out);
  void cluster_spec(const SNode& node, const std::string& path, ir::ClusterSpec& out);
  void topologies(const SNode& node, const std::string& path, std::vector<ir::Topology>& out);
  void file_object(const SEntry& entry, const std::string& section, ir::FileObject& out);
  std::string resolve_path(const std::string& path) const;
  std::optional<std::string> env(std::string_view name) const {
    return m_context.lookup_env ? m_context.lookup_env(name) : std::nullopt;
  }

  const BuildContext& m_context;
  Diagnostics& m_diags;
};

std::optional<ir::Stack> Builder::stack(const SNode& root) {
  if (!root.is_mapping()) {
    type_error(root, "the top level", "a mapping");
    return std::nullopt;
  }
  ir::Stack stack;
  stack.working_dir = m_context.working_dir;
  for (const SEntry& entry : root.entries) {
    const SNode& value = entry.value;
    const std::string& key = entry.key;
    if (is_extension(key)) {
      stack.extras.push_back(ir::Extra{key, entry.key_loc, value});
    } else if (key == "version") {
      string(value, "version", stack.version);
    } else if (key == "services") {
      if (value.is_null()) {
        continue;
      }
      if (!mapping(value, "services")) {
        continue;
      }
      // An ir::Service is several KiB: growing the vector by doubling would leave copies
      // behind that cost a large stack most of its peak memory.
      stack.services.reserve(value.entries.size());
      for (const SEntry& service : value.entries) {
        ir::Service built;
        this->service(service, built);
        stack.services.push_back(std::move(built));
      }
    } else if (key == "networks" || key == "volumes" || key == "secrets" || key == "configs") {
      if (value.is_null()) {
        continue;
      }
      if (!mapping(value, key)) {
        continue;
      }
      for (const SEntry& object : value.entries) {
        if (key == "networks") {
          network(object, stack.networks[object.key]);
        } else if (key == "volumes") {
          volume(object, stack.volumes[object.key]);
        } else {
          file_object(object, key, (key == "secrets" ? stack.secrets : stack.configs)[object.key]);
        }
      }
    } else {
      unknown_key(entry, "");
    }
  }
  std::sort(stack.services.begin(), stack.services.end(),
            [](const ir::Service& a, const ir::Service& b) { return a.name < b.name; });
  return stack;
}

void Builder::service(const SEntry& entry, ir::Service& out) {
  out.name = entry.key;
  out.loc = entry.key_loc;
  const std::string path = "services." + entry.key;
  if (entry.value.is_null()) {
    return;  // `web:` alone is a service with nothing set; the image check reports it
  }
  if (!mapping(entry.value, path)) {
    return;
  }
  for (const SEntry& key : entry.value.entries) {
    if (is_extension(key.key)) {
      out.extras.push_back(ir::Extra{key.key, key.key_loc, key.value});
      continue;
    }
    bool known = true;
    service_key(key, path + "." + key.key, out, known);
    if (!known) {
      for (const Forbidden& forbidden : k_forbidden) {
        if (forbidden.key == key.key) {
          m_diags.error(k_code_forbidden, key.key_loc,
                        fmt::format("{} is not supported by docker stack deploy: {}",
                                    path + "." + key.key, forbidden.hint));
          known = true;
        }
      }
    }
    if (!known) {
      unknown_key(key, path);
    }
  }
  environment(entry.value.find("env_file"), entry.value.find("environment"), path, out);
}

void Builder::service_key(const SEntry& entry, const std::string& path, ir::Service& out,
                          bool& known) {
  const std::string& key = entry.key;
  const SNode& value = entry.value;
  if (key == "build") {
    build(value, path, out.build);
  } else if (key == "cap_add") {
    string_list(value, path, out.cap_add);
  } else if (key == "cap_drop") {
    string_list(value, path, out.cap_drop);
  } else if (key == "cgroupns_mode") {
    string(value, path, out.cgroupns_mode);
  } else if (key == "cgroup_parent") {
    string(value, path, out.cgroup_parent);
  } else if (key == "command") {
    command(value, path, out.command);
  } else if (key == "configs") {
    file_references(value, path, out.configs);
  } else if (key == "container_name") {
    string(value, path, out.container_name);
  } else if (key == "credential_spec") {
    entries(value, path, [&](const SEntry& e, const std::string& p) {
      if (e.key == "config") {
        string(e.value, p, out.credential_spec.config);
      } else if (e.key == "file") {
        string(e.value, p, out.credential_spec.file);
      } else if (e.key == "registry") {
        string(e.value, p, out.credential_spec.registry);
      } else {
        return false;
      }
      return true;
    });
  } else if (key == "depends_on") {
    if (value.is_mapping()) {
      value_error(value.loc, path,
                  "must be a list of service names; the long form with conditions is not "
                  "supported by docker stack deploy");
    } else {
      string_list(value, path, out.depends_on);
    }
  } else if (key == "deploy") {
    if (!value.is_null()) {
      deploy(value, path, out.deploy);
    }
  } else if (key == "devices") {
    string_list(value, path, out.devices);
  } else if (key == "dns") {
    string_or_list(value, path, out.dns);
  } else if (key == "dns_search") {
    string_or_list(value, path, out.dns_search);
  } else if (key == "domainname") {
    string(value, path, out.domainname);
  } else if (key == "entrypoint") {
    command(value, path, out.entrypoint);
  } else if (key == "environment" || key == "env_file") {
    // Read together once every key is seen: env_file first, environment overrides it.
    if (key == "env_file") {
      string_or_list(value, path, out.env_file);
    }
  } else if (key == "expose") {
    if (!value.is_sequence()) {
      type_error(value, path, "a list of ports");
    } else {
      out.expose.loc = value.loc;
      out.expose.set = true;
      for (const SNode& item : value.items) {
        ir::Str port;
        if (string_or_number(item, path + " items", port)) {
          out.expose.push(*port, item.loc);
        }
      }
    }
  } else if (key == "external_links") {
    string_list(value, path, out.external_links);
  } else if (key == "extra_hosts") {
    extra_hosts(value, path, out.extra_hosts);
  } else if (key == "healthcheck") {
    out.healthcheck.emplace();
    healthcheck(value, path, *out.healthcheck);
  } else if (key == "hostname") {
    string(value, path, out.hostname);
  } else if (key == "image") {
    string(value, path, out.image);
  } else if (key == "init") {
    boolean(value, path, out.init);
  } else if (key == "ipc") {
    string(value, path, out.ipc);
  } else if (key == "isolation") {
    string(value, path, out.isolation);
  } else if (key == "labels") {
    list_or_dict(value, path, out.labels, false);
  } else if (key == "links") {
    string_list(value, path, out.links);
  } else if (key == "logging") {
    ir::Logging logging;
    logging.loc = value.loc;
    entries(value, path, [&](const SEntry& e, const std::string& p) {
      if (e.key == "driver") {
        string(e.value, p, logging.driver);
      } else if (e.key == "options") {
        if (!e.value.is_null()) {
          list_or_dict(e.value, p, logging.options, false);
        }
      } else {
        return false;
      }
      return true;
    });
    out.logging = std::move(logging);
  } else if (key == "mac_address") {
    string(value, path, out.mac_address);
  } else if (key == "network_mode") {
    string(value, path, out.network_mode);
  } else if (key == "networks") {
    service_networks(value, path, out.networks);
  } else if (key == "pid") {
    if (!value.is_null()) {
      string(value, path, out.pid);
    }
  } else if (key == "ports") {
    ports(value, path, out.ports);
  } else if (key == "privileged") {
    boolean(value, path, out.privileged);
  } else if (key == "read_only") {
    boolean(value, path, out.read_only);
  } else if (key == "restart") {
    string(value, path, out.restart);
  } else if (key == "secrets") {
    file_references(value, path, out.secrets);
  } else if (key == "security_opt") {
    string_list(value, path, out.security_opt);
  } else if (key == "shm_size") {
    string_or_number(value, path, out.shm_size);
  } else if (key == "stdin_open") {
    boolean(value, path, out.stdin_open);
  } else if (key == "stop_grace_period") {
    duration(value, path, out.stop_grace_period);
  } else if (key == "stop_signal") {
    string(value, path, out.stop_signal);
  } else if (key == "sysctls") {
    list_or_dict(value, path, out.sysctls, false);
  } else if (key == "tmpfs") {
    string_or_list(value, path, out.tmpfs);
  } else if (key == "tty") {
    boolean(value, path, out.tty);
  } else if (key == "ulimits") {
    ulimits(value, path, out.ulimits);
  } else if (key == "oom_score_adj") {
    integer(value, path, out.oom_score_adj);
  } else if (key == "user") {
    string(value, path, out.user);
  } else if (key == "userns_mode") {
    string(value, path, out.userns_mode);
  } else if (key == "volumes") {
    volumes(value, path, out.volumes);
  } else if (key == "working_dir") {
    string(value, path, out.working_dir);
  } else {
    known = false;
  }
}

void Builder::build(const SNode& node, const std::string& path, ir::Build& out) {
  out.loc = node.loc;
  out.set = true;
  if (is_string(node)) {
    out.context.assign(node.text, node.loc);
    return;
  }
  entries(node, path, [&](const SEntry& e, const std::string& p) {
    if (e.key == "context") {
      string(e.value, p, out.context);
    } else if (e.key == "dockerfile") {
      string(e.value, p, out.dockerfile);
    } else if (e.key == "args") {
      list_or_dict(e.value, p, out.args, true);
    } else if (e.key == "labels") {
      list_or_dict(e.value, p, out.labels, false);
    } else if (e.key == "cache_from") {
      string_list(e.value, p, out.cache_from);
    } else if (e.key == "network") {
      string(e.value, p, out.network);
    } else if (e.key == "target") {
      string(e.value, p, out.target);
    } else if (e.key == "shm_size") {
      ir::Str ignored;
      string_or_number(e.value, p, ignored);
    } else if (e.key == "extra_hosts") {
      extra_hosts(e.value, p, out.extra_hosts);
    }
    // Any other key: from 3.11 on the reference's schema accepts it (the schema stage refuses
    // it in older files), and build is ignored anyway.
    return true;
  });
}

void Builder::deploy(const SNode& node, const std::string& path, ir::Deploy& out) {
  out.loc = node.loc;
  out.set = true;
  entries(node, path, [&](const SEntry& e, const std::string& p) {
    const SNode& v = e.value;
    if (e.key == "mode") {
      string(v, p, out.mode);
    } else if (e.key == "replicas") {
      unsigned_integer(v, p, out.replicas);
    } else if (e.key == "labels") {
      list_or_dict(v, p, out.labels, false);
    } else if (e.key == "update_config") {
      out.update_config.emplace();
      update_config(v, p, *out.update_config);
    } else if (e.key == "rollback_config") {
      out.rollback_config.emplace();
      update_config(v, p, *out.rollback_config);
    } else if (e.key == "resources") {
      entries(v, p, [&](const SEntry& r, const std::string& rp) {
        if (r.key == "limits") {
          resource(r.value, rp, out.limits, true);
        } else if (r.key == "reservations") {
          resource(r.value, rp, out.reservations, false);
        } else {
          return false;
        }
        return true;
      });
    } else if (e.key == "restart_policy") {
      ir::RestartPolicy policy;
      policy.loc = v.loc;
      entries(v, p, [&](const SEntry& r, const std::string& rp) {
        if (r.key == "condition") {
          string(r.value, rp, policy.condition);
        } else if (r.key == "delay") {
          duration(r.value, rp, policy.delay);
        } else if (r.key == "max_attempts") {
          unsigned_integer(r.value, rp, policy.max_attempts);
        } else if (r.key == "window") {
          duration(r.value, rp, policy.window);
        } else {
          return false;
        }
        return true;
      });
      out.restart_policy = std::move(policy);
    } else if (e.key == "placement") {
      out.placement.loc = v.loc;
      entries(v, p, [&](const SEntry& r, const std::string& rp) {
        if (r.key == "constraints") {
          string_list(r.value, rp, out.placement.constraints);
        } else if (r.key == "preferences") {
          if (!r.value.is_sequence()) {
            type_error(r.value, rp, "a list");
            return true;
          }
          for (const SNode& item : r.value.items) {
            ir::Preference preference;
            preference.loc = item.loc;
            entries(item, rp + " items", [&](const SEntry& s, const std::string& sp) {
              if (s.key != "spread") {
                return false;
              }
              string(s.value, sp, preference.spread);
              return true;
            });
            out.placement.preferences.push_back(std::move(preference));
          }
        } else if (r.key == "max_replicas_per_node") {
          unsigned_integer(r.value, rp, out.placement.max_replicas_per_node);
        } else {
          return false;
        }
        return true;
      });
    } else if (e.key == "endpoint_mode") {
      string(v, p, out.endpoint_mode);
    } else {
      return false;
    }
    return true;
  });
}

void Builder::update_config(const SNode& node, const std::string& path, ir::UpdateConfig& out) {
  out.loc = node.loc;
  entries(node, path, [&](const SEntry& e, const std::string& p) {
    if (e.key == "parallelism") {
      unsigned_integer(e.value, p, out.parallelism);
    } else if (e.key == "delay") {
      duration(e.value, p, out.delay);
    } else if (e.key == "failure_action") {
      string(e.value, p, out.failure_action);
    } else if (e.key == "monitor") {
      duration(e.value, p, out.monitor);
    } else if (e.key == "max_failure_ratio") {
      number(e.value, p, out.max_failure_ratio);
    } else if (e.key == "order") {
      string(e.value, p, out.order);
    } else {
      return false;
    }
    return true;
  });
}

void Builder::resource(const SNode& node, const std::string& path, ir::Resource& out, bool limits) {
  out.loc = node.loc;
  out.set = true;
  entries(node, path, [&](const SEntry& e, const std::string& p) {
    if (e.key == "cpus") {
      if (string(e.value, p, out.cpus)) {
        auto nano = parse_cpus(e.value.text);
        if (nano) {
          out.nano_cpus.assign(*nano, e.value.loc);
        } else {
          value_error(e.value.loc, p, nano.error());
        }
      }
    } else if (e.key == "memory") {
      if (!is_string(e.value)) {
        type_error(e.value, p, "a size string such as \"512M\"");
      } else {
        bytes(e.value, p, out.memory);
      }
    } else if (limits && e.key == "pids") {
      integer(e.value, p, out.pids);
    } else if (!limits && e.key == "generic_resources") {
      if (!e.value.is_sequence()) {
        type_error(e.value, p, "a list");
        return true;
      }
      for (const SNode& item : e.value.items) {
        ir::GenericResource resource;
        resource.loc = item.loc;
        entries(item, p + " items", [&](const SEntry& g, const std::string& gp) {
          if (g.key != "discrete_resource_spec") {
            return false;
          }
          entries(g.value, gp, [&](const SEntry& d, const std::string& dp) {
            if (d.key == "kind") {
              string(d.value, dp, resource.kind);
            } else if (d.key == "value") {
              integer(d.value, dp, resource.value);
            } else {
              return false;
            }
            return true;
          });
          return true;
        });
        out.generic_resources.push_back(std::move(resource));
      }
    } else {
      return false;
    }
    return true;
  });
}

void Builder::healthcheck(const SNode& node, const std::string& path, ir::Healthcheck& out) {
  out.loc = node.loc;
  entries(node, path, [&](const SEntry& e, const std::string& p) {
    if (e.key == "test") {
      if (is_string(e.value)) {
        // A string test runs through the shell, as the reference loader rewrites it.
        out.test.loc = e.value.loc;
        out.test.set = true;
        out.test.push("CMD-SHELL", e.value.loc);
        out.test.push(e.value.text, e.value.loc);
      } else {
        string_list(e.value, p, out.test, false);
      }
    } else if (e.key == "timeout") {
      duration(e.value, p, out.timeout);
    } else if (e.key == "interval") {
      duration(e.value, p, out.interval);
    } else if (e.key == "start_period") {
      duration(e.value, p, out.start_period);
    } else if (e.key == "start_interval") {
      duration(e.value, p, out.start_interval);
    } else if (e.key == "retries") {
      if (is_number(e.value) && e.value.type == ScalarType::floating && e.value.float_value >= 0 &&
          e.value.float_value == static_cast<double>(static_cast<uint64_t>(e.value.float_value))) {
        out.retries.assign(static_cast<uint64_t>(e.value.float_value), e.value.loc);
      } else {
        unsigned_integer(e.value, p, out.retries);
      }
    } else if (e.key == "disable") {
      boolean(e.value, p, out.disable);
    } else {
      return false;
    }
    return true;
  });
}

void Builder::ports(const SNode& node, const std::string& path, std::vector<ir::Port>& out) {
  if (!node.is_sequence()) {
    type_error(node, path, "a list of ports");
    return;
  }
  for (const SNode& item : node.items) {
    if (item.is_mapping()) {
      ir::Port port;
      port.loc = item.loc;
      entries(item, path + " items", [&](const SEntry& e, const std::string& p) {
        ir::Int number;
        if (e.key == "mode") {
          string(e.value, p, port.mode);
        } else if (e.key == "target") {
          if (integer(e.value, p, number)) {
            port.target.assign(static_cast<uint32_t>(*number), e.value.loc);
          }
        } else if (e.key == "published") {
          if (integer(e.value, p, number)) {
            port.published.assign(static_cast<uint32_t>(*number), e.value.loc);
          }
        } else if (e.key == "protocol") {
          string(e.value, p, port.protocol);
        } else {
          return false;
        }
        return true;
      });
      out.push_back(std::move(port));
      continue;
    }
    std::string spec;
    if (item.is_scalar() && item.type == ScalarType::integer) {
      spec = std::to_string(item.int_value);
    } else if (is_string(item)) {
      spec = item.text;
    } else {
      type_error(item, path + " items", "a port such as \"8080:80\" or a mapping");
      continue;
    }
    auto parsed = parse_port_spec(spec);
    if (!parsed) {
      value_error(item.loc, path, parsed.error());
      continue;
    }
    for (const std::string& warning : parsed->warnings) {
      m_diags.warning(k_code_value, item.loc, warning);
    }
    for (const PortConfig& config : parsed->ports) {
      ir::Port port;
      port.loc = item.loc;
      port.mode.assign(config.mode, item.loc);
      port.target.assign(config.target, item.loc);
      if (config.published != 0) {
        port.published.assign(config.published, item.loc);
      }
      port.protocol.assign(config.protocol, item.loc);
      out.push_back(std::move(port));
    }
  }
}

void Builder::volumes(const SNode& node, const std::string& path, std::vector<ir::Mount>& out) {
  if (!node.is_sequence()) {
    type_error(node, path, "a list of volumes");
    return;
  }
  for (const SNode& item : node.items) {
    ir::Mount mount;
    mount.loc = item.loc;
    if (is_string(item)) {
      auto parsed = parse_volume_spec(item.text);
      if (!parsed) {
        value_error(item.loc, path, parsed.error());
        continue;
      }
      mount.type.assign(parsed->type, item.loc);
      if (!parsed->source.empty()) {
        mount.source.assign(parsed->source, item.loc);
      }
      mount.target.assign(parsed->target, item.loc);
      if (parsed->read_only) {
        mount.read_only.assign(true, item.loc);
      }
      if (!parsed->propagation.empty()) {
        mount.has_bind = true;
        mount.bind_propagation.assign(parsed->propagation, item.loc);
      }
      if (parsed->nocopy) {
        mount.has_volume = true;
        mount.volume_nocopy.assign(true, item.loc);
      }
    } else if (item.is_mapping()) {
      entries(item, path + " items", [&](const SEntry& e, const std::string& p) {
        if (e.key == "type") {
          string(e.value, p, mount.type);
        } else if (e.key == "source") {
          string(e.value, p, mount.source);
        } else if (e.key == "target") {
          string(e.value, p, mount.target);
        } else if (e.key == "read_only") {
          boolean(e.value, p, mount.read_only);
        } else if (e.key == "consistency") {
          string(e.value, p, mount.consistency);
        } else if (e.key == "bind") {
          mount.has_bind = true;
          entries(e.value, p, [&](const SEntry& b, const std::string& bp) {
            if (b.key != "propagation") {
              return false;
            }
            string(b.value, bp, mount.bind_propagation);
            return true;
          });
        } else if (e.key == "volume") {
          mount.has_volume = true;
          entries(e.value, p, [&](const SEntry& b, const std::string& bp) {
            if (b.key != "nocopy") {
              return false;
            }
            boolean(b.value, bp, mount.volume_nocopy);
            return true;
          });
        } else if (e.key == "tmpfs") {
          mount.has_tmpfs = true;
          entries(e.value, p, [&](const SEntry& b, const std::string& bp) {
            if (b.key != "size") {
              return false;
            }
            ir::Int size;
            if (integer(b.value, bp, size)) {
              if (*size < 0) {
                value_error(b.value.loc, bp, "must not be negative");
              } else {
                mount.tmpfs_size.assign(*size, b.value.loc);
              }
            }
            return true;
          });
        } else {
          return false;
        }
        return true;
      });
      if (!mount.type) {
        m_diags.error(k_code_type, item.loc, fmt::format("{} items need a 'type'", path));
        continue;
      }
    } else {
      type_error(item, path + " items", "a volume such as \"data:/data\" or a mapping");
      continue;
    }
    if (*mount.type == "bind") {
      if (!mount.source || mount.source->empty()) {
        m_diags.error(k_code_value, item.loc,
                      "invalid mount config for type \"bind\": field Source must not be empty");
        continue;
      }
      std::optional<std::string> home = env("HOME");
      auto resolved = resolve_bind_source(*mount.source, m_context.working_dir, home);
      if (!resolved) {
        value_error(mount.source.loc, path, resolved.error());
        continue;
      }
      if (resolved->warning) {
        m_diags.warning(k_code_value, mount.source.loc, *resolved->warning);
      }
      mount.source.value = resolved->path;
    }
    out.push_back(std::move(mount));
  }
}

void Builder::file_references(const SNode& node, const std::string& path,
                              std::vector<ir::FileReference>& out) {
  if (!node.is_sequence()) {
    type_error(node, path, "a list");
    return;
  }
  for (const SNode& item : node.items) {
    ir::FileReference reference;
    reference.loc = item.loc;
    if (is_string(item)) {
      reference.source.assign(item.text, item.loc);
    } else {
      entries(item, path + " items", [&](const SEntry& e, const std::string& p) {
        if (e.key == "source") {
          string(e.value, p, reference.source);
        } else if (e.key == "target") {
          string(e.value, p, reference.target);
        } else if (e.key == "uid") {
          string(e.value, p, reference.uid);
        } else if (e.key == "gid") {
          string(e.value, p, reference.gid);
        } else if (e.key == "mode") {
          ir::Int mode;
          if (integer(e.value, p, mode)) {
            reference.mode.assign(static_cast<uint32_t>(*mode), e.value.loc);
          }
        } else {
          return false;
        }
        return true;
      });
    }
    out.push_back(std::move(reference));
  }
}

void Builder::service_networks(const SNode& node, const std::string& path,
                               std::map<std::string, ir::ServiceNetwork>& out) {
  if (node.is_sequence()) {
    ir::StrList names;
    string_list(node, path, names);
    for (size_t i = 0; i < names.values.size(); ++i) {
      out[names.values[i]].loc = names.locs[i];
    }
    return;
  }
  entries(node, path, [&](const SEntry& e, const std::string& p) {
    ir::ServiceNetwork& network = out[e.key];
    network.loc = e.key_loc;
    if (e.value.is_null()) {
      return true;
    }
    network.has_config = true;
    entries(e.value, p, [&](const SEntry& n, const std::string& np) {
      if (n.key == "aliases") {
        string_list(n.value, np, network.aliases);
      } else if (n.key == "driver_opts") {
        list_or_dict(n.value, np, network.driver_opts, false);
      } else if (n.key == "ipv4_address") {
        string(n.value, np, network.ipv4_address);
      } else if (n.key == "ipv6_address") {
        string(n.value, np, network.ipv6_address);
      } else {
        return false;
      }
      return true;
    });
    return true;
  });
}

void Builder::ulimits(const SNode& node, const std::string& path,
                      std::map<std::string, ir::Ulimit>& out) {
  entries(node, path, [&](const SEntry& e, const std::string& p) {
    ir::Ulimit ulimit;
    ulimit.loc = e.key_loc;
    if (e.value.is_scalar()) {
      integer(e.value, p, ulimit.single);
    } else {
      entries(e.value, p, [&](const SEntry& u, const std::string& up) {
        if (u.key == "soft") {
          integer(u.value, up, ulimit.soft);
        } else if (u.key == "hard") {
          integer(u.value, up, ulimit.hard);
        } else {
          return false;
        }
        return true;
      });
      if (e.value.is_mapping() && (!ulimit.soft || !ulimit.hard)) {
        m_diags.error(k_code_type, e.value.loc, fmt::format("{} needs both 'soft' and 'hard'", p));
      }
    }
    out[e.key] = std::move(ulimit);
    return true;
  });
}

void Builder::command(const SNode& node, const std::string& path, ir::StrList& out) {
  if (is_string(node)) {
    auto words = shell_split(node.text);
    if (!words) {
      value_error(node.loc, path, words.error());
      return;
    }
    out.loc = node.loc;
    out.set = true;
    for (std::string& word : *words) {
      out.push(std::move(word), node.loc);
    }
    return;
  }
  if (node.is_null()) {
    return;
  }
  string_list(node, path, out, false);
}

void Builder::extra_hosts(const SNode& node, const std::string& path, ir::StrList& out) {
  out.loc = node.loc;
  out.set = true;
  if (node.is_mapping()) {
    // {host: ip} becomes "host:ip" strings, as the reference's loader writes them.
    std::vector<std::pair<std::string, std::optional<std::string>>> entries;
    ir::StrMap hosts;
    list_or_dict(node, path, hosts, true);
    for (const auto& [host, ip] : hosts) {
      entries.emplace_back(host, ip.value);
    }
    for (std::string& host : normalize_extra_hosts_map(entries)) {
      out.push(std::move(host), node.loc);
    }
    return;
  }
  ir::StrList written;
  if (!string_list(node, path, written)) {
    return;
  }
  // "host=ip" and "host:ip" both become "host:ip"; an entry with neither is dropped, as the
  // reference drops it.
  for (size_t i = 0; i < written.values.size(); ++i) {
    if (std::optional<std::string> host = normalize_extra_host(written.values[i])) {
      out.push(std::move(*host), written.locs[i]);
    }
  }
}

void Builder::environment(const SNode* env_file, const SNode* environment, const std::string& path,
                          ir::Service& out) {
  (void)env_file;  // env_file contents are applied by the loader (compiler/load.cc)
  if (environment != nullptr) {
    list_or_dict(*environment, path + ".environment", out.environment, true);
  }
}

void Builder::external(const SNode& node, const std::string& path, ir::External& out) {
  if (node.is_mapping()) {
    out.external.assign(true, node.loc);
    entries(node, path, [&](const SEntry& e, const std::string& p) {
      if (e.key != "name") {
        return false;
      }
      string(e.value, p, out.name);
      return true;
    });
    return;
  }
  boolean(node, path, out.external);
}

// `external.name` is the deprecated spelling of `name` (reference: loadNetworks and friends).
template <typename Object>
void normalize_external(Object& out, const std::string& path, Diagnostics& diags,
                        bool warn_deprecated) {
  if (!out.external.external || !*out.external.external) {
    return;
  }
  if (out.external.name) {
    if (out.name) {
      diags.error(k_code_value, out.external.name.loc,
                  fmt::format("{}: external.name and name conflict; only use name", path));
      return;
    }
    if (warn_deprecated) {
      diags.warning(k_code_value, out.external.name.loc,
                    fmt::format("{}: external.name is deprecated in favor of name", path));
    }
    out.name = out.external.name;
    out.external.name = ir::Str{};
  } else if (!out.name) {
    out.name.assign(out.key, out.loc);
  }
}

void Builder::network(const SEntry& entry, ir::Network& out) {
  out.key = entry.key;
  out.loc = entry.key_loc;
  const std::string path = "networks." + entry.key;
  if (entry.value.is_null()) {
    return;
  }
  entries(
      entry.value, path,
      [&](const SEntry& e, const std::string& p) {
        if (shared_object_key(e, p, out)) {
          return true;
        }
        if (e.key == "ipam") {
          entries(e.value, p, [&](const SEntry& i, const std::string& ip) {
            if (i.key == "driver") {
              string(i.value, ip, out.ipam_driver);
            } else if (i.key == "config") {
              if (!i.value.is_sequence()) {
                type_error(i.value, ip, "a list");
                return true;
              }
              for (const SNode& pool : i.value.items) {
                ir::IpamPool ipam;
                ipam.loc = pool.loc;
                entries(pool, ip + " items", [&](const SEntry& s, const std::string& sp) {
                  if (s.key != "subnet") {
                    return false;
                  }
                  string(s.value, sp, ipam.subnet);
                  return true;
                });
                out.ipam_config.push_back(std::move(ipam));
              }
            } else {
              return false;
            }
            return true;
          });
        } else if (e.key == "internal") {
          boolean(e.value, p, out.internal);
        } else if (e.key == "attachable") {
          boolean(e.value, p, out.attachable);
        } else {
          return false;
        }
        return true;
      },
      &out.extras);
  normalize_external(out, path, m_diags, true);
}

void Builder::volume(const SEntry& entry, ir::Volume& out) {
  out.key = entry.key;
  out.loc = entry.key_loc;
  const std::string path = "volumes." + entry.key;
  if (entry.value.is_null()) {
    return;
  }
  entries(
      entry.value, path,
      [&](const SEntry& e, const std::string& p) {
        if (e.key == "x-cluster-spec") {
          cluster_spec(e.value, p, out.cluster_spec.emplace());
          return true;
        }
        return shared_object_key(e, p, out);
      },
      &out.extras, /*typed_extension=*/"x-cluster-spec");
  if (out.external.external && *out.external.external) {
    // At the key that should go, not at its first entry.
    auto key_loc = [&](std::string_view key, SourceLoc fallback) {
      const SEntry* found = entry.value.find_entry(key);
      return found != nullptr ? found->key_loc : fallback;
    };
    // The reference refuses these: an external volume is not ours to configure.
    if (out.driver) {
      m_diags.error(
          k_code_value, out.driver.loc,
          fmt::format("conflicting parameters \"driver\" specified for volume \"{}\"", entry.key));
    }
    if (!out.driver_opts.empty()) {
      m_diags.error(k_code_value, key_loc("driver_opts", out.driver_opts.begin()->second.loc),
                    fmt::format("conflicting parameters \"driver_opts\" specified for volume "
                                "\"{}\"",
                                entry.key));
    }
    if (!out.labels.empty()) {
      m_diags.error(
          k_code_value, key_loc("labels", out.labels.begin()->second.loc),
          fmt::format("conflicting parameters \"labels\" specified for volume \"{}\"", entry.key));
    }
  }
  normalize_external(out, path, m_diags, true);
}

// x-cluster-spec as the reference's ClusterVolumeSpec: keys it does not know are ignored (its
// schema leaves these mappings open).
void Builder::cluster_spec(const SNode& node, const std::string& path, ir::ClusterSpec& out) {
  out.loc = node.loc;
  if (!mapping(node, path)) {
    return;
  }
  for (const SEntry& e : node.entries) {
    const std::string p = path + "." + e.key;
    if (e.key == "group") {
      string(e.value, p, out.group);
    } else if (e.key == "availability") {
      string(e.value, p, out.availability);
    } else if (e.key == "access_mode" && mapping(e.value, p)) {
      out.has_access_mode = true;
      for (const SEntry& a : e.value.entries) {
        const std::string ap = p + "." + a.key;
        if (a.key == "scope") {
          string(a.value, ap, out.scope);
        } else if (a.key == "sharing") {
          string(a.value, ap, out.sharing);
        } else if (a.key == "block_volume" && mapping(a.value, ap)) {
          out.has_block_volume = true;
        } else if (a.key == "mount_volume" && mapping(a.value, ap)) {
          out.has_mount_volume = true;
          for (const SEntry& m : a.value.entries) {
            if (m.key == "fs_type") {
              string(m.value, ap + ".fs_type", out.fs_type);
            } else if (m.key == "mount_flags") {
              string_list(m.value, ap + ".mount_flags", out.mount_flags, false);
            }
          }
        }
      }
    } else if (e.key == "accessibility_requirements" && mapping(e.value, p)) {
      out.has_accessibility = true;
      for (const SEntry& a : e.value.entries) {
        if (a.key == "requisite") {
          topologies(a.value, p + ".requisite", out.requisite);
        } else if (a.key == "preferred") {
          topologies(a.value, p + ".preferred", out.preferred);
        }
      }
    } else if (e.key == "capacity_range" && mapping(e.value, p)) {
      out.has_capacity_range = true;
      for (const SEntry& c : e.value.entries) {
        if (c.key == "required_bytes") {
          bytes(c.value, p + ".required_bytes", out.required_bytes);
        } else if (c.key == "limit_bytes") {
          bytes(c.value, p + ".limit_bytes", out.limit_bytes);
        }
      }
    } else if (e.key == "secrets") {
      if (!e.value.is_sequence()) {
        type_error(e.value, p, "a list");
        continue;
      }
      for (const SNode& item : e.value.items) {
        ir::VolumeSecret secret;
        secret.loc = item.loc;
        if (mapping(item, p + " items")) {
          for (const SEntry& k : item.entries) {
            if (k.key == "key") {
              string(k.value, p + ".key", secret.key);
            } else if (k.key == "secret") {
              string(k.value, p + ".secret", secret.secret);
            }
          }
        }
        out.secrets.push_back(std::move(secret));
      }
    }
  }
}

void Builder::topologies(const SNode& node, const std::string& path,
                         std::vector<ir::Topology>& out) {
  if (!node.is_sequence()) {
    type_error(node, path, "a list");
    return;
  }
  for (const SNode& item : node.items) {
    ir::Topology topology;
    topology.loc = item.loc;
    if (mapping(item, path + " items")) {
      if (const SNode* segments = item.find("segments")) {
        list_or_dict(*segments, path + ".segments", topology.segments, false);
      }
    }
    out.push_back(std::move(topology));
  }
}

void Builder::file_object(const SEntry& entry, const std::string& section, ir::FileObject& out) {
  out.key = entry.key;
  out.loc = entry.key_loc;
  const std::string path = section + "." + entry.key;
  const bool secret = section == "secrets";
  if (entry.value.is_null()) {
    return;
  }
  entries(
      entry.value, path,
      [&](const SEntry& e, const std::string& p) {
        if (e.key == "name") {
          string(e.value, p, out.name);
        } else if (e.key == "file") {
          string(e.value, p, out.file);
        } else if (e.key == "external") {
          external(e.value, p, out.external);
        } else if (e.key == "labels") {
          list_or_dict(e.value, p, out.labels, false);
        } else if (secret && e.key == "driver") {
          string(e.value, p, out.driver);
        } else if (secret && e.key == "driver_opts") {
          list_or_dict(e.value, p, out.driver_opts, false);
        } else if (e.key == "template_driver") {
          string(e.value, p, out.template_driver);
        } else {
          return false;
        }
        return true;
      },
      &out.extras);
  if (secret && out.driver && out.file) {
    m_diags.error(k_code_value, out.driver.loc,
                  fmt::format("{}: driver and file cannot both be set", path));
  }
  // As the reference's loader: a local object without a driver gets an absolute file even when
  // it names none (then the working directory itself, which deploy cannot read).
  if (!(out.external.external && *out.external.external) && !out.driver) {
    if (out.file) {
      out.file.value = resolve_path(*out.file);
    } else {
      out.file.assign(resolve_path(""), out.loc);
    }
  }
  normalize_external(out, path, m_diags, true);
}

// Secret and config files: relative to the working directory, as the reference's absPath.
std::string Builder::resolve_path(const std::string& path) const {
  if (!path.empty() && path[0] == '/') {
    return path;
  }
  return clean_path(m_context.working_dir + "/" + path);
}

}  // namespace

std::optional<ir::Stack> build_stack(const SNode& root, const BuildContext& context,
                                     Diagnostics& diags) {
  return Builder(context, diags).stack(root);
}

const ir::Service* ir::Stack::find_service(const std::string& name) const {
  for (const Service& service : services) {
    if (service.name == name) {
      return &service;
    }
  }
  return nullptr;
}

}  // namespace stackc
