#include "backends/swarm/registry_auth.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <vector>

#include <fmt/format.h>

#include "backends/swarm/live.h"
#include "compiler/utf8.h"

extern char** environ;

namespace stackc::swarm {

using nlohmann::json;

namespace {

constexpr std::string_view k_hub_key = "https://index.docker.io/v1/";
constexpr std::string_view k_helper_prefix = "docker-credential-";
constexpr std::string_view k_not_found = "credentials not found in native keychain";
constexpr std::string_view k_token_username = "<token>";

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// Go's encoding/json matches object keys to struct fields without regard to case.
const json* field(const json& object, std::string_view name) {
  if (auto it = object.find(std::string(name)); it != object.end()) {
    return &*it;
  }
  for (auto it = object.begin(); it != object.end(); ++it) {
    if (lower(it.key()) == lower(name)) {
      return &*it;
    }
  }
  return nullptr;
}

std::string trim(std::string_view text) {
  size_t begin = text.find_first_not_of(" \t\r\n");
  if (begin == std::string_view::npos) {
    return {};
  }
  size_t end = text.find_last_not_of(" \t\r\n");
  return std::string(text.substr(begin, end - begin + 1));
}

// Go's base64.StdEncoding: padded, a multiple of 4 once CR/LF are dropped.
bool strict_base64_decode(std::string_view text, std::string& out) {
  std::string clean;
  for (char c : text) {
    if (c != '\r' && c != '\n') {
      clean += c;
    }
  }
  return clean.size() % 4 == 0 && base64_decode(clean, out);
}

// cli/config/configfile decodeAuth: "user:password", the user not empty. The message never
// contains the value.
tl::expected<std::pair<std::string, std::string>, std::string> decode_auth(std::string_view auth) {
  std::string decoded;
  if (!strict_base64_decode(auth, decoded)) {
    return tl::unexpected(std::string("its \"auth\" is not valid base64"));
  }
  size_t colon = decoded.find(':');
  if (colon == std::string::npos || colon == 0) {
    return tl::unexpected(std::string("its \"auth\" is not base64 of user:password"));
  }
  return std::pair{decoded.substr(0, colon), decoded.substr(colon + 1)};
}

// credentials.ConvertToHostname: "https://host:port/v1/" -> "host:port".
std::string convert_to_hostname(std::string_view url) {
  std::string_view stripped = url;
  if (auto scheme = stripped.find("://"); scheme != std::string_view::npos) {
    stripped = stripped.substr(scheme + 3);
  }
  return std::string(stripped.substr(0, stripped.find('/')));
}

bool executable(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(path.c_str(), X_OK) == 0;
}

// exec.LookPath: the first executable PATH entry (an empty entry is the current directory).
std::optional<std::string> find_in_path(const std::string& program, const std::string& path_env) {
  if (program.find('/') != std::string::npos) {
    return executable(program) ? std::optional(program) : std::nullopt;
  }
  size_t start = 0;
  while (start <= path_env.size()) {
    size_t end = path_env.find(':', start);
    std::string dir = path_env.substr(start, end == std::string::npos ? end : end - start);
    std::string candidate = (dir.empty() ? std::string(".") : dir) + "/" + program;
    if (executable(candidate)) {
      return candidate;
    }
    if (end == std::string::npos) {
      break;
    }
    start = end + 1;
  }
  return std::nullopt;
}

tl::expected<std::string, std::string> string_field(const json& object, std::string_view name,
                                                    const std::string& where) {
  const json* value = field(object, name);
  if (!value || value->is_null()) {
    return std::string();
  }
  if (!value->is_string()) {
    return tl::unexpected(fmt::format("{}: \"{}\" must be a string", where, name));
  }
  return value->get<std::string>();
}

// Appends a JSON string the way Go's encoding/json writes it: HTML-safe escapes (<, >, &),
// U+2028/U+2029 escaped, invalid UTF-8 replaced by U+FFFD.
void append_go_json_string(std::string& out, std::string_view text) {
  static constexpr char k_hex[] = "0123456789abcdef";
  out += '"';
  size_t i = 0;
  while (i < text.size()) {
    auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      switch (c) {
        case '"':
          out += "\\\"";
          break;
        case '\\':
          out += "\\\\";
          break;
        case '\n':
          out += "\\n";
          break;
        case '\r':
          out += "\\r";
          break;
        case '\t':
          out += "\\t";
          break;
        case '\b':
          out += "\\b";
          break;
        case '\f':
          out += "\\f";
          break;
        default:
          if (c < 0x20 || c == '<' || c == '>' || c == '&') {
            out += "\\u00";
            out += k_hex[c >> 4];
            out += k_hex[c & 0xf];
          } else {
            out += static_cast<char>(c);
          }
      }
      ++i;
      continue;
    }
    // Go's encoding/json decodes runes as utf8.DecodeRune does; a bad byte becomes U+FFFD.
    const Rune rune = decode_rune(text, i);
    if (!rune.valid) {
      out += "\\ufffd";
      ++i;
      continue;
    }
    if (rune.code_point == 0x2028 || rune.code_point == 0x2029) {
      out += rune.code_point == 0x2028 ? "\\u2028" : "\\u2029";
    } else {
      out.append(text.substr(i, rune.length));
    }
    i += rune.length;
  }
  out += '"';
}

std::string base64url(std::string_view data) {
  std::string out = base64_encode(data);
  std::replace(out.begin(), out.end(), '+', '-');
  std::replace(out.begin(), out.end(), '/', '_');
  return out;
}

}  // namespace

std::string registry_auth_key(std::string_view image) {
  // reference.splitDockerDomain: the part before the first '/' names a registry when it has a
  // '.' or ':', is "localhost", or has upper case; anything else is a Docker Hub repository.
  size_t slash = image.find('/');
  if (slash == std::string_view::npos) {
    return std::string(k_hub_key);
  }
  std::string_view head = image.substr(0, slash);
  bool registry = head.find_first_of(".:") != std::string_view::npos || head == "localhost" ||
                  lower(head) != head;
  if (!registry || head == "docker.io" || head == "index.docker.io") {
    return std::string(k_hub_key);
  }
  return std::string(head);
}

std::string encode_auth_config(const AuthConfig& config) {
  std::string text = "{";
  auto add = [&](std::string_view name, const std::string& value) {
    if (value.empty()) {
      return;  // omitempty
    }
    if (text.size() > 1) {
      text += ',';
    }
    append_go_json_string(text, name);
    text += ':';
    append_go_json_string(text, value);
  };
  add("username", config.username);
  add("password", config.password);
  add("auth", config.auth);
  add("email", config.email);
  add("serveraddress", config.server_address);
  add("identitytoken", config.identity_token);
  add("registrytoken", config.registry_token);
  text += '}';
  return base64url(text);
}

CredentialHelperRunner process_helper_runner() {
  return [](const std::string& program,
            const std::string& input) -> tl::expected<HelperOutput, std::string> {
    // The input (a registry name) is written before the helper starts: it fits in the pipe,
    // and a helper that exits without reading cannot make us die of SIGPIPE.
    int in[2];
    int out[2];
    if (::pipe2(in, O_CLOEXEC) != 0) {
      return tl::unexpected(fmt::format("cannot run {}: {}", program, std::strerror(errno)));
    }
    if (::pipe2(out, O_CLOEXEC) != 0) {
      ::close(in[0]);
      ::close(in[1]);
      return tl::unexpected(fmt::format("cannot run {}: {}", program, std::strerror(errno)));
    }
    bool written = input.size() < 4096 && ::write(in[1], input.data(), input.size()) ==
                                               static_cast<ssize_t>(input.size());
    ::close(in[1]);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, in[0], 0);
    posix_spawn_file_actions_adddup2(&actions, out[1], 1);
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
    std::string get = "get";
    std::vector<char*> argv = {const_cast<char*>(program.c_str()), get.data(), nullptr};
    pid_t pid = 0;
    int spawned = written ? ::posix_spawn(&pid, program.c_str(), &actions, nullptr, argv.data(),
                                          environ)
                          : EIO;
    posix_spawn_file_actions_destroy(&actions);
    ::close(in[0]);
    ::close(out[1]);
    if (spawned != 0) {
      ::close(out[0]);
      return tl::unexpected(fmt::format("cannot run {}: {}", program, std::strerror(spawned)));
    }
    HelperOutput result;
    char buffer[4096];
    while (true) {
      ssize_t n = ::read(out[0], buffer, sizeof buffer);
      if (n > 0) {
        if (result.out.size() < (1u << 20)) {
          result.out.append(buffer, static_cast<size_t>(n));
        }
      } else if (n == 0 || errno != EINTR) {
        break;
      }
    }
    ::close(out[0]);
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return result;
  };
}

tl::expected<RegistryCredentials, std::string> RegistryCredentials::load(
    const GetEnv& env, CredentialHelperRunner runner) {
  std::string dir;
  if (auto config = env("DOCKER_CONFIG"); config && !config->empty()) {
    dir = *config;
  } else {
    dir = env("HOME").value_or("") + "/.docker";
  }
  std::string path = dir + "/config.json";
  std::string text;
  struct stat st;
  if (::stat(path.c_str(), &st) == 0) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream buffer;
    buffer << in.rdbuf();
    if (!in || in.bad()) {
      return tl::unexpected(fmt::format("cannot read the docker client config {}", path));
    }
    text = buffer.str();
  } else if (errno != ENOENT) {
    // Absent is fine (no credentials); anything else is worth saying.
    return tl::unexpected(
        fmt::format("cannot read the docker client config {}: {}", path, std::strerror(errno)));
  }
  return parse(text, path, env, std::move(runner));
}

tl::expected<RegistryCredentials, std::string> RegistryCredentials::parse(
    std::string_view config_json, std::string path, const GetEnv& env,
    CredentialHelperRunner runner) {
  RegistryCredentials credentials;
  credentials.m_path = std::move(path);
  credentials.m_runner = std::move(runner);
  credentials.m_path_env = env("PATH").value_or("");
  const std::string& where = credentials.m_path;
  if (trim(config_json).empty()) {
    config_json = "{}";  // absent or empty: no credentials (the CLI reads it as EOF)
  }
  json config = json::parse(config_json, nullptr, /*allow_exceptions=*/false);
  if (!config.is_object()) {
    return tl::unexpected(fmt::format("the docker client config {} is not a JSON object", where));
  }
  if (const json* auths = field(config, "auths"); auths && !auths->is_null()) {
    if (!auths->is_object()) {
      return tl::unexpected(fmt::format("{}: \"auths\" must be an object", where));
    }
    for (auto it = auths->begin(); it != auths->end(); ++it) {
      std::string entry = fmt::format("{}: auths[\"{}\"]", where, it.key());
      if (it->is_null()) {
        credentials.m_auths[it.key()] = AuthConfig{.server_address = it.key()};
        continue;
      }
      if (!it->is_object()) {
        return tl::unexpected(entry + " must be an object");
      }
      AuthConfig auth;
      for (auto [name, target] :
           {std::pair{"username", &auth.username}, {"password", &auth.password},
            {"auth", &auth.auth}, {"email", &auth.email}, {"identitytoken", &auth.identity_token},
            {"registrytoken", &auth.registry_token}}) {
        auto value = string_field(*it, name, entry);
        if (!value) {
          return tl::unexpected(value.error());
        }
        *target = std::move(*value);
      }
      if (!auth.auth.empty()) {
        auto decoded = decode_auth(auth.auth);
        if (!decoded) {
          return tl::unexpected(entry + ": " + decoded.error());
        }
        auth.username = decoded->first;
        auth.password = decoded->second;
      }
      auth.auth.clear();
      auth.server_address = it.key();
      credentials.m_auths[it.key()] = std::move(auth);
    }
  }
  auto store = string_field(config, "credsStore", where);
  if (!store) {
    return tl::unexpected(store.error());
  }
  credentials.m_creds_store = *store;
  if (const json* helpers = field(config, "credHelpers"); helpers && !helpers->is_null()) {
    if (!helpers->is_object()) {
      return tl::unexpected(fmt::format("{}: \"credHelpers\" must be an object", where));
    }
    for (auto it = helpers->begin(); it != helpers->end(); ++it) {
      if (!it->is_string()) {
        return tl::unexpected(
            fmt::format("{}: credHelpers[\"{}\"] must be a string", where, it.key()));
      }
      credentials.m_cred_helpers[it.key()] = it->get<std::string>();
    }
  }
  // LoadDefaultConfigFile: with no credentials configured at all, a platform store that is
  // installed is used (pass when `pass` is installed, else secretservice).
  if (credentials.m_creds_store.empty() && credentials.m_cred_helpers.empty() &&
      credentials.m_auths.empty()) {
    std::string platform =
        find_in_path("pass", credentials.m_path_env) ? "pass" : "secretservice";
    if (find_in_path(std::string(k_helper_prefix) + platform, credentials.m_path_env)) {
      credentials.m_creds_store = platform;
    }
  }
  return credentials;
}

AuthConfig RegistryCredentials::from_file(const std::string& key) const {
  if (auto it = m_auths.find(key); it != m_auths.end()) {
    return it->second;
  }
  // Legacy keys ("https://registry.example.com/v1/") match by host. The CLI walks a Go map
  // (random order); sorted keys at least make the choice stable.
  for (const auto& [written, auth] : m_auths) {
    if (convert_to_hostname(written) == key) {
      return auth;
    }
  }
  return {};
}

tl::expected<AuthConfig, std::string> RegistryCredentials::from_helper(const std::string& helper,
                                                                       const std::string& key,
                                                                       AuthConfig auth) const {
  std::string program = std::string(k_helper_prefix) + helper;
  auto found = find_in_path(program, m_path_env);
  if (!found) {
    return tl::unexpected(fmt::format(
        "the credential helper {} (configured in {} for {}) is not installed: it is not in PATH",
        program, m_path, key));
  }
  auto ran = m_runner(*found, key);
  if (!ran) {
    return tl::unexpected(ran.error());
  }
  if (ran->exit_code != 0) {
    std::string said = trim(ran->out);
    if (said == k_not_found) {
      // Not stored: the CLI goes on with empty credentials (keeping the file's email).
      auth.username.clear();
      auth.password.clear();
      auth.identity_token.clear();
      auth.server_address.clear();
      return auth;
    }
    if (said.size() > 200) {
      said = said.substr(0, 200) + "...";
    }
    return tl::unexpected(fmt::format("the credential helper {} failed for {} (exit status {}){}{}",
                                      program, key, ran->exit_code, said.empty() ? "" : ": ",
                                      said));
  }
  json answer = json::parse(ran->out, nullptr, /*allow_exceptions=*/false);
  auto username = answer.is_object() ? string_field(answer, "Username", program)
                                     : tl::unexpected(std::string());
  auto secret = answer.is_object() ? string_field(answer, "Secret", program)
                                   : tl::unexpected(std::string());
  if (!username || !secret) {
    // Never echo the answer: it may hold the secret.
    return tl::unexpected(fmt::format(
        "the credential helper {} answered something else than its JSON for {}", program, key));
  }
  auth.username.clear();
  auth.password.clear();
  auth.identity_token.clear();
  if (*username == k_token_username) {
    auth.identity_token = *secret;
  } else {
    auth.username = *username;
    auth.password = *secret;
  }
  auth.server_address = key;
  return auth;
}

tl::expected<AuthConfig, std::string> RegistryCredentials::lookup(const std::string& key) const {
  std::string helper = m_creds_store;
  if (auto it = m_cred_helpers.find(key); !key.empty() && it != m_cred_helpers.end()) {
    helper = it->second;
  }
  AuthConfig file = from_file(key);
  if (helper.empty()) {
    return file;
  }
  return from_helper(helper, key, std::move(file));
}

tl::expected<std::string, std::string> RegistryCredentials::header_for_image(
    std::string_view image) {
  std::string key = registry_auth_key(image);
  if (auto it = m_headers.find(key); it != m_headers.end()) {
    return it->second;
  }
  auto auth = lookup(key);
  if (!auth) {
    return tl::unexpected(auth.error());
  }
  std::string header = encode_auth_config(*auth);
  m_headers[key] = header;
  return header;
}

}  // namespace stackc::swarm
