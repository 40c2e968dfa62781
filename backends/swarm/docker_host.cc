#include "backends/swarm/docker_host.h"

#include <fmt/format.h>

#include <charconv>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "backends/swarm/sha256.h"

namespace stackc::swarm {

namespace {

constexpr const char* k_default_socket = "/var/run/docker.sock";
constexpr int k_default_tcp_port = 2375;
constexpr int k_default_tls_port = 2376;

bool is_set(const std::optional<std::string>& value) { return value && !value->empty(); }

bool file_exists(const std::string& path) {
  std::error_code ec;
  return std::filesystem::is_regular_file(path, ec);
}

tl::expected<std::string, std::string> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return tl::unexpected(fmt::format("cannot open {}", path));
  }
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) {
    return tl::unexpected(fmt::format("cannot read {}", path));
  }
  return text.str();
}

tl::expected<DockerHost, std::string> parse_tcp(const std::string& original, std::string rest,
                                                bool tls) {
  DockerHost host;
  host.kind = DockerHost::Kind::tcp;
  if (auto slash = rest.find('/'); slash != std::string::npos) {
    host.base_path = rest.substr(slash);
    rest.resize(slash);
    while (!host.base_path.empty() && host.base_path.back() == '/') {
      host.base_path.pop_back();
    }
  }
  std::string port_text;
  if (!rest.empty() && rest.front() == '[') {
    auto close = rest.find(']');
    if (close == std::string::npos) {
      return tl::unexpected(
          fmt::format("invalid host \"{}\": missing ']' in IPv6 address", original));
    }
    host.host = rest.substr(1, close - 1);
    std::string after = rest.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') {
        return tl::unexpected(
            fmt::format("invalid host \"{}\": expected ':port' after ']'", original));
      }
      port_text = after.substr(1);
    }
  } else if (auto colon = rest.rfind(':'); colon != std::string::npos) {
    if (rest.find(':') != colon) {
      return tl::unexpected(fmt::format(
          "invalid host \"{}\": write IPv6 addresses in brackets, tcp://[::1]:2375", original));
    }
    host.host = rest.substr(0, colon);
    port_text = rest.substr(colon + 1);
  } else {
    host.host = rest;
  }
  if (host.host.empty()) {
    host.host = "localhost";  // what the CLI assumes for "tcp://:2375"
  }
  host.port = tls ? k_default_tls_port : k_default_tcp_port;
  if (!port_text.empty()) {
    int port = 0;
    auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
    if (ec != std::errc() || end != port_text.data() + port_text.size() || port < 1 ||
        port > 65535) {
      return tl::unexpected(fmt::format(
          "invalid host \"{}\": port \"{}\" is not a number from 1 to 65535", original, port_text));
    }
    host.port = port;
  }
  return host;
}

// TLS settings of the default context, from the environment as the CLI reads them.
tl::expected<std::optional<TlsFiles>, std::string> env_tls(const GetEnv& env,
                                                           const std::string& config_dir) {
  bool verify = is_set(env("DOCKER_TLS_VERIFY"));
  bool tls = verify || is_set(env("DOCKER_TLS"));
  if (!tls) {
    return std::nullopt;
  }
  auto cert_path_env = env("DOCKER_CERT_PATH");
  std::string dir = is_set(cert_path_env) ? *cert_path_env : config_dir;
  TlsFiles files;
  files.verify = verify;
  std::string ca = dir + "/ca.pem";
  if (verify) {
    // The CLI insists on ca.pem when verifying; a missing file is a configuration error.
    if (!file_exists(ca)) {
      return tl::unexpected(
          fmt::format("DOCKER_TLS_VERIFY is set but the CA certificate {} does not exist (set "
                      "DOCKER_CERT_PATH to the directory holding ca.pem, cert.pem and key.pem)",
                      ca));
    }
    files.ca_file = ca;
  }
  if (file_exists(dir + "/cert.pem")) {
    files.cert_file = dir + "/cert.pem";
  }
  if (file_exists(dir + "/key.pem")) {
    files.key_file = dir + "/key.pem";
  }
  return files;
}

tl::expected<DockerHost, std::string> default_context(const std::optional<std::string>& value,
                                                      std::string origin, const GetEnv& env,
                                                      const std::string& config_dir) {
  auto tls = env_tls(env, config_dir);
  if (!tls) {
    return tl::unexpected(tls.error());
  }
  auto host = parse_docker_host(value.value_or(""), tls->has_value());
  if (!host) {
    return tl::unexpected(fmt::format("{} (from {})", host.error(), origin));
  }
  host->origin = value ? std::move(origin) : "default";
  if (host->kind == DockerHost::Kind::tcp) {
    host->tls = std::move(*tls);
  }
  return host;
}

tl::expected<DockerHost, std::string> named_context(const std::string& name,
                                                    const std::string& chosen_by,
                                                    const std::string& config_dir) {
  std::string id = sha256_hex(name);
  std::string meta_path = fmt::format("{}/contexts/meta/{}/meta.json", config_dir, id);
  if (!file_exists(meta_path)) {
    return tl::unexpected(fmt::format("context \"{}\" (chosen by {}) not found: {} does not exist",
                                      name, chosen_by, meta_path));
  }
  auto text = read_file(meta_path);
  if (!text) {
    return tl::unexpected(fmt::format("context \"{}\": {}", name, text.error()));
  }
  auto meta = nlohmann::json::parse(*text, nullptr, /*allow_exceptions=*/false);
  if (meta.is_discarded() || !meta.is_object()) {
    return tl::unexpected(fmt::format("context \"{}\": {} is not valid JSON", name, meta_path));
  }
  const nlohmann::json* endpoint = nullptr;
  if (auto eps = meta.find("Endpoints"); eps != meta.end() && eps->is_object()) {
    if (auto docker = eps->find("docker"); docker != eps->end() && docker->is_object()) {
      endpoint = &*docker;
    }
  }
  if (!endpoint || !endpoint->contains("Host") || !(*endpoint)["Host"].is_string()) {
    return tl::unexpected(fmt::format(
        "context \"{}\" has no docker endpoint (Endpoints.docker.Host in {})", name, meta_path));
  }
  bool skip_verify = false;
  if (auto skip = endpoint->find("SkipTLSVerify"); skip != endpoint->end() && skip->is_boolean()) {
    skip_verify = skip->get<bool>();
  }
  std::string tls_dir = fmt::format("{}/contexts/tls/{}/docker", config_dir, id);
  TlsFiles files;
  files.verify = !skip_verify;
  bool have_material = false;
  for (auto [file, member] :
       {std::pair{"ca.pem", &TlsFiles::ca_file}, std::pair{"cert.pem", &TlsFiles::cert_file},
        std::pair{"key.pem", &TlsFiles::key_file}}) {
    std::string path = tls_dir + "/" + file;
    if (file_exists(path)) {
      files.*member = path;
      have_material = true;
    }
  }
  // Like the CLI: TLS is on when the context stores TLS material or asks to skip verification.
  bool tls = have_material || skip_verify;
  const std::string& value = (*endpoint)["Host"].get_ref<const std::string&>();
  auto host = parse_docker_host(value, tls);
  if (!host) {
    return tl::unexpected(fmt::format("context \"{}\": {}", name, host.error()));
  }
  host->origin = fmt::format("context \"{}\"", name);
  if (host->kind == DockerHost::Kind::tcp && tls) {
    host->tls = std::move(files);
  }
  return host;
}

}  // namespace

std::string DockerHost::url() const {
  if (kind == Kind::unix_socket) {
    return "unix://" + socket_path;
  }
  bool ipv6 = host.find(':') != std::string::npos;
  return fmt::format("tcp://{}{}{}:{}{}", ipv6 ? "[" : "", host, ipv6 ? "]" : "", port, base_path);
}

GetEnv process_env() {
  return [](const std::string& name) -> std::optional<std::string> {
    const char* value = std::getenv(name.c_str());
    if (!value) {
      return std::nullopt;
    }
    return std::string(value);
  };
}

tl::expected<DockerHost, std::string> parse_docker_host(const std::string& value, bool tls) {
  std::string trimmed = value;
  while (!trimmed.empty() && (trimmed.back() == ' ' || trimmed.back() == '\t')) {
    trimmed.pop_back();
  }
  if (trimmed.empty()) {
    return DockerHost{};
  }
  auto sep = trimmed.find("://");
  std::string scheme = sep == std::string::npos ? "tcp" : trimmed.substr(0, sep);
  std::string rest = sep == std::string::npos ? trimmed : trimmed.substr(sep + 3);
  if (scheme == "unix") {
    DockerHost host;
    host.socket_path = rest.empty() ? k_default_socket : rest;
    return host;
  }
  if (scheme == "tcp") {
    return parse_tcp(value, rest, tls);
  }
  if (scheme == "ssh") {
    return tl::unexpected(fmt::format(
        "ssh:// endpoints (\"{}\") are not supported by stackc; forward the socket instead, e.g. "
        "ssh -nNT -L /tmp/docker.sock:/var/run/docker.sock HOST and "
        "DOCKER_HOST=unix:///tmp/docker.sock",
        value));
  }
  return tl::unexpected(fmt::format(
      "invalid host \"{}\": expected unix:///path/to/socket or tcp://host:port", value));
}

tl::expected<DockerHost, std::string> resolve_docker_host(const HostOptions& options,
                                                          const GetEnv& env) {
  if (options.host && options.context) {
    return tl::unexpected(
        std::string("conflicting options: cannot specify both --host and --context"));
  }
  std::string config_dir;
  if (auto dir = env("DOCKER_CONFIG"); is_set(dir)) {
    config_dir = *dir;
  } else if (auto home = env("HOME"); is_set(home)) {
    config_dir = *home + "/.docker";
  }

  auto named_or_default =
      [&](const std::string& name,
          const std::string& chosen_by) -> tl::expected<DockerHost, std::string> {
    if (name == "default") {
      return default_context(std::nullopt, "default", env, config_dir);
    }
    if (config_dir.empty()) {
      return tl::unexpected(fmt::format(
          "context \"{}\" (chosen by {}): neither DOCKER_CONFIG nor HOME is set", name, chosen_by));
    }
    return named_context(name, chosen_by, config_dir);
  };

  if (options.context) {
    return named_or_default(*options.context, "--context");
  }
  if (options.host) {
    return default_context(options.host, "-H flag", env, config_dir);
  }
  if (auto docker_host = env("DOCKER_HOST"); is_set(docker_host)) {
    return default_context(docker_host, "DOCKER_HOST", env, config_dir);
  }
  if (auto name = env("DOCKER_CONTEXT"); is_set(name)) {
    return named_or_default(*name, "DOCKER_CONTEXT");
  }
  if (!config_dir.empty()) {
    std::string config_path = config_dir + "/config.json";
    if (file_exists(config_path)) {
      auto text = read_file(config_path);
      if (!text) {
        return tl::unexpected(text.error());
      }
      auto config = nlohmann::json::parse(*text, nullptr, /*allow_exceptions=*/false);
      if (config.is_discarded() || !config.is_object()) {
        return tl::unexpected(fmt::format("{} is not valid JSON", config_path));
      }
      if (auto current = config.find("currentContext");
          current != config.end() && current->is_string() && !current->get<std::string>().empty()) {
        return named_or_default(current->get<std::string>(),
                                fmt::format("\"currentContext\" in {}", config_path));
      }
    }
  }
  return default_context(std::nullopt, "default", env, config_dir);
}

}  // namespace stackc::swarm
