#include "backends/swarm/engine.h"
#include "backends/swarm/plan.h"

#include <fmt/format.h>

#include <charconv>
#include <nlohmann/json.hpp>
#include <utility>

namespace stackc::swarm {

using nlohmann::json;

namespace {

using Query = std::vector<std::pair<std::string, std::string>>;

struct ApiVersion {
  int major = 0;
  int minor = 0;
  auto operator<=>(const ApiVersion&) const = default;
};

std::optional<ApiVersion> parse_api_version(std::string_view text) {
  auto dot = text.find('.');
  if (dot == std::string_view::npos) {
    return std::nullopt;
  }
  ApiVersion version;
  auto parse = [](std::string_view part, int& out) {
    auto [end, ec] = std::from_chars(part.data(), part.data() + part.size(), out);
    return !part.empty() && ec == std::errc() && end == part.data() + part.size();
  };
  if (!parse(text.substr(0, dot), version.major) || !parse(text.substr(dot + 1), version.minor)) {
    return std::nullopt;
  }
  return version;
}

std::string encode_filters(const Filters& filters) {
  json object = json::object();
  for (const auto& [key, values] : filters) {
    object[key] = values;
  }
  return object.dump();
}

// The engine's error text: {"message": "..."} normally, plain text from proxies and old engines.
std::string engine_message(const HttpResponse& response) {
  auto body = json::parse(response.body, nullptr, /*allow_exceptions=*/false);
  if (body.is_object()) {
    if (auto message = body.find("message"); message != body.end() && message->is_string()) {
      return message->get<std::string>();
    }
  }
  std::string text = response.body;
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ')) {
    text.pop_back();
  }
  if (text.size() > 512) {
    text = text.substr(0, 512) + "...";
  }
  if (text.empty()) {
    text = fmt::format("HTTP status {} with no message", response.status);
  }
  return text;
}

EngineErrorKind kind_for(int status, std::string_view message) {
  // swarmkit reports a stale Version.Index as a gRPC "Unknown" error, which the engine turns
  // into HTTP 500 (20.10) or 400/409 (newer): recognise it by its text.
  if (message.find("update out of sequence") != std::string_view::npos) {
    return EngineErrorKind::out_of_sequence;
  }
  switch (status) {
    case 400:
      return EngineErrorKind::bad_request;
    case 404:
      return EngineErrorKind::not_found;
    case 409:
      return EngineErrorKind::conflict;
    case 503:
      return EngineErrorKind::unavailable;
    default:
      return EngineErrorKind::server;
  }
}

std::vector<std::string> string_list(const json& value) {
  std::vector<std::string> out;
  if (value.is_array()) {
    for (const auto& item : value) {
      if (item.is_string()) {
        out.push_back(item.get<std::string>());
      }
    }
  } else if (value.is_string() && !value.get_ref<const std::string&>().empty()) {
    out.push_back(value.get<std::string>());  // networks/create has a single "Warning"
  }
  return out;
}

std::string path_segment(std::string_view id) { return url_encode(id); }

}  // namespace

struct Engine::Call {
  std::string method = "GET";
  std::string path;  // without the version prefix: "/services"
  Query query = {};
  const json* body = nullptr;
  std::vector<Header> headers = {};
  bool versioned = true;
};

namespace {

// An engine (or a proxy in front of it) may quote the request in its error message. What the
// request carried that must never be shown is taken out again: a secret's or config's Data,
// the values of credential-like environment variables (the policy diff and compile use), and
// the X-Registry-Auth header.
void replace_all(std::string& text, const std::string& what, const std::string& with) {
  if (what.empty()) {
    return;
  }
  for (size_t at = text.find(what); at != std::string::npos;
       at = text.find(what, at + with.size())) {
    text.replace(at, what.size(), with);
  }
}

std::string without_request_secrets(std::string message, const json* body,
                                    const std::vector<Header>& headers) {
  std::vector<std::pair<std::string, std::string>> hidden;  // text -> shown instead
  for (const auto& [name, value] : headers) {
    if (name == "X-Registry-Auth") {
      hidden.emplace_back(value, "<redacted>");
    }
  }
  if (body != nullptr && body->is_object()) {
    if (auto data = body->find("Data"); data != body->end() && data->is_string()) {
      hidden.emplace_back(data->get<std::string>(), "<redacted>");
    }
    const json* env = body;
    for (const char* key : {"TaskTemplate", "ContainerSpec", "Env"}) {
      env = env->is_object() && env->contains(key) ? &(*env)[key] : nullptr;
      if (env == nullptr) {
        break;
      }
    }
    if (env != nullptr && env->is_array()) {
      for (const json& entry : *env) {
        if (!entry.is_string()) {
          continue;
        }
        const std::string& text = entry.get_ref<const std::string&>();
        std::string shown = redact_env_entry(text);
        if (shown != text) {
          hidden.emplace_back(text, shown);
          // As it stands in a quoted JSON body too.
          std::string quoted = json(text).dump();
          hidden.emplace_back(quoted.substr(1, quoted.size() - 2), shown);
        }
      }
    }
  }
  for (const auto& [what, with] : hidden) {
    replace_all(message, what, with);
  }
  return message;
}

}  // namespace

std::string url_encode(std::string_view text) {
  static constexpr char k_hex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (unsigned char c : text) {
    bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                      c == '-' || c == '.' || c == '_' || c == '~';
    if (unreserved) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += k_hex[c >> 4];
      out += k_hex[c & 0xf];
    }
  }
  return out;
}

Filters namespace_filter(std::string_view stack) {
  return Filters{{"label", {fmt::format("{}={}", k_namespace_label, stack)}}};
}

bool EngineError::retryable() const { return kind == EngineErrorKind::out_of_sequence; }

std::string EngineError::describe() const {
  if (kind == EngineErrorKind::transport || kind == EngineErrorKind::not_manager ||
      kind == EngineErrorKind::api_version || status == 0) {
    return message;
  }
  return fmt::format("error response from the Docker engine at {} (HTTP {}{}{}): {}", endpoint,
                     status, request.empty() ? "" : ", ", request, message);
}

Engine::Engine(std::unique_ptr<Transport> transport) : m_transport(std::move(transport)) {}
Engine::~Engine() = default;
Engine::Engine(Engine&&) noexcept = default;
Engine& Engine::operator=(Engine&&) noexcept = default;

std::string Engine::endpoint() const { return m_transport->endpoint(); }

void Engine::set_api_version(std::string version) { m_api_version = std::move(version); }

EngineResult<HttpResponse> Engine::call(const Call& call) {
  if (call.versioned && !m_api_version) {
    if (auto negotiated = negotiate_quickly(); !negotiated) {
      return tl::unexpected(negotiated.error());
    }
  }
  HttpRequest request;
  request.method = call.method;
  request.path = call.versioned ? fmt::format("/v{}{}", *m_api_version, call.path) : call.path;
  char separator = '?';
  for (const auto& [key, value] : call.query) {
    request.path += fmt::format("{}{}={}", separator, url_encode(key), url_encode(value));
    separator = '&';
  }
  std::string request_line = fmt::format("{} {}", request.method, request.path);
  if (call.body) {
    try {
      request.body = call.body->dump();
    } catch (const json::exception& e) {
      // Only invalid UTF-8 in a string gets here; never send a mangled spec.
      return tl::unexpected(EngineError{
          EngineErrorKind::bad_request, 0,
          fmt::format("cannot encode the request body of {}: {}", request_line, e.what()),
          request_line, endpoint()});
    }
  }
  request.headers = call.headers;
  auto response = m_transport->send(request);
  if (!response) {
    return tl::unexpected(EngineError{EngineErrorKind::transport, 0,
                                      std::move(response.error().message), request_line, endpoint(),
                                      response.error().kind});
  }
  if (response->status >= 400 || response->status < 200) {
    std::string message =
        without_request_secrets(engine_message(*response), call.body, call.headers);
    EngineErrorKind kind = kind_for(response->status, message);
    return tl::unexpected(
        EngineError{kind, response->status, std::move(message), request_line, endpoint()});
  }
  return std::move(*response);
}

EngineResult<json> Engine::call_json(const Call& call) {
  auto response = this->call(call);
  if (!response) {
    return tl::unexpected(response.error());
  }
  auto body = json::parse(response->body, nullptr, /*allow_exceptions=*/false);
  if (body.is_discarded()) {
    std::string request_line = fmt::format("{} {}", call.method, call.path);
    return tl::unexpected(
        EngineError{EngineErrorKind::protocol, response->status,
                    fmt::format("the Docker engine at {} answered {} with invalid JSON ({} bytes)",
                                endpoint(), request_line, response->body.size()),
                    request_line, endpoint()});
  }
  return body;
}

EngineResult<VersionInfo> Engine::negotiate() {
  if (m_version_info) {
    return *m_version_info;
  }
  Call call;
  call.path = "/version";
  call.versioned = false;
  auto body = call_json(call);
  if (!body) {
    return tl::unexpected(body.error());
  }
  auto field = [&](const char* name) -> std::string {
    auto it = body->find(name);
    return it != body->end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  VersionInfo info;
  info.engine_api = field("ApiVersion");
  info.engine_min_api = field("MinAPIVersion");
  info.engine_version = field("Version");
  auto fail = [&](EngineErrorKind kind, std::string message) {
    return tl::unexpected(EngineError{kind, 0, std::move(message), "GET /version", endpoint()});
  };
  auto engine_api = parse_api_version(info.engine_api);
  if (!engine_api) {
    return fail(EngineErrorKind::protocol,
                fmt::format("the Docker engine at {} reported no usable ApiVersion in GET /version "
                            "(got \"{}\")",
                            endpoint(), info.engine_api));
  }
  ApiVersion ours = *parse_api_version(k_max_api_version);
  ApiVersion minimum = *parse_api_version(k_min_api_version);
  ApiVersion chosen = std::min(ours, *engine_api);
  if (chosen < minimum) {
    return fail(EngineErrorKind::api_version,
                fmt::format("the Docker engine at {} (version {}) speaks API {}; stackc needs API "
                            "{} or newer (Docker 17.06+)",
                            endpoint(), info.engine_version, info.engine_api, k_min_api_version));
  }
  if (auto engine_min = parse_api_version(info.engine_min_api);
      engine_min && *engine_min > chosen) {
    return fail(
        EngineErrorKind::api_version,
        fmt::format("the Docker engine at {} (version {}) requires API {} or newer; stackc "
                    "speaks up to {}",
                    endpoint(), info.engine_version, info.engine_min_api, k_max_api_version));
  }
  info.api_version = fmt::format("{}.{}", chosen.major, chosen.minor);
  m_api_version = info.api_version;
  m_version_info = info;
  return info;
}

// GET /_ping answers in about a millisecond with the engine's API-Version header, which is how the
// docker CLI negotiates; GET /version takes 20 ms on a 20.10 engine (it asks every component for
// its version), a sixth of a no-op redeploy. So /version is only asked when the ping gives no
// version we can use, for its fuller answer and error message.
EngineResult<void> Engine::negotiate_quickly() {
  auto ping = call({.path = "/_ping", .versioned = false});
  if (!ping && ping.error().kind == EngineErrorKind::transport) {
    return tl::unexpected(ping.error());
  }
  if (ping) {
    if (auto engine_api = parse_api_version(ping->header("API-Version"))) {
      ApiVersion chosen = std::min(*parse_api_version(k_max_api_version), *engine_api);
      if (!(chosen < *parse_api_version(k_min_api_version))) {
        m_api_version = fmt::format("{}.{}", chosen.major, chosen.minor);
        return {};
      }
    }
  }
  if (auto negotiated = negotiate(); !negotiated) {
    return tl::unexpected(negotiated.error());
  }
  return {};
}

EngineResult<json> Engine::info() { return call_json({.path = "/info"}); }

// GET /swarm rather than the reference's GET /info: same verdict (only managers answer it), 2 ms
// instead of 20. The engine's 503 explains itself (not in a swarm, or a worker); other 503s
// (no quorum) stay what they are.
EngineResult<json> Engine::require_swarm_manager() {
  auto swarm = call_json({.path = "/swarm"});
  if (!swarm && swarm.error().kind == EngineErrorKind::unavailable &&
      swarm.error().message.find("not a swarm manager") != std::string::npos) {
    EngineError error = swarm.error();
    error.kind = EngineErrorKind::not_manager;
    error.message =
        fmt::format("the Docker engine at {} cannot deploy stacks: {}", endpoint(), error.message);
    return tl::unexpected(std::move(error));
  }
  if (swarm && !swarm->is_object()) {
    return tl::unexpected(
        EngineError{EngineErrorKind::protocol, 200,
                    fmt::format("the Docker engine at {} answered GET /swarm with something else "
                                "than an object",
                                endpoint()),
                    "GET /swarm", endpoint()});
  }
  return swarm;
}

namespace {

Query filter_query(const Filters& filters) {
  if (filters.empty()) {
    return {};
  }
  return {{"filters", encode_filters(filters)}};
}

std::vector<Header> auth_headers(const RegistryAuth& auth) {
  if (!auth.header) {
    return {};
  }
  return {{"X-Registry-Auth", *auth.header}};
}

}  // namespace

// Lists must be arrays; anything else means we are not talking to an engine we understand.
EngineResult<json> Engine::list(std::string_view resource, const Filters& filters) {
  std::string path = fmt::format("/{}", resource);
  auto result = call_json({.path = path, .query = filter_query(filters)});
  if (result && !result->is_array()) {
    return tl::unexpected(EngineError{
        EngineErrorKind::protocol, 200,
        fmt::format("the Docker engine at {} answered GET {} with something else than a list",
                    endpoint(), path),
        "GET " + path, endpoint()});
  }
  return result;
}

EngineResult<json> Engine::list_services(const Filters& filters) {
  return list("services", filters);
}
EngineResult<json> Engine::list_networks(const Filters& filters) {
  return list("networks", filters);
}
EngineResult<json> Engine::list_secrets(const Filters& filters) { return list("secrets", filters); }
EngineResult<json> Engine::list_configs(const Filters& filters) { return list("configs", filters); }
EngineResult<json> Engine::list_tasks(const Filters& filters) { return list("tasks", filters); }
EngineResult<json> Engine::list_nodes(const Filters& filters) { return list("nodes", filters); }

EngineResult<json> Engine::inspect_service(std::string_view id_or_name) {
  return call_json({.path = "/services/" + path_segment(id_or_name)});
}
EngineResult<json> Engine::inspect_network(std::string_view id_or_name) {
  return call_json({.path = "/networks/" + path_segment(id_or_name)});
}
EngineResult<json> Engine::inspect_secret(std::string_view id_or_name) {
  return call_json({.path = "/secrets/" + path_segment(id_or_name)});
}
EngineResult<json> Engine::inspect_config(std::string_view id_or_name) {
  return call_json({.path = "/configs/" + path_segment(id_or_name)});
}

namespace {

// {"ID": ...} from services/secrets/configs, {"Id": ...} from networks.
tl::expected<CreateResult, std::string> create_result(const json& body) {
  CreateResult result;
  for (const char* key : {"ID", "Id"}) {
    if (auto it = body.find(key); it != body.end() && it->is_string()) {
      result.id = it->get<std::string>();
    }
  }
  if (result.id.empty()) {
    return tl::unexpected(std::string("no ID in the answer"));
  }
  for (const char* key : {"Warnings", "Warning"}) {
    if (auto it = body.find(key); it != body.end()) {
      auto warnings = string_list(*it);
      result.warnings.insert(result.warnings.end(), warnings.begin(), warnings.end());
    }
  }
  return result;
}

}  // namespace

EngineResult<CreateResult> Engine::create(std::string_view resource, const json& spec,
                                          std::vector<Header> headers) {
  std::string path = fmt::format("/{}/create", resource);
  auto body =
      call_json({.method = "POST", .path = path, .body = &spec, .headers = std::move(headers)});
  if (!body) {
    return tl::unexpected(body.error());
  }
  auto result =
      body->is_object() ? create_result(*body) : tl::unexpected(std::string("not a JSON object"));
  if (!result) {
    return tl::unexpected(
        EngineError{EngineErrorKind::protocol, 0,
                    fmt::format("the Docker engine at {} answered POST {} unexpectedly: {}",
                                endpoint(), path, result.error()),
                    "POST " + path, endpoint()});
  }
  return std::move(*result);
}

EngineResult<CreateResult> Engine::create_service(const json& spec, const RegistryAuth& auth) {
  return create("services", spec, auth_headers(auth));
}
EngineResult<CreateResult> Engine::create_network(const json& spec) {
  return create("networks", spec, {});
}
EngineResult<CreateResult> Engine::create_secret(const json& spec) {
  return create("secrets", spec, {});
}
EngineResult<CreateResult> Engine::create_config(const json& spec) {
  return create("configs", spec, {});
}

namespace {

EngineResult<std::vector<std::string>> update_warnings(EngineResult<json> body) {
  if (!body) {
    return tl::unexpected(body.error());
  }
  if (body->is_object()) {
    if (auto it = body->find("Warnings"); it != body->end()) {
      return string_list(*it);
    }
  }
  return std::vector<std::string>{};
}

}  // namespace

EngineResult<std::vector<std::string>> Engine::update_service(std::string_view id,
                                                              std::uint64_t version,
                                                              const json& spec,
                                                              const RegistryAuth& auth) {
  return update_warnings(call_json({.method = "POST",
                                    .path = "/services/" + path_segment(id) + "/update",
                                    .query = {{"version", std::to_string(version)}},
                                    .body = &spec,
                                    .headers = auth_headers(auth)}));
}

EngineResult<std::vector<std::string>> Engine::rollback_service(std::string_view id,
                                                                std::uint64_t version,
                                                                const json& spec) {
  return update_warnings(
      call_json({.method = "POST",
                 .path = "/services/" + path_segment(id) + "/update",
                 .query = {{"version", std::to_string(version)}, {"rollback", "previous"}},
                 .body = &spec}));
}

EngineResult<void> Engine::update_object(std::string_view resource, std::string_view id,
                                         std::uint64_t version, const json& spec) {
  auto response = call({.method = "POST",
                        .path = fmt::format("/{}/{}/update", resource, path_segment(id)),
                        .query = {{"version", std::to_string(version)}},
                        .body = &spec});
  if (!response) {
    return tl::unexpected(response.error());
  }
  return {};
}

EngineResult<void> Engine::update_secret(std::string_view id, std::uint64_t version,
                                         const json& spec) {
  return update_object("secrets", id, version, spec);
}
EngineResult<void> Engine::update_config(std::string_view id, std::uint64_t version,
                                         const json& spec) {
  return update_object("configs", id, version, spec);
}

EngineResult<void> Engine::remove(std::string_view resource, std::string_view id_or_name) {
  auto response =
      call({.method = "DELETE", .path = fmt::format("/{}/{}", resource, path_segment(id_or_name))});
  if (!response) {
    return tl::unexpected(response.error());
  }
  return {};
}

EngineResult<void> Engine::remove_service(std::string_view id_or_name) {
  return remove("services", id_or_name);
}
EngineResult<void> Engine::remove_network(std::string_view id_or_name) {
  return remove("networks", id_or_name);
}
EngineResult<void> Engine::remove_secret(std::string_view id_or_name) {
  return remove("secrets", id_or_name);
}
EngineResult<void> Engine::remove_config(std::string_view id_or_name) {
  return remove("configs", id_or_name);
}

EngineResult<json> Engine::distribution_inspect(std::string_view image, const RegistryAuth& auth) {
  // Image references keep their '/', ':' and '@' in the path, as the Go client sends them.
  std::string encoded;
  for (char c : image) {
    encoded += (c == '/' || c == ':' || c == '@') ? std::string(1, c)
                                                  : url_encode(std::string_view(&c, 1));
  }
  return call_json({.path = "/distribution/" + encoded + "/json", .headers = auth_headers(auth)});
}

}  // namespace stackc::swarm
