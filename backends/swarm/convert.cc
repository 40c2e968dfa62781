// The stack-level part of convert (docker CLI 28.2.2, cli/compose/convert/compose.go and
// cli/command/stack/swarm/deploy_composefile.go): networks, secrets, configs, and the loop over
// services. Service specs are in convert_service.cc, mounts in convert_volume.cc.

#include "backends/swarm/convert.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <map>
#include <regex>
#include <set>

#include <fmt/format.h>

#include "backends/swarm/convert_internal.h"
#include "backends/swarm/sha256.h"
#include "compiler/source.h"

namespace stackc::swarm {
namespace detail {

namespace {

// distribution/reference grammar, enough to tell a reference the client can normalize from one
// it leaves alone.
const std::regex& path_component() {
  static const std::regex k_re("[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*");
  return k_re;
}
const std::regex& tag_re() {
  static const std::regex k_re("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}");
  return k_re;
}
const std::regex& domain_re() {
  static const std::regex k_re(
      "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])"
      "(?:\\.(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]))*(?::[0-9]+)?");
  return k_re;
}

}  // namespace

std::string tagged_image(std::string_view image) {
  const std::string original(image);
  // Far beyond any valid reference (name <= 255, tag <= 128); also keeps std::regex, which
  // recurses per character, away from huge input.
  if (original.size() > 1024 || original.find('@') != std::string::npos) {
    return original;  // canonical (or invalid): sent as written
  }
  std::string name = original;
  std::string tag;
  size_t colon = name.rfind(':');
  size_t slash = name.rfind('/');
  if (colon != std::string::npos && (slash == std::string::npos || colon > slash)) {
    tag = name.substr(colon + 1);
    name = name.substr(0, colon);
    if (!std::regex_match(tag, tag_re())) {
      return original;
    }
  }
  // splitDockerDomain: the first component is a registry when it looks like a host.
  std::string domain;
  std::string remainder = name;
  size_t first = name.find('/');
  if (first != std::string::npos) {
    std::string head = name.substr(0, first);
    bool lower =
        std::none_of(head.begin(), head.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
    if (head.find('.') != std::string::npos || head.find(':') != std::string::npos ||
        head == "localhost" || !lower) {
      domain = head;
      remainder = name.substr(first + 1);
    }
  }
  if (!domain.empty() && !std::regex_match(domain, domain_re())) {
    return original;
  }
  if (remainder.empty() || name.size() > 255) {
    return original;
  }
  size_t start = 0;
  while (true) {
    size_t end = remainder.find('/', start);
    std::string component = remainder.substr(start, end == std::string::npos ? end : end - start);
    if (!std::regex_match(component, path_component())) {
      return original;  // includes upper case: "repository name must be lowercase"
    }
    if (end == std::string::npos) {
      break;
    }
    start = end + 1;
  }
  // FamiliarString: docker.io and library/ are implied.
  if (domain == "docker.io" || domain == "index.docker.io") {
    domain.clear();
  }
  if (domain.empty() && remainder.rfind("library/", 0) == 0 &&
      remainder.find('/', 8) == std::string::npos) {
    remainder = remainder.substr(8);
  }
  std::string out = domain.empty() ? remainder : domain + "/" + remainder;
  return out + ":" + (tag.empty() ? std::string("latest") : tag);
}

Json stack_labels(const Context& ctx, const ir::StrMap& labels) {
  std::map<std::string, std::string> merged;
  for (const auto& [key, value] : labels) {
    merged[key] = value.value.value_or("");
  }
  merged["com.docker.stack.namespace"] = ctx.ns;
  Json out = Json::object();
  for (const auto& [key, value] : merged) {
    out[key] = value;
  }
  return out;
}

std::string base64(std::string_view data) {
  static constexpr char k_alphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((data.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 2 < data.size(); i += 3) {
    uint32_t n = (static_cast<uint8_t>(data[i]) << 16) | (static_cast<uint8_t>(data[i + 1]) << 8) |
                 static_cast<uint8_t>(data[i + 2]);
    out += k_alphabet[(n >> 18) & 63];
    out += k_alphabet[(n >> 12) & 63];
    out += k_alphabet[(n >> 6) & 63];
    out += k_alphabet[n & 63];
  }
  if (i + 1 == data.size()) {
    uint32_t n = static_cast<uint8_t>(data[i]) << 16;
    out += k_alphabet[(n >> 18) & 63];
    out += k_alphabet[(n >> 12) & 63];
    out += "==";
  } else if (i + 2 == data.size()) {
    uint32_t n = (static_cast<uint8_t>(data[i]) << 16) | (static_cast<uint8_t>(data[i + 1]) << 8);
    out += k_alphabet[(n >> 18) & 63];
    out += k_alphabet[(n >> 12) & 63];
    out += k_alphabet[(n >> 6) & 63];
    out += '=';
  }
  return out;
}

namespace {

bool is_external(const ir::External& external) { return external.external && *external.external; }

std::string string_of(const ir::Str& field) { return field ? *field : std::string(); }

// The networks some service uses ("default" for a service that lists none); declared but
// unused networks are never created (getServicesDeclaredNetworks).
std::set<std::string> used_networks(const ir::Stack& stack) {
  std::set<std::string> used;
  for (const ir::Service& service : stack.services) {
    if (service.networks.empty()) {
      used.insert("default");
    }
    for (const auto& [key, config] : service.networks) {
      used.insert(key);
    }
  }
  return used;
}

std::vector<DesiredNetwork> convert_networks(const Context& ctx) {
  std::vector<DesiredNetwork> out;
  for (const std::string& key : used_networks(ctx.stack)) {
    auto found = ctx.stack.networks.find(key);
    if (found == ctx.stack.networks.end() && key != "default") {
      continue;  // reported as "undefined network" by the service that names it
    }
    static const ir::Network k_implicit;
    const ir::Network& network = found != ctx.stack.networks.end() ? found->second : k_implicit;
    DesiredNetwork desired;
    desired.key = key;
    if (is_external(network.external)) {
      desired.external = true;
      desired.name = network.name ? *network.name : key;
      out.push_back(std::move(desired));
      continue;
    }
    desired.name = network.name && !network.name->empty() ? *network.name : ctx.scope(key);
    Json spec = Json::object();
    spec["Name"] = desired.name;
    // createNetworks fills the one client-side default.
    spec["Driver"] = network.driver && !network.driver->empty() ? *network.driver : "overlay";
    if (network.internal && *network.internal) {
      spec["Internal"] = true;
    }
    if (network.attachable && *network.attachable) {
      spec["Attachable"] = true;
    }
    if ((network.ipam_driver && !network.ipam_driver->empty()) || !network.ipam_config.empty()) {
      Json ipam = Json::object();
      if (network.ipam_driver && !network.ipam_driver->empty()) {
        ipam["Driver"] = *network.ipam_driver;
      }
      if (!network.ipam_config.empty()) {
        Json config = Json::array();
        for (const ir::IpamPool& pool : network.ipam_config) {
          Json entry = Json::object();
          if (pool.subnet && !pool.subnet->empty()) {
            entry["Subnet"] = *pool.subnet;
          }
          config.push_back(std::move(entry));
        }
        ipam["Config"] = std::move(config);
      }
      spec["IPAM"] = std::move(ipam);
    }
    if (!network.driver_opts.empty()) {
      Json options = Json::object();
      for (const auto& [opt, value] : network.driver_opts) {
        options[opt] = value.value.value_or("");
      }
      spec["Options"] = std::move(options);
    }
    spec["Labels"] = stack_labels(ctx, network.labels);
    desired.spec_json = spec.dump(-1, ' ', false, Json::error_handler_t::replace);
    out.push_back(std::move(desired));
  }
  std::sort(out.begin(), out.end(),
            [](const DesiredNetwork& a, const DesiredNetwork& b) { return a.name < b.name; });
  return out;
}

// Reads a secret/config file as the client does (os.ReadFile), with the source size limit so
// that a wrong path (a device, a huge log) cannot exhaust memory; the engine's own limits
// (500 KB secrets, 1000 KB configs) are far below it.
tl::expected<std::string, std::string> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return tl::unexpected(fmt::format("open {}: {}", path, std::strerror(errno)));
  }
  std::string data;
  char buffer[65536];
  while (in.read(buffer, sizeof buffer) || in.gcount() > 0) {
    data.append(buffer, static_cast<size_t>(in.gcount()));
    if (data.size() > k_max_source_size) {
      return tl::unexpected(fmt::format("read {}: larger than {} bytes", path, k_max_source_size));
    }
  }
  if (in.bad()) {
    return tl::unexpected(fmt::format("read {}: {}", path, std::strerror(errno)));
  }
  return data;
}

// Every non-external top-level secret or config is created, used or not (compose.go Secrets /
// Configs); external ones are listed for apply to check.
std::vector<DesiredFileObject> convert_file_objects(
    const Context& ctx, const std::map<std::string, ir::FileObject>& objects,
    std::string_view kind) {
  std::vector<DesiredFileObject> out;
  for (const auto& [key, object] : objects) {
    DesiredFileObject desired;
    desired.key = key;
    if (is_external(object.external)) {
      desired.external = true;
      desired.name = object.name ? *object.name : key;
      out.push_back(std::move(desired));
      continue;
    }
    desired.name = object.name && !object.name->empty() ? *object.name : ctx.scope(key);
    Json spec = Json::object();
    spec["Name"] = desired.name;
    spec["Labels"] = stack_labels(ctx, object.labels);
    bool driver = kind == "secret" && object.driver && !object.driver->empty();
    if (driver) {
      // A driver-backed secret carries no data (driverObjectConfig); sha256 of "".
      Json d = Json::object();
      d["Name"] = *object.driver;
      if (!object.driver_opts.empty()) {
        Json options = Json::object();
        for (const auto& [opt, value] : object.driver_opts) {
          options[opt] = value.value.value_or("");
        }
        d["Options"] = std::move(options);
      }
      spec["Driver"] = std::move(d);
      desired.data_sha256 = sha256_hex("");
    } else {
      const std::string path = string_of(object.file);
      auto data = read_file(path);
      if (!data) {
        ctx.diags.error(k_code_file, object.file ? object.file.loc : object.loc,
                        fmt::format("{} \"{}\": {}", kind, key, data.error()));
        continue;
      }
      if (!data->empty()) {
        spec["Data"] = base64(*data);
      }
      desired.data_sha256 = sha256_hex(*data);
      desired.data_size = data->size();
    }
    if (object.template_driver && !object.template_driver->empty()) {
      spec["Templating"] = Json::object({{"Name", *object.template_driver}});
    }
    desired.spec_json = spec.dump(-1, ' ', false, Json::error_handler_t::replace);
    desired.origin = object.file ? origin_at(object.file.loc, fmt::format("{}s.{}.file", kind, key))
                                 : origin_at(object.loc, fmt::format("{}s.{}", kind, key));
    desired.origins = file_object_origins(object, kind);
    out.push_back(std::move(desired));
  }
  std::sort(out.begin(), out.end(),
            [](const DesiredFileObject& a, const DesiredFileObject& b) { return a.name < b.name; });
  return out;
}

}  // namespace
}  // namespace detail

tl::expected<DesiredStack, std::string> convert_stack(const ir::Stack& stack,
                                                      const ConvertOptions& options,
                                                      Diagnostics& diags) {
  const size_t errors_before = diags.error_count();
  detail::Context ctx{stack, options.stack, diags};
  DesiredStack out;
  out.stack = options.stack;
  out.networks = detail::convert_networks(ctx);
  out.secrets = detail::convert_file_objects(ctx, stack.secrets, "secret");
  out.configs = detail::convert_file_objects(ctx, stack.configs, "config");
  for (const ir::Service& service : stack.services) {
    DesiredService desired;
    desired.key = service.name;
    desired.name = ctx.scope(service.name);
    desired.depends_on = service.depends_on.values;
    desired.image = service.image ? *service.image : std::string();
    desired.spec_json = detail::convert_service(ctx, service)
                            .dump(-1, ' ', false, detail::Json::error_handler_t::replace);
    desired.origin = detail::origin_at(service.loc, "services." + service.name);
    desired.origins = detail::service_origins(ctx, service);
    out.services.push_back(std::move(desired));
  }
  std::sort(out.services.begin(), out.services.end(),
            [](const DesiredService& a, const DesiredService& b) { return a.name < b.name; });
  size_t errors = diags.error_count() - errors_before;
  if (errors > 0) {
    return tl::unexpected(fmt::format("{} error{} converting stack {}", errors,
                                      errors == 1 ? "" : "s", options.stack));
  }
  return out;
}

}  // namespace stackc::swarm
