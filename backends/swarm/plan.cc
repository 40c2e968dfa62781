#include "backends/swarm/plan.h"

#include <fmt/format.h>

#include <algorithm>
#include <functional>
#include <nlohmann/json.hpp>
#include <set>

namespace stackc::swarm {

using nlohmann::json;

namespace {

constexpr std::int64_t k_second = 1'000'000'000;

json parse(std::string_view text) {
  return json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
}

// The object at `key`, created (or replaced when it is not an object) on demand.
json& object_at(json& parent, const char* key) {
  json& child = parent[key];
  if (!child.is_object()) {
    child = json::object();
  }
  return child;
}

bool missing_or_null(const json& object, const char* key) {
  auto it = object.find(key);
  return it == object.end() || it->is_null();
}

bool empty_string(const json& object, const char* key) {
  auto it = object.find(key);
  return it == object.end() || it->is_null() ||
         (it->is_string() && it->get_ref<const std::string&>().empty());
}

bool zero_number(const json& object, const char* key) {
  auto it = object.find(key);
  return it == object.end() || it->is_null() || (it->is_number() && it->get<double>() == 0);
}

void sort_array(json& parent, const char* key,
                const std::function<std::string(const json&)>& sort_key) {
  auto it = parent.find(key);
  if (it == parent.end() || !it->is_array()) {
    return;
  }
  std::stable_sort(it->begin(), it->end(),
                   [&](const json& a, const json& b) { return sort_key(a) < sort_key(b); });
}

std::string dump_key(const json& value) { return value.dump(); }

void fill_update_defaults(json& spec, const char* key) {
  json& config = object_at(spec, key);
  if (missing_or_null(config, "Parallelism")) {
    config["Parallelism"] = 1;
  }
  if (empty_string(config, "FailureAction")) {
    config["FailureAction"] = "pause";
  }
  if (zero_number(config, "Monitor")) {
    config["Monitor"] = 5 * k_second;
  }
  if (empty_string(config, "Order")) {
    config["Order"] = "stop-first";
  }
}

bool is_zero(const json& value) {
  switch (value.type()) {
    case json::value_t::null:
      return true;
    case json::value_t::boolean:
      return !value.get<bool>();
    case json::value_t::number_integer:
    case json::value_t::number_unsigned:
    case json::value_t::number_float:
      return value.get<double>() == 0;
    case json::value_t::string:
      return value.get_ref<const std::string&>().empty();
    case json::value_t::array:
    case json::value_t::object:
      return value.empty();
    default:
      return false;
  }
}

// User maps keep empty values (a label "x=" differs from no label); only an empty map goes.
bool is_user_map(std::string_view key) {
  return key == "Labels" || key == "Options" || key == "Sysctls" || key == "DriverOpts";
}

// Go's omitempty folded into absence, except where zero means something: Replicas 0, and the
// mode objects themselves ({"Global": {}}).
void strip_zero(json& value, const std::string& path) {
  if (value.is_array()) {
    for (json& item : value) {
      strip_zero(item, path + "[]");
    }
    return;
  }
  if (!value.is_object()) {
    return;
  }
  std::string_view last = path;
  if (auto dot = last.rfind('.'); dot != std::string_view::npos) {
    last = last.substr(dot + 1);
  }
  if (is_user_map(last)) {
    return;
  }
  for (auto it = value.begin(); it != value.end();) {
    std::string child_path = path.empty() ? it.key() : path + "." + it.key();
    strip_zero(*it, child_path);
    bool keep = path == "Mode" || child_path == "Mode.Replicated.Replicas";
    if (!keep && is_zero(*it)) {
      it = value.erase(it);
    } else {
      ++it;
    }
  }
}

void diff_values(const json& a, const json& b, const std::string& path,
                 std::vector<FieldChange>& out) {
  if (a == b) {
    return;
  }
  if (a.is_object() && b.is_object()) {
    std::set<std::string> keys;
    for (const auto& [key, _] : a.items()) {
      keys.insert(key);
    }
    for (const auto& [key, _] : b.items()) {
      keys.insert(key);
    }
    for (const std::string& key : keys) {
      auto ia = a.find(key);
      auto ib = b.find(key);
      std::string child = spec_path_join(path, key);
      if (ia == a.end()) {
        out.push_back({child, "", ib->dump()});
      } else if (ib == b.end()) {
        out.push_back({child, ia->dump(), ""});
      } else {
        diff_values(*ia, *ib, child, out);
      }
    }
    return;
  }
  if (a.is_array() && b.is_array() && a.size() == b.size()) {
    for (size_t i = 0; i < a.size(); ++i) {
      diff_values(a[i], b[i], fmt::format("{}[{}]", path, i), out);
    }
    return;
  }
  out.push_back({path, a.dump(), b.dump()});
}

std::string strip_digest(const std::string& image) {
  auto at = image.find('@');
  return at == std::string::npos ? image : image.substr(0, at);
}

json* container_spec(json& spec) {
  auto task = spec.find("TaskTemplate");
  if (task == spec.end() || !task->is_object()) {
    return nullptr;
  }
  auto container = task->find("ContainerSpec");
  if (container == task->end() || !container->is_object()) {
    return nullptr;
  }
  return &*container;
}

std::string string_at(const json& object, const char* key) {
  if (!object.is_object()) {
    return {};
  }
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

bool is_hex(std::string_view text) {
  return std::all_of(text.begin(), text.end(),
                     [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

// `name` itself or `name-<10 hex>`: the revisions stackc makes of one secret or config.
bool is_revision_of(std::string_view candidate, std::string_view name) {
  if (candidate == name) {
    return true;
  }
  return candidate.size() == name.size() + 11 && candidate.substr(0, name.size()) == name &&
         candidate[name.size()] == '-' && is_hex(candidate.substr(name.size() + 1));
}

std::map<std::string, std::string> labels_without_hash(std::map<std::string, std::string> labels) {
  labels.erase(std::string(k_content_hash_label));
  return labels;
}

std::map<std::string, std::string> labels_of(const json& spec) {
  std::map<std::string, std::string> out;
  if (auto it = spec.find("Labels"); it != spec.end() && it->is_object()) {
    for (const auto& [key, value] : it->items()) {
      if (value.is_string()) {
        out[key] = value.get<std::string>();
      }
    }
  }
  return out;
}

struct FileObjectPlan {
  std::vector<PlannedObject> planned;
  std::map<std::string, std::string> current;  // desired name -> the revision services use
};

FileObjectPlan plan_file_objects(ObjectKind kind, const std::vector<DesiredFileObject>& desired,
                                 const std::vector<LiveObject>& live, const LiveStack& stack,
                                 std::vector<std::string>& errors) {
  FileObjectPlan out;
  std::string_view noun = to_string(kind);
  for (const DesiredFileObject& object : desired) {
    if (object.external) {
      bool found = std::any_of(live.begin(), live.end(), [&](const LiveObject& candidate) {
        return candidate.name == object.name || candidate.id == object.name;
      });
      if (!found) {
        errors.push_back(fmt::format("{} \"{}\" is declared as external, but could not be found",
                                     noun, object.name));
      }
      out.current[object.name] = object.name;
      continue;
    }
    json spec = parse(object.spec_json);
    if (!spec.is_object()) {
      errors.push_back(fmt::format("{} \"{}\": invalid spec from convert", noun, object.name));
      continue;
    }
    PlannedObject planned;
    planned.kind = kind;
    planned.key = object.key;
    planned.origin = object.origin;
    planned.content_sha256 = object.data_sha256;
    planned.content_size = object.data_size;
    // Driver-backed secrets have no content of ours to hash: never rotated.
    bool driver_backed = spec.contains("Driver") && !spec["Driver"].is_null();

    const LiveObject* match = nullptr;  // the revision holding the desired content
    const LiveObject* plain = nullptr;  // the object named exactly as declared
    for (const LiveObject& candidate : live) {
      if (!is_revision_of(candidate.name, object.name)) {
        continue;
      }
      if (candidate.name == object.name) {
        plain = &candidate;
      }
      if (!candidate.content_sha256.empty() && candidate.content_sha256 == object.data_sha256) {
        if (!match || candidate.name == object.name) {
          match = &candidate;
        }
      }
    }
    if (plain && !stack.owns(plain->labels)) {
      errors.push_back(fmt::format(
          "{} \"{}\" exists but does not belong to stack \"{}\" (it has no {}={} label)", noun,
          plain->name, stack.stack, k_namespace_label, stack.stack));
      continue;
    }
    // A secret created by `docker stack deploy` carries no content hash and its data cannot be
    // read back: it is taken as unchanged (the reference could not change it either).
    if (!match && plain && (plain->content_sha256.empty() || driver_backed)) {
      match = plain;
    }
    if (match) {
      planned.name = match->name;
      planned.id = match->id;
      planned.version = match->version;
      auto live_labels = labels_without_hash(match->labels);
      auto want_labels = labels_without_hash(labels_of(spec));
      if (live_labels != want_labels) {
        planned.action = Action::update;
        planned.reason = "labels changed";
        spec["Name"] = match->name;
        if (auto hash = match->labels.find(std::string(k_content_hash_label));
            hash != match->labels.end()) {
          spec["Labels"][std::string(k_content_hash_label)] = hash->second;
        }
        diff_values(json(live_labels), json(want_labels), "Labels", planned.changes);
        attach_origins(planned.changes, object.origins);
        planned.spec_json = spec.dump();
      } else {
        planned.action = Action::unchanged;
      }
    } else {
      planned.action = Action::create;
      planned.name =
          plain ? fmt::format("{}-{}", object.name, object.data_sha256.substr(0, 10)) : object.name;
      planned.reason = plain ? fmt::format("content changed; replaces {}", plain->name) : "";
      spec["Name"] = planned.name;
      if (!driver_backed) {
        spec["Labels"][std::string(k_content_hash_label)] = object.data_sha256;
      }
      planned.spec_json = spec.dump();
    }
    out.current[object.name] = planned.name;
    out.planned.push_back(std::move(planned));
  }
  return out;
}

// Points the service's secret and config references at the revisions in use.
void repoint(json& spec, const std::map<std::string, std::string>& secrets,
             const std::map<std::string, std::string>& configs) {
  json* container = container_spec(spec);
  if (!container) {
    return;
  }
  auto rewrite = [&](const char* list, const char* name_key,
                     const std::map<std::string, std::string>& current) {
    auto it = container->find(list);
    if (it == container->end() || !it->is_array()) {
      return;
    }
    for (json& reference : *it) {
      std::string name = string_at(reference, name_key);
      if (auto found = current.find(name); found != current.end()) {
        reference[name_key] = found->second;
      }
    }
  };
  rewrite("Secrets", "SecretName", secrets);
  rewrite("Configs", "ConfigName", configs);
}

std::vector<std::pair<std::uint64_t, std::string>> published_ports(const json& spec) {
  std::vector<std::pair<std::uint64_t, std::string>> out;
  auto endpoint = spec.find("EndpointSpec");
  if (endpoint == spec.end() || !endpoint->is_object()) {
    return out;
  }
  auto ports = endpoint->find("Ports");
  if (ports == endpoint->end() || !ports->is_array()) {
    return out;
  }
  for (const json& port : *ports) {
    auto published = port.find("PublishedPort");
    if (published != port.end() && published->is_number_unsigned() &&
        published->get<std::uint64_t>() > 0) {
      std::string protocol = string_at(port, "Protocol");
      out.emplace_back(published->get<std::uint64_t>(), protocol.empty() ? "tcp" : protocol);
    } else if (published != port.end() && published->is_number_integer() &&
               published->get<std::int64_t>() > 0) {
      std::string protocol = string_at(port, "Protocol");
      out.emplace_back(published->get<std::uint64_t>(), protocol.empty() ? "tcp" : protocol);
    }
  }
  return out;
}

PlannedObject removal(ObjectKind kind, std::string name, std::string id, std::string reason,
                      std::string key = {}) {
  PlannedObject planned;
  planned.kind = kind;
  planned.action = Action::remove;
  planned.key = std::move(key);
  planned.name = std::move(name);
  planned.id = std::move(id);
  planned.reason = std::move(reason);
  return planned;
}

bool sensitive_name(std::string_view name) {
  std::string upper;
  for (char c : name) {
    upper += static_cast<char>(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
  }
  for (std::string_view word :
       {"PASS", "SECRET", "TOKEN", "KEY", "CREDENTIAL", "PRIVATE", "AUTH"}) {
    if (upper.find(word) != std::string::npos) {
      return true;
    }
  }
  return false;
}

}  // namespace

std::string redact_env_entry(std::string_view entry) {
  auto equals = entry.find('=');
  if (equals != std::string_view::npos && sensitive_name(entry.substr(0, equals))) {
    return fmt::format("{}=<redacted, {} bytes>", entry.substr(0, equals),
                       entry.size() - equals - 1);
  }
  return std::string(entry);
}

namespace {

void redact_env(json& value) {
  if (value.is_array()) {
    for (json& item : value) {
      redact_env(item);
    }
    return;
  }
  if (!value.is_string()) {
    return;
  }
  value = redact_env_entry(value.get_ref<const std::string&>());
}

void redact_env_changes(std::vector<FieldChange>& changes) {
  for (FieldChange& change : changes) {
    if (change.path.rfind("TaskTemplate.ContainerSpec.Env", 0) != 0) {
      continue;
    }
    for (std::string* text : {&change.old_value, &change.new_value}) {
      if (text->empty()) {
        continue;
      }
      json value = parse(*text);
      redact_env(value);
      *text = value.dump();
    }
  }
}

}  // namespace

std::string_view to_string(ObjectKind kind) {
  switch (kind) {
    case ObjectKind::network:
      return "network";
    case ObjectKind::secret:
      return "secret";
    case ObjectKind::config:
      return "config";
    case ObjectKind::service:
      return "service";
  }
  return "object";
}

std::string_view to_string(Action action) {
  switch (action) {
    case Action::create:
      return "create";
    case Action::update:
      return "update";
    case Action::unchanged:
      return "unchanged";
    case Action::remove:
      return "remove";
  }
  return "unknown";
}

size_t Plan::count(Action action) const {
  size_t n = 0;
  auto add = [&](const std::vector<PlannedObject>& objects) {
    for (const PlannedObject& object : objects) {
      n += object.action == action ? 1 : 0;
    }
  };
  add(networks);
  add(secrets);
  add(configs);
  for (const auto& wave : service_waves) {
    add(wave);
  }
  add(removals);
  return n;
}

bool Plan::has_changes() const {
  return count(Action::create) + count(Action::update) + count(Action::remove) > 0;
}

NetworkNames network_names(const LiveStack& live) {
  NetworkNames names;
  for (const LiveNetwork& network : live.networks) {
    names[network.id] = network.name;
  }
  // A credential spec names its config by ID in the live spec (see normalize_service_spec).
  for (const LiveObject& config : live.configs) {
    names[config.id] = config.name;
  }
  return names;
}

namespace {
// "1.41" -> 41; 0 when unknown. Every API version the engine client accepts is 1.x.
int api_minor(std::string_view version) {
  if (version.size() < 3 || version.substr(0, 2) != "1.") {
    return 0;
  }
  int minor = 0;
  for (char c : version.substr(2)) {
    if (c < '0' || c > '9') {
      return 0;
    }
    minor = minor * 10 + (c - '0');
  }
  return minor;
}
}  // namespace

std::string normalize_service_spec(std::string_view spec_json, const NetworkNames& names,
                                   std::string_view api_version) {
  json spec = parse(spec_json);
  if (!spec.is_object()) {
    return {};
  }
  // Mode: replicas default to 1.
  json& mode = object_at(spec, "Mode");
  if (mode.empty()) {
    mode["Replicated"] = json::object();
  }
  if (auto it = mode.find("Replicated"); it != mode.end()) {
    if (!it->is_object()) {
      *it = json::object();
    }
    if (missing_or_null(*it, "Replicas")) {
      (*it)["Replicas"] = 1;
    }
  }
  json& task = object_at(spec, "TaskTemplate");
  json& container = object_at(task, "ContainerSpec");
  if (missing_or_null(container, "StopGracePeriod")) {
    container["StopGracePeriod"] = 10 * k_second;
  }
  if (empty_string(container, "Isolation")) {
    container["Isolation"] = "default";
  }
  sort_array(container, "Env", dump_key);
  // Healthcheck.StartInterval came with API 1.44: the docker CLI sends it to older engines too,
  // and they drop it, so it cannot differ there.
  if (const int minor = api_minor(api_version); minor != 0 && minor < 44) {
    if (auto check = container.find("Healthcheck");
        check != container.end() && check->is_object()) {
      check->erase("StartInterval");
    }
  }
  sort_array(container, "CapabilityAdd", dump_key);
  sort_array(container, "CapabilityDrop", dump_key);
  for (const auto& [list, id_key, name_key] : {std::tuple{"Secrets", "SecretID", "SecretName"},
                                               std::tuple{"Configs", "ConfigID", "ConfigName"}}) {
    if (auto it = container.find(list); it != container.end() && it->is_array()) {
      for (json& reference : *it) {
        if (reference.is_object()) {
          reference.erase(id_key);
        }
      }
      sort_array(container, list, [name_key = name_key](const json& reference) {
        return string_at(reference, name_key) + "\n" + reference.dump();
      });
    }
  }
  if (empty_string(task, "Runtime") && !task.contains("PluginSpec")) {
    task["Runtime"] = "container";
  }
  task.erase("ForceUpdate");
  json& restart = object_at(task, "RestartPolicy");
  if (empty_string(restart, "Condition")) {
    restart["Condition"] = "any";
  }
  if (missing_or_null(restart, "Delay")) {
    restart["Delay"] = 5 * k_second;
  }
  if (auto placement = task.find("Placement"); placement != task.end() && placement->is_object()) {
    placement->erase("Platforms");  // added by the client from the registry's manifest list
    sort_array(*placement, "Constraints", dump_key);
  }
  if (auto privileges = container.find("Privileges");
      privileges != container.end() && privileges->is_object()) {
    if (auto credential = privileges->find("CredentialSpec");
        credential != privileges->end() && credential->is_object()) {
      if (auto name = names.find(string_at(*credential, "Config")); name != names.end()) {
        (*credential)["Config"] = name->second;
      }
    }
  }
  if (auto networks = task.find("Networks"); networks != task.end() && networks->is_array()) {
    for (json& attachment : *networks) {
      std::string target = string_at(attachment, "Target");
      if (auto name = names.find(target); name != names.end()) {
        attachment["Target"] = name->second;
      }
      sort_array(attachment, "Aliases", dump_key);
    }
    sort_array(task, "Networks", [](const json& a) { return string_at(a, "Target"); });
  }
  // The engine does not keep a mount's consistency (a Docker Desktop option) on Linux.
  if (auto mounts = container.find("Mounts"); mounts != container.end() && mounts->is_array()) {
    for (json& mount : *mounts) {
      if (mount.is_object()) {
        mount.erase("Consistency");
      }
    }
  }
  fill_update_defaults(spec, "UpdateConfig");
  fill_update_defaults(spec, "RollbackConfig");
  json& endpoint = object_at(spec, "EndpointSpec");
  if (empty_string(endpoint, "Mode")) {
    endpoint["Mode"] = "vip";
  }
  if (auto ports = endpoint.find("Ports"); ports != endpoint.end() && ports->is_array()) {
    for (json& port : *ports) {
      if (empty_string(port, "Protocol")) {
        port["Protocol"] = "tcp";
      }
      if (empty_string(port, "PublishMode")) {
        port["PublishMode"] = "ingress";
      }
    }
    sort_array(endpoint, "Ports", dump_key);
  }
  strip_zero(spec, "");
  return spec.dump();
}

void attach_origins(std::vector<FieldChange>& changes, const Origins& origins) {
  for (FieldChange& change : changes) {
    if (const FieldOrigin* found = find_origin(origins, change.path)) {
      change.origin = found->origin;
    } else {
      change.origin.derived = change.new_value.empty() ? "not set in the files" : "engine default";
    }
  }
}

std::vector<FieldChange> diff_json(std::string_view old_json, std::string_view new_json) {
  std::vector<FieldChange> out;
  diff_values(parse(old_json), parse(new_json), "", out);
  return out;
}

std::string service_mode(std::string_view spec_json) {
  json spec = parse(spec_json);
  if (!spec.is_object()) {
    return "replicated";
  }
  auto mode = spec.find("Mode");
  if (mode == spec.end() || !mode->is_object()) {
    return "replicated";
  }
  if (mode->contains("Global")) {
    return "global";
  }
  if (mode->contains("ReplicatedJob")) {
    return "replicated-job";
  }
  if (mode->contains("GlobalJob")) {
    return "global-job";
  }
  return "replicated";
}

PlannedObject plan_service(const DesiredService& desired, const std::string& desired_spec_json,
                           const LiveObject* live, const NetworkNames& names,
                           std::string_view api_version) {
  PlannedObject planned;
  planned.kind = ObjectKind::service;
  planned.key = desired.key;
  planned.name = desired.name;
  planned.depends_on = desired.depends_on;
  planned.image = desired.image;
  planned.reuse_live_image = desired.reuse_live_image;
  planned.origin = desired.origin;
  if (!live) {
    planned.action = Action::create;
    planned.spec_json = desired_spec_json;
    return planned;
  }
  planned.id = live->id;
  planned.version = live->version;
  json spec = parse(desired_spec_json);
  json live_spec = parse(live->spec_json);
  json* container = container_spec(spec);
  json* live_container = container_spec(live_spec);
  if (container && live_container && desired.reuse_live_image) {
    // The reference (resolve-image changed/never) keeps the live, digest-pinned image when the
    // com.docker.stack.image label still names the image in the file.
    std::string image = string_at(*container, "Image");
    std::string live_image = string_at(*live_container, "Image");
    std::string label =
        string_at(live_spec.value("Labels", json::object()), "com.docker.stack.image");
    if (image.find('@') == std::string::npos && label == desired.image &&
        strip_digest(live_image) == image) {
      (*container)["Image"] = live_image;
    }
  }
  if (auto live_task = live_spec.find("TaskTemplate"); live_task != live_spec.end() &&
                                                       live_task->is_object() &&
                                                       live_task->contains("ForceUpdate")) {
    spec["TaskTemplate"]["ForceUpdate"] = (*live_task)["ForceUpdate"];
  }
  planned.spec_json = spec.dump();
  // Normalized specs are canonical JSON text (sorted keys), so equal text means no change and
  // the field-by-field diff is only worked out for services that do change.
  std::string normalized_live = normalize_service_spec(live->spec_json, names, api_version);
  std::string normalized_desired = normalize_service_spec(planned.spec_json, names, api_version);
  if (normalized_live != normalized_desired) {
    planned.changes = diff_json(normalized_live, normalized_desired);
  }
  redact_env_changes(planned.changes);
  attach_origins(planned.changes, desired.origins);
  planned.action = planned.changes.empty() ? Action::unchanged : Action::update;
  return planned;
}

tl::expected<std::vector<std::vector<std::string>>, std::string> dependency_waves(
    const std::vector<DesiredService>& services) {
  std::map<std::string, std::set<std::string>> deps;
  for (const DesiredService& service : services) {
    deps[service.key];
  }
  for (const DesiredService& service : services) {
    for (const std::string& dep : service.depends_on) {
      if (deps.count(dep)) {
        deps[service.key].insert(dep);
      }
    }
  }
  std::vector<std::vector<std::string>> waves;
  std::set<std::string> done;
  while (done.size() < deps.size()) {
    std::vector<std::string> wave;
    for (const auto& [key, needs] : deps) {
      if (done.count(key)) {
        continue;
      }
      if (std::all_of(needs.begin(), needs.end(),
                      [&](const std::string& dep) { return done.count(dep) > 0; })) {
        wave.push_back(key);
      }
    }
    if (wave.empty()) {
      // Every remaining service waits on another remaining one: walk until a repeat.
      std::string start;
      for (const auto& [key, _] : deps) {
        if (!done.count(key)) {
          start = key;
          break;
        }
      }
      std::vector<std::string> path;
      std::string at = start;
      while (std::find(path.begin(), path.end(), at) == path.end()) {
        path.push_back(at);
        for (const std::string& dep : deps[at]) {
          if (!done.count(dep)) {
            at = dep;
            break;
          }
        }
      }
      auto first = std::find(path.begin(), path.end(), at);
      std::vector<std::string> cycle(first, path.end());
      cycle.push_back(at);
      return tl::unexpected(fmt::format("depends_on cycle: {}", fmt::join(cycle, " -> ")));
    }
    done.insert(wave.begin(), wave.end());
    waves.push_back(std::move(wave));
  }
  return waves;
}

tl::expected<Plan, std::vector<std::string>> make_plan(const DesiredStack& desired,
                                                       const LiveStack& live,
                                                       const PlanOptions& options) {
  Plan plan;
  plan.stack = desired.stack;
  std::vector<std::string> errors;
  NetworkNames names = network_names(live);
  for (const LiveObject& secret : live.secrets) {
    plan.secret_ids[secret.name] = secret.id;
  }
  for (const LiveObject& config : live.configs) {
    plan.config_ids[config.name] = config.id;
  }

  std::set<std::string> desired_networks;
  for (const DesiredNetwork& network : desired.networks) {
    desired_networks.insert(network.name);
    const LiveNetwork* existing = live.network(network.name);
    if (network.external) {
      // Docker's own networks are not inspected, as in the reference.
      if (network.name == "host" || network.name == "bridge" || network.name == "none") {
        continue;
      }
      if (!existing) {
        errors.push_back(fmt::format(
            "network \"{}\" is declared as external, but could not be found. You need to create "
            "a swarm-scoped network before the stack is deployed",
            network.name));
      } else if (existing->scope != "swarm") {
        errors.push_back(fmt::format(
            "network \"{}\" is declared as external, but it is not in the right scope: \"{}\" "
            "instead of \"swarm\"",
            network.name, existing->scope));
      }
      continue;
    }
    PlannedObject planned;
    planned.kind = ObjectKind::network;
    planned.key = network.key;
    planned.name = network.name;
    if (!existing) {
      planned.action = Action::create;
      planned.spec_json = network.spec_json;
    } else if (!live.owns(existing->labels)) {
      errors.push_back(fmt::format(
          "network \"{}\" exists but does not belong to stack \"{}\" (it has no {}={} label)",
          network.name, live.stack, k_namespace_label, live.stack));
      continue;
    } else {
      planned.action = Action::unchanged;
      planned.id = existing->id;
      // Swarm cannot change a network in place; say so instead of ignoring it silently.
      json spec = parse(network.spec_json);
      std::string driver = spec.is_object() ? string_at(spec, "Driver") : "";
      bool internal = spec.is_object() && spec.value("Internal", false);
      bool attachable = spec.is_object() && spec.value("Attachable", false);
      if ((!driver.empty() && driver != existing->driver) || internal != existing->internal ||
          attachable != existing->attachable) {
        plan.warnings.push_back(fmt::format(
            "network {} differs from the stack file (driver, internal or attachable); Swarm "
            "cannot change a network in place: remove the stack (stackc rm) to recreate it",
            network.name));
      }
    }
    plan.networks.push_back(std::move(planned));
  }

  auto secrets = plan_file_objects(ObjectKind::secret, desired.secrets, live.secrets, live, errors);
  auto configs = plan_file_objects(ObjectKind::config, desired.configs, live.configs, live, errors);
  plan.secrets = secrets.planned;
  plan.configs = configs.planned;

  std::map<std::string, PlannedObject> services;
  std::set<std::string> desired_services;
  for (const DesiredService& service : desired.services) {
    desired_services.insert(service.name);
    json spec = parse(service.spec_json);
    if (!spec.is_object()) {
      errors.push_back(fmt::format("service {}: invalid spec from convert", service.name));
      continue;
    }
    repoint(spec, secrets.current, configs.current);
    const LiveObject* existing = live.service(service.name);
    if (existing) {
      std::string from = service_mode(existing->spec_json);
      std::string to = service_mode(service.spec_json);
      if (from != to) {
        errors.push_back(fmt::format(
            "service {}: cannot change the mode from {} to {} (Swarm refuses mode changes); "
            "remove the service first (docker service rm {}), then deploy",
            service.name, from, to, service.name));
      }
    }
    // Cluster (CSI) volumes came with API 1.42: an older engine refuses the service with
    // "invalid MountType", after the reference already created the networks. Refuse it first.
    if (const int minor = api_minor(live.api_version); minor != 0 && minor < 42) {
      const json* container = container_spec(spec);
      const json* mounts =
          container != nullptr && container->contains("Mounts") ? &(*container)["Mounts"] : nullptr;
      for (const json& mount : mounts != nullptr && mounts->is_array() ? *mounts : json::array()) {
        if (string_at(mount, "Type") == "cluster") {
          errors.push_back(fmt::format(
              "service {}: mount {} is a cluster volume, which needs an engine with API 1.42 or "
              "later (this one speaks {})",
              service.name, string_at(mount, "Target"), live.api_version));
          break;
        }
      }
    }
    for (const auto& [port, protocol] : published_ports(spec)) {
      for (const ForeignPort& held : live.foreign_ports) {
        if (held.published == port && held.protocol == protocol) {
          errors.push_back(fmt::format(
              "service {}: port {}/{} is already published by service {}, which is not part of "
              "stack \"{}\"",
              service.name, port, protocol, held.service, live.stack));
        }
      }
    }
    services[service.key] = plan_service(service, spec.dump(), existing, names, live.api_version);
  }

  auto waves = dependency_waves(desired.services);
  if (!waves) {
    errors.push_back(waves.error());
  } else {
    for (const auto& wave : *waves) {
      std::vector<PlannedObject> planned;
      for (const std::string& key : wave) {
        if (auto it = services.find(key); it != services.end()) {
          planned.push_back(std::move(it->second));
        }
      }
      if (!planned.empty()) {
        plan.service_waves.push_back(std::move(planned));
      }
    }
  }

  if (options.prune) {
    for (const LiveObject& service : live.services) {
      if (!desired_services.count(service.name)) {
        plan.removals.push_back(removal(ObjectKind::service, service.name, service.id,
                                        "not declared in the stack files"));
      }
    }
  }
  // Old revisions go always; undeclared objects only with --prune. Never anything without the
  // stack's label.
  auto collect = [&](ObjectKind kind, const std::vector<DesiredFileObject>& declared,
                     const std::vector<LiveObject>& objects,
                     const std::map<std::string, std::string>& current) {
    for (const LiveObject& object : objects) {
      if (!live.owns(object.labels)) {
        continue;
      }
      bool in_use = false;
      const DesiredFileObject* revision_of = nullptr;
      for (const DesiredFileObject& d : declared) {
        if (d.external) {
          in_use = in_use || d.name == object.name;
          continue;
        }
        if (is_revision_of(object.name, d.name)) {
          revision_of = &d;
          auto chosen = current.find(d.name);
          in_use = in_use || chosen == current.end() || chosen->second == object.name;
        }
      }
      if (in_use) {
        continue;
      }
      if (revision_of) {
        plan.removals.push_back(
            removal(kind, object.name, object.id, "old revision", revision_of->key));
      } else if (options.prune) {
        plan.removals.push_back(
            removal(kind, object.name, object.id, "not declared in the stack files"));
      }
    }
  };
  collect(ObjectKind::secret, desired.secrets, live.secrets, secrets.current);
  collect(ObjectKind::config, desired.configs, live.configs, configs.current);
  if (options.prune) {
    for (const LiveNetwork& network : live.networks) {
      if (live.owns(network.labels) && !desired_networks.count(network.name)) {
        plan.removals.push_back(removal(ObjectKind::network, network.name, network.id,
                                        "not declared in the stack files"));
      }
    }
  }
  if (!errors.empty()) {
    return tl::unexpected(std::move(errors));
  }
  return plan;
}

}  // namespace stackc::swarm
