#include "backends/swarm/schedule_input.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>
#include <set>

namespace stackc::swarm::sched {

namespace {

using nlohmann::json;

const json& at(const json& object, std::string_view key) {
  static const json k_null;
  if (!object.is_object()) {
    return k_null;
  }
  auto it = object.find(key);
  return it == object.end() ? k_null : *it;
}

std::string text(const json& value) { return value.is_string() ? value.get<std::string>() : ""; }

std::int64_t number(const json& value, std::int64_t fallback = 0) {
  return value.is_number() ? value.get<std::int64_t>() : fallback;
}

std::map<std::string, std::string> string_map(const json& value) {
  std::map<std::string, std::string> out;
  if (value.is_object()) {
    for (auto it = value.begin(); it != value.end(); ++it) {
      out[it.key()] = text(it.value());
    }
  }
  return out;
}

// [{"DiscreteResourceSpec": {"Kind", "Value"}} | {"NamedResourceSpec": {"Kind", "Value"}}]
std::map<std::string, std::int64_t> generic_resources(const json& list) {
  std::map<std::string, std::int64_t> out;
  if (!list.is_array()) {
    return out;
  }
  for (const json& item : list) {
    if (const json& discrete = at(item, "DiscreteResourceSpec"); discrete.is_object()) {
      out[text(at(discrete, "Kind"))] += number(at(discrete, "Value"));
    } else if (const json& named = at(item, "NamedResourceSpec"); named.is_object()) {
      out[text(at(named, "Kind"))] += 1;
    }
  }
  return out;
}

UpdatePolicy policy(const json& config) {
  UpdatePolicy out;
  if (!config.is_object()) {
    return out;  // the engine's defaults
  }
  // Present without Parallelism means 0: every task at once (compose always writes it).
  out.parallelism = static_cast<std::uint64_t>(number(at(config, "Parallelism")));
  out.delay_ns = number(at(config, "Delay"));
  std::int64_t monitor = number(at(config, "Monitor"));
  out.monitor_ns = monitor == 0 ? out.monitor_ns : monitor;
  std::string order = text(at(config, "Order"));
  out.order = order.empty() ? out.order : order;
  std::string action = text(at(config, "FailureAction"));
  out.failure_action = action.empty() ? out.failure_action : action;
  out.max_failure_ratio =
      at(config, "MaxFailureRatio").is_number() ? at(config, "MaxFailureRatio").get<double>() : 0.0;
  return out;
}

std::string port_text(const HostPort& port) {
  return fmt::format("{}/{}", port.port, port.protocol);
}

tl::expected<HostPort, std::string> parse_port(const std::string& value) {
  HostPort out;
  size_t slash = value.find('/');
  std::string number_text = value.substr(0, slash);
  if (slash != std::string::npos) {
    out.protocol = value.substr(slash + 1);
  }
  try {
    size_t used = 0;
    unsigned long port = std::stoul(number_text, &used);
    if (used != number_text.size() || port == 0 || port > 65535) {
      throw std::out_of_range("port");
    }
    out.port = static_cast<std::uint32_t>(port);
  } catch (const std::exception&) {
    return tl::make_unexpected(
        fmt::format("invalid host port \"{}\" (want PORT or PORT/PROTO)", value));
  }
  return out;
}

bool holds_place(const json& task) {
  static const std::set<std::string> k_held = {"assigned", "accepted", "preparing",
                                               "ready",    "starting", "running"};
  std::string desired = text(at(task, "DesiredState"));
  return k_held.count(text(at(at(task, "Status"), "State"))) > 0 &&
         (desired == "running" || desired == "ready");
}

}  // namespace

ServiceSpec spec_from_service(const json& spec) {
  ServiceSpec out;
  const json& mode = at(spec, "Mode");
  if (at(mode, "Global").is_object()) {
    out.mode = Mode::global;
  } else if (at(mode, "GlobalJob").is_object()) {
    out.mode = Mode::global_job;
  } else if (const json& job = at(mode, "ReplicatedJob"); job.is_object()) {
    out.mode = Mode::replicated_job;
    out.replicas = static_cast<std::uint64_t>(number(at(job, "MaxConcurrent"), 1));
  } else {
    out.replicas = static_cast<std::uint64_t>(number(at(at(mode, "Replicated"), "Replicas"), 1));
  }
  const json& task = at(spec, "TaskTemplate");
  const json& placement = at(task, "Placement");
  if (const json& constraints = at(placement, "Constraints"); constraints.is_array()) {
    for (const json& c : constraints) {
      out.constraints.push_back(text(c));
    }
  }
  if (const json& preferences = at(placement, "Preferences"); preferences.is_array()) {
    for (const json& p : preferences) {
      out.preferences.push_back(text(at(at(p, "Spread"), "SpreadDescriptor")));
    }
  }
  if (const json& platforms = at(placement, "Platforms"); platforms.is_array()) {
    for (const json& p : platforms) {
      out.platforms.emplace_back(text(at(p, "OS")), text(at(p, "Architecture")));
    }
  }
  out.max_replicas = static_cast<std::uint64_t>(number(at(placement, "MaxReplicas")));
  const json& reservations = at(at(task, "Resources"), "Reservations");
  out.reservations.nano_cpus = number(at(reservations, "NanoCPUs"));
  out.reservations.memory_bytes = number(at(reservations, "MemoryBytes"));
  out.reservations.generic = generic_resources(at(reservations, "GenericResources"));
  if (const json& ports = at(at(spec, "EndpointSpec"), "Ports"); ports.is_array()) {
    for (const json& port : ports) {
      std::int64_t published = number(at(port, "PublishedPort"));
      if (text(at(port, "PublishMode")) == "host" && published > 0) {
        std::string protocol = text(at(port, "Protocol"));
        out.host_ports.push_back(
            {protocol.empty() ? "tcp" : protocol, static_cast<std::uint32_t>(published)});
      }
    }
  }
  out.update = policy(at(spec, "UpdateConfig"));
  out.rollback = policy(at(spec, "RollbackConfig"));
  return out;
}

tl::expected<ServiceSpec, std::string> spec_from_service_json(std::string_view spec_json) {
  json spec = json::parse(spec_json, nullptr, false);
  if (spec.is_discarded() || !spec.is_object()) {
    return tl::make_unexpected(std::string("invalid ServiceSpec JSON"));
  }
  return spec_from_service(spec);
}

Cluster cluster_from_engine(const json& nodes, const json& services, const json& tasks) {
  Cluster out;
  if (nodes.is_array()) {
    for (const json& item : nodes) {
      Node node;
      node.id = text(at(item, "ID"));
      const json& description = at(item, "Description");
      const json& spec = at(item, "Spec");
      node.hostname = text(at(description, "Hostname"));
      node.role = text(at(spec, "Role"));
      node.availability = text(at(spec, "Availability"));
      node.state = text(at(at(item, "Status"), "State"));
      node.ip = text(at(at(item, "Status"), "Addr"));
      node.labels = string_map(at(spec, "Labels"));
      node.engine_labels = string_map(at(at(description, "Engine"), "Labels"));
      node.os = text(at(at(description, "Platform"), "OS"));
      node.arch = text(at(at(description, "Platform"), "Architecture"));
      const json& resources = at(description, "Resources");
      node.capacity.nano_cpus = number(at(resources, "NanoCPUs"));
      node.capacity.memory_bytes = number(at(resources, "MemoryBytes"));
      node.capacity.generic = generic_resources(at(resources, "GenericResources"));
      out.nodes.push_back(std::move(node));
    }
  }
  std::map<std::string, size_t> by_id;
  if (services.is_array()) {
    for (const json& item : services) {
      LiveService service;
      service.name = text(at(at(item, "Spec"), "Name"));
      service.spec = spec_from_service(at(item, "Spec"));
      by_id[text(at(item, "ID"))] = out.services.size();
      out.services.push_back(std::move(service));
    }
  }
  if (tasks.is_array()) {
    for (const json& item : tasks) {
      auto service = by_id.find(text(at(item, "ServiceID")));
      if (service == by_id.end() || !holds_place(item)) {
        continue;
      }
      std::int64_t slot = number(at(item, "Slot"));
      out.services[service->second].tasks.push_back(
          {text(at(item, "NodeID")), slot > 0 ? std::to_string(slot) : std::string()});
    }
  }
  return out;
}

tl::expected<Cluster, std::string> cluster_from_file_text(std::string_view file_text,
                                                          std::string_view file_name) {
  json root = json::parse(file_text, nullptr, false);
  auto fail = [&](const std::string& what) {
    return tl::make_unexpected(fmt::format("{}: {}", file_name, what));
  };
  if (root.is_discarded()) {
    return fail("not valid JSON");
  }
  if (!root.is_object() || !at(root, "nodes").is_array()) {
    return fail("want an object with a \"nodes\" list (see man stackc-schedule)");
  }
  Cluster out;
  try {
    std::size_t i = 0;
    for (const json& item : root["nodes"]) {
      Node node;
      node.hostname = item.at("hostname").get<std::string>();
      node.id = item.value("id", node.hostname);
      node.role = item.value("role", node.role);
      node.availability = item.value("availability", node.availability);
      node.state = item.value("state", node.state);
      node.ip = item.value("addr", node.ip);
      node.os = item.value("os", node.os);
      node.arch = item.value("arch", node.arch);
      node.capacity.nano_cpus = item.value("nano_cpus", std::int64_t{0});
      node.capacity.memory_bytes = item.value("memory_bytes", std::int64_t{0});
      node.capacity.generic =
          item.value("generic_resources", std::map<std::string, std::int64_t>{});
      node.labels = item.value("labels", std::map<std::string, std::string>{});
      node.engine_labels = item.value("engine_labels", std::map<std::string, std::string>{});
      static const std::set<std::string> k_roles = {"manager", "worker"};
      static const std::set<std::string> k_availability = {"active", "pause", "drain"};
      static const std::set<std::string> k_states = {"ready", "down", "unknown", "disconnected"};
      if (!k_roles.count(node.role) || !k_availability.count(node.availability) ||
          !k_states.count(node.state)) {
        return fail(
            fmt::format("nodes[{}]: role must be manager|worker, availability "
                        "active|pause|drain, state ready|down|unknown|disconnected",
                        i));
      }
      out.nodes.push_back(std::move(node));
      ++i;
    }
    i = 0;
    for (const json& item : root.value("services", json::array())) {
      LiveService service;
      service.name = item.at("name").get<std::string>();
      std::string mode = item.value("mode", "replicated");
      ServiceSpec& spec = service.spec;
      spec.mode = mode == "global"           ? Mode::global
                  : mode == "replicated-job" ? Mode::replicated_job
                  : mode == "global-job"     ? Mode::global_job
                                             : Mode::replicated;
      spec.replicas = item.value("replicas", std::uint64_t{1});
      spec.constraints = item.value("constraints", std::vector<std::string>{});
      spec.preferences = item.value("preferences", std::vector<std::string>{});
      spec.max_replicas = item.value("max_replicas_per_node", std::uint64_t{0});
      for (const json& platform : item.value("platforms", json::array())) {
        spec.platforms.emplace_back(platform.value("os", ""), platform.value("arch", ""));
      }
      json reservations = item.value("reservations", json::object());
      spec.reservations.nano_cpus = reservations.value("nano_cpus", std::int64_t{0});
      spec.reservations.memory_bytes = reservations.value("memory_bytes", std::int64_t{0});
      spec.reservations.generic =
          reservations.value("generic", std::map<std::string, std::int64_t>{});
      for (const json& port : item.value("host_ports", json::array())) {
        auto parsed = parse_port(port.get<std::string>());
        if (!parsed) {
          return fail(fmt::format("services[{}]: {}", i, parsed.error()));
        }
        spec.host_ports.push_back(*parsed);
      }
      for (const json& task : item.value("tasks", json::array())) {
        std::string node = task.at("node").get<std::string>();
        for (const Node& n : out.nodes) {
          if (n.hostname == node) {
            node = n.id;
          }
        }
        std::string slot = task.contains("slot") ? std::to_string(task["slot"].get<int>()) : "";
        service.tasks.push_back({node, slot});
      }
      out.services.push_back(std::move(service));
      ++i;
    }
  } catch (const json::exception& e) {
    return fail(e.what());
  }
  return out;
}

std::string cluster_to_file_text(const Cluster& cluster) {
  using ordered = nlohmann::ordered_json;
  ordered root = ordered::object();
  root["version"] = 1;
  ordered nodes = ordered::array();
  std::map<std::string, std::string> hostnames;
  for (const Node& node : cluster.nodes) {
    hostnames[node.id] = node.hostname;
    nodes.push_back({{"id", node.id},
                     {"hostname", node.hostname},
                     {"role", node.role},
                     {"availability", node.availability},
                     {"state", node.state},
                     {"addr", node.ip},
                     {"os", node.os},
                     {"arch", node.arch},
                     {"nano_cpus", node.capacity.nano_cpus},
                     {"memory_bytes", node.capacity.memory_bytes},
                     {"generic_resources", node.capacity.generic},
                     {"labels", node.labels},
                     {"engine_labels", node.engine_labels}});
  }
  root["nodes"] = std::move(nodes);
  ordered services = ordered::array();
  for (const LiveService& service : cluster.services) {
    const ServiceSpec& spec = service.spec;
    ordered item = ordered::object();
    item["name"] = service.name;
    item["mode"] = std::string(to_string(spec.mode));
    item["replicas"] = spec.replicas;
    item["constraints"] = spec.constraints;
    item["preferences"] = spec.preferences;
    item["max_replicas_per_node"] = spec.max_replicas;
    ordered platforms = ordered::array();
    for (const auto& [os, arch] : spec.platforms) {
      platforms.push_back({{"os", os}, {"arch", arch}});
    }
    item["platforms"] = std::move(platforms);
    item["reservations"] = {{"nano_cpus", spec.reservations.nano_cpus},
                            {"memory_bytes", spec.reservations.memory_bytes},
                            {"generic", spec.reservations.generic}};
    ordered ports = ordered::array();
    for (const HostPort& port : spec.host_ports) {
      ports.push_back(port_text(port));
    }
    item["host_ports"] = std::move(ports);
    ordered tasks = ordered::array();
    for (const Task& task : service.tasks) {
      ordered entry = {
          {"node", hostnames.count(task.node_id) ? hostnames[task.node_id] : task.node_id}};
      if (!task.slot.empty()) {
        entry["slot"] = std::stoi(task.slot);
      }
      tasks.push_back(std::move(entry));
    }
    item["tasks"] = std::move(tasks);
    services.push_back(std::move(item));
  }
  root["services"] = std::move(services);
  return root.dump(2) + "\n";
}

namespace {

bool same_placement(const ServiceSpec& a, const ServiceSpec& b) {
  auto key = [](const ServiceSpec& s) {
    return std::tie(s.mode, s.constraints, s.platforms, s.preferences, s.max_replicas,
                    s.reservations.nano_cpus, s.reservations.memory_bytes, s.reservations.generic);
  };
  return key(a) == key(b) && a.host_ports == b.host_ports;
}

ServiceRequest request_for(const DesiredService& service) {
  ServiceRequest out;
  out.name = service.name;
  if (auto spec = spec_from_service_json(service.spec_json)) {
    out.spec = std::move(*spec);
  }
  return out;
}

}  // namespace

std::vector<ServiceRequest> requests_from_plan(const DesiredStack& desired, const Plan& plan) {
  std::vector<ServiceRequest> out;
  for (const std::vector<PlannedObject>& wave : plan.service_waves) {
    for (const PlannedObject& planned : wave) {
      const DesiredService* service = nullptr;
      for (const DesiredService& candidate : desired.services) {
        service = candidate.name == planned.name ? &candidate : service;
      }
      if (!service) {
        continue;
      }
      ServiceRequest request = request_for(*service);
      switch (planned.action) {
        case Action::create:
          request.change = Change::create;
          break;
        case Action::update: {
          request.change = Change::scale;
          for (const FieldChange& change : planned.changes) {
            if (change.path.rfind("TaskTemplate", 0) == 0 ||
                change.path.rfind("EndpointSpec", 0) == 0) {
              request.change = Change::update;
            }
          }
          break;
        }
        default:
          request.change = Change::unchanged;
          break;
      }
      out.push_back(std::move(request));
    }
  }
  return out;
}

std::vector<ServiceRequest> requests_offline(const DesiredStack& desired, const Cluster& cluster) {
  std::vector<ServiceRequest> out;
  auto waves = dependency_waves(desired.services);
  std::vector<std::string> order;
  if (waves) {
    for (const std::vector<std::string>& wave : *waves) {
      order.insert(order.end(), wave.begin(), wave.end());
    }
  }
  for (const std::string& key : order) {
    for (const DesiredService& service : desired.services) {
      if (service.key != key) {
        continue;
      }
      ServiceRequest request = request_for(service);
      request.change = Change::create;
      for (const LiveService& live : cluster.services) {
        if (live.name == service.name) {
          request.change = !same_placement(live.spec, request.spec)      ? Change::update
                           : live.spec.replicas != request.spec.replicas ? Change::scale
                                                                         : Change::unchanged;
        }
      }
      out.push_back(std::move(request));
    }
  }
  return out;
}

}  // namespace stackc::swarm::sched
