#include "backends/swarm/live.h"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <set>

#include "backends/swarm/sha256.h"

namespace stackc::swarm {

using nlohmann::json;

namespace {

std::string string_at(const json& object, std::string_view key) {
  if (!object.is_object()) {
    return {};
  }
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::map<std::string, std::string> string_map(const json& object, std::string_view key) {
  std::map<std::string, std::string> out;
  if (!object.is_object()) {
    return out;
  }
  auto it = object.find(key);
  if (it == object.end() || !it->is_object()) {
    return out;
  }
  for (const auto& [k, v] : it->items()) {
    if (v.is_string()) {
      out[k] = v.get<std::string>();
    }
  }
  return out;
}

}  // namespace

bool base64_decode(std::string_view text, std::string& out) {
  out.clear();
  unsigned buffer = 0;
  int bits = 0;
  size_t padding = 0;
  for (char c : text) {
    int value;
    if (c >= 'A' && c <= 'Z') {
      value = c - 'A';
    } else if (c >= 'a' && c <= 'z') {
      value = c - 'a' + 26;
    } else if (c >= '0' && c <= '9') {
      value = c - '0' + 52;
    } else if (c == '+') {
      value = 62;
    } else if (c == '/') {
      value = 63;
    } else if (c == '=') {
      ++padding;
      continue;
    } else {
      return false;
    }
    if (padding > 0) {
      return false;  // data after padding
    }
    buffer = (buffer << 6) | static_cast<unsigned>(value);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((buffer >> bits) & 0xff);
    }
  }
  return padding <= 2;
}

std::string base64_encode(std::string_view data) {
  static constexpr char k_alphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  size_t i = 0;
  for (; i + 3 <= data.size(); i += 3) {
    unsigned n = (static_cast<unsigned char>(data[i]) << 16) |
                 (static_cast<unsigned char>(data[i + 1]) << 8) |
                 static_cast<unsigned char>(data[i + 2]);
    out += k_alphabet[(n >> 18) & 63];
    out += k_alphabet[(n >> 12) & 63];
    out += k_alphabet[(n >> 6) & 63];
    out += k_alphabet[n & 63];
  }
  if (size_t rest = data.size() - i; rest > 0) {
    unsigned n = static_cast<unsigned char>(data[i]) << 16;
    if (rest == 2) {
      n |= static_cast<unsigned char>(data[i + 1]) << 8;
    }
    out += k_alphabet[(n >> 18) & 63];
    out += k_alphabet[(n >> 12) & 63];
    out += rest == 2 ? k_alphabet[(n >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

LiveObject live_object_from(const json& object) {
  LiveObject out;
  out.id = string_at(object, "ID");
  if (!object.is_object()) {
    return out;
  }
  if (auto version = object.find("Version"); version != object.end() && version->is_object()) {
    if (auto index = version->find("Index"); index != version->end() && index->is_number()) {
      out.version = index->get<std::uint64_t>();
    }
  }
  if (auto spec = object.find("Spec"); spec != object.end() && spec->is_object()) {
    out.name = string_at(*spec, "Name");
    out.labels = string_map(*spec, "Labels");
    out.spec_json = spec->dump();
    std::string data;
    if (auto it = spec->find("Data"); it != spec->end() && it->is_string() &&
                                      base64_decode(it->get_ref<const std::string&>(), data)) {
      out.content_sha256 = sha256_hex(data);
    }
  }
  if (auto status = object.find("UpdateStatus"); status != object.end() && status->is_object()) {
    out.update_state = string_at(*status, "State");
  }
  if (out.content_sha256.empty()) {
    if (auto it = out.labels.find(std::string(k_content_hash_label)); it != out.labels.end()) {
      out.content_sha256 = it->second;
    }
  }
  return out;
}

bool LiveStack::owns(const std::map<std::string, std::string>& labels) const {
  auto it = labels.find(std::string(k_namespace_label));
  return it != labels.end() && it->second == stack;
}

const LiveObject* LiveStack::service(std::string_view name) const {
  for (const LiveObject& object : services) {
    if (object.name == name) {
      return &object;
    }
  }
  return nullptr;
}

const LiveNetwork* LiveStack::network(std::string_view name_or_id) const {
  for (const LiveNetwork& network : networks) {
    if (network.name == name_or_id) {
      return &network;
    }
  }
  for (const LiveNetwork& network : networks) {
    if (network.id == name_or_id) {
      return &network;
    }
  }
  return nullptr;
}

EngineResult<LiveStack> read_live_stack(Engine& engine, std::string_view stack) {
  LiveStack live;
  live.stack = std::string(stack);
  live.api_version = engine.api_version().value_or(std::string());

  // Every service, not only the stack's: the others' published ports are checked in preflight.
  auto services = engine.list_services();
  if (!services) {
    return tl::unexpected(services.error());
  }
  for (const json& item : *services) {
    LiveObject object = live_object_from(item);
    if (live.owns(object.labels)) {
      live.services.push_back(std::move(object));
      continue;
    }
    const json* ports = nullptr;
    if (auto spec = item.find("Spec"); spec != item.end() && spec->is_object()) {
      if (auto endpoint = spec->find("EndpointSpec");
          endpoint != spec->end() && endpoint->is_object()) {
        if (auto it = endpoint->find("Ports"); it != endpoint->end() && it->is_array()) {
          ports = &*it;
        }
      }
    }
    if (ports) {
      for (const json& port : *ports) {
        auto published = port.find("PublishedPort");
        if (published == port.end() || !published->is_number() ||
            published->get<std::uint64_t>() == 0) {
          continue;
        }
        std::string protocol = string_at(port, "Protocol");
        live.foreign_ports.push_back(
            {published->get<std::uint64_t>(), protocol.empty() ? "tcp" : protocol, object.name});
      }
    }
  }
  std::sort(live.services.begin(), live.services.end(),
            [](const LiveObject& a, const LiveObject& b) { return a.name < b.name; });

  auto networks = engine.list_networks();
  if (!networks) {
    return tl::unexpected(networks.error());
  }
  for (const json& item : *networks) {
    LiveNetwork network;
    network.id = string_at(item, "Id");
    network.name = string_at(item, "Name");
    network.scope = string_at(item, "Scope");
    network.driver = string_at(item, "Driver");
    if (auto it = item.find("Internal"); it != item.end() && it->is_boolean()) {
      network.internal = it->get<bool>();
    }
    if (auto it = item.find("Attachable"); it != item.end() && it->is_boolean()) {
      network.attachable = it->get<bool>();
    }
    network.labels = string_map(item, "Labels");
    network.options = string_map(item, "Options");
    live.networks.push_back(std::move(network));
  }

  // Swarm's predefined networks (host) are not in the engine's list but services attach to
  // them by ID: look those up one by one.
  std::set<std::string> unknown;
  for (const LiveObject& service : live.services) {
    json spec = json::parse(service.spec_json, nullptr, false);
    const json* attachments = nullptr;
    if (spec.is_object() && spec.contains("TaskTemplate") && spec["TaskTemplate"].is_object()) {
      if (auto it = spec["TaskTemplate"].find("Networks");
          it != spec["TaskTemplate"].end() && it->is_array()) {
        attachments = &*it;
      }
    }
    if (!attachments) {
      continue;
    }
    for (const json& attachment : *attachments) {
      std::string target = string_at(attachment, "Target");
      if (!target.empty() && !live.network(target)) {
        unknown.insert(target);
      }
    }
  }
  for (const std::string& id : unknown) {
    auto inspected = engine.inspect_network(id);
    if (!inspected) {
      if (inspected.error().kind == EngineErrorKind::not_found) {
        continue;
      }
      return tl::unexpected(inspected.error());
    }
    LiveNetwork network;
    network.id = string_at(*inspected, "Id");
    network.name = string_at(*inspected, "Name");
    network.scope = string_at(*inspected, "Scope");
    network.driver = string_at(*inspected, "Driver");
    network.labels = string_map(*inspected, "Labels");
    live.networks.push_back(std::move(network));
  }

  auto secrets = engine.list_secrets();
  if (!secrets) {
    return tl::unexpected(secrets.error());
  }
  for (const json& item : *secrets) {
    live.secrets.push_back(live_object_from(item));
  }
  auto configs = engine.list_configs();
  if (!configs) {
    return tl::unexpected(configs.error());
  }
  for (const json& item : *configs) {
    live.configs.push_back(live_object_from(item));
  }
  auto by_name = [](const LiveObject& a, const LiveObject& b) { return a.name < b.name; };
  std::sort(live.secrets.begin(), live.secrets.end(), by_name);
  std::sort(live.configs.begin(), live.configs.end(), by_name);
  return live;
}

}  // namespace stackc::swarm
