#pragma once
// Typed calls of the Docker Engine API that a stack deploy needs, over a Transport.
// Payloads stay nlohmann::json values (the convert stage builds them; plan/apply read them);
// this header only forward-declares json, include <nlohmann/json.hpp> to use the results.
//
// API version: the first call negotiates through GET /_ping's API-Version header (falling back
// to GET /version when that gives nothing usable) and then every path carries /v<version>. We use min(k_max_api_version, the engine's ApiVersion). k_max_api_version is what
// the reference CLI (docker 28.2) speaks, 1.50; the Debian 12 engine (20.10) answers 1.41, the
// lab's version. Everything a compose 3.9 stack needs exists since 1.30 (configs), our minimum.
//
// Thread-safety: like its Transport, an Engine is used by one thread at a time.

#include <cstdint>
#include <map>
#include <memory>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <tl/expected.hpp>

#include "backends/swarm/transport.h"

namespace stackc::swarm {

inline constexpr std::string_view k_max_api_version = "1.50";
inline constexpr std::string_view k_min_api_version = "1.30";
inline constexpr std::string_view k_namespace_label = "com.docker.stack.namespace";

enum class EngineErrorKind {
  transport,        // no (complete) response: see the message
  not_found,        // HTTP 404
  conflict,         // HTTP 409: name already taken, object in use, ...
  out_of_sequence,  // "update out of sequence": the Version.Index was stale; re-inspect and retry
  bad_request,      // HTTP 400: the engine rejected the spec
  unavailable,      // HTTP 503: e.g. not a swarm manager, no quorum
  not_manager,      // GET /swarm says this node cannot manage the swarm
  api_version,      // the engine's API version is outside what we support
  protocol,         // the engine answered something we cannot parse
  server,           // any other HTTP error status
};

struct EngineError {
  EngineErrorKind kind = EngineErrorKind::server;
  int status = 0;        // HTTP status, 0 when no response
  std::string message;   // the engine's own message ({"message": ...}), or ours
  std::string request;   // "POST /v1.41/services/create"; empty when not about one request
  std::string endpoint;  // "unix:///var/run/docker.sock"
  // For kind == transport: what failed on the wire (connect, timeout, tls, io, ...).
  TransportErrorKind transport_kind = TransportErrorKind::other;

  // Worth retrying after re-inspecting the object: its Version.Index was stale.
  bool retryable() const;
  // One line for users: "Error response from the Docker engine (HTTP 409, POST ...): ..."
  std::string describe() const;
};

template <typename T>
using EngineResult = tl::expected<T, EngineError>;

// Query filters: {"label": ["com.docker.stack.namespace=web"]}, sent URL-encoded as ?filters=.
using Filters = std::map<std::string, std::vector<std::string>>;
Filters namespace_filter(std::string_view stack);

struct VersionInfo {
  std::string api_version;     // negotiated, used in every path
  std::string engine_api;      // the engine's ApiVersion
  std::string engine_min_api;  // the engine's MinAPIVersion (may be empty on old engines)
  std::string engine_version;  // "20.10.24+dfsg1"
};

struct CreateResult {
  std::string id;
  std::vector<std::string> warnings;
};

// Options for calls that may pull images.
struct RegistryAuth {
  std::optional<std::string> header;  // base64 X-Registry-Auth value; nullopt sends none
};

class Engine {
 public:
  explicit Engine(std::unique_ptr<Transport> transport);
  ~Engine();
  Engine(Engine&&) noexcept;
  Engine& operator=(Engine&&) noexcept;

  // GET /version: the engine's versions and the negotiated API version; asked once at most.
  EngineResult<VersionInfo> negotiate();
  // Skips negotiation (workers reuse the version the first engine negotiated).
  void set_api_version(std::string version);
  const std::optional<std::string>& api_version() const { return m_api_version; }

  EngineResult<nlohmann::json> info();
  // GET /swarm: the swarm object, or not_manager when this node cannot manage the swarm.
  EngineResult<nlohmann::json> require_swarm_manager();

  // Services (spec: a ServiceSpec object).
  EngineResult<nlohmann::json> list_services(const Filters& filters = {});
  EngineResult<nlohmann::json> inspect_service(std::string_view id_or_name);
  EngineResult<CreateResult> create_service(const nlohmann::json& spec,
                                            const RegistryAuth& auth = {});
  // Warnings from the engine; version = the inspected Version.Index.
  EngineResult<std::vector<std::string>> update_service(std::string_view id, std::uint64_t version,
                                                        const nlohmann::json& spec,
                                                        const RegistryAuth& auth = {});
  // POST /services/{id}/update?rollback=previous, as `docker service rollback` sends it: the
  // engine puts back the service's PreviousSpec (the body, the current Spec, is only carried).
  // version = the inspected Version.Index.
  EngineResult<std::vector<std::string>> rollback_service(std::string_view id,
                                                          std::uint64_t version,
                                                          const nlohmann::json& spec);
  EngineResult<void> remove_service(std::string_view id_or_name);

  // Networks (spec: a NetworkCreate object including "Name").
  EngineResult<nlohmann::json> list_networks(const Filters& filters = {});
  EngineResult<nlohmann::json> inspect_network(std::string_view id_or_name);
  EngineResult<CreateResult> create_network(const nlohmann::json& spec);
  EngineResult<void> remove_network(std::string_view id_or_name);

  // Secrets and configs (spec: a SecretSpec / ConfigSpec with base64 "Data").
  EngineResult<nlohmann::json> list_secrets(const Filters& filters = {});
  EngineResult<nlohmann::json> inspect_secret(std::string_view id_or_name);
  EngineResult<CreateResult> create_secret(const nlohmann::json& spec);
  EngineResult<void> update_secret(std::string_view id, std::uint64_t version,
                                   const nlohmann::json& spec);
  EngineResult<void> remove_secret(std::string_view id_or_name);

  EngineResult<nlohmann::json> list_configs(const Filters& filters = {});
  EngineResult<nlohmann::json> inspect_config(std::string_view id_or_name);
  EngineResult<CreateResult> create_config(const nlohmann::json& spec);
  EngineResult<void> update_config(std::string_view id, std::uint64_t version,
                                   const nlohmann::json& spec);
  EngineResult<void> remove_config(std::string_view id_or_name);

  EngineResult<nlohmann::json> list_tasks(const Filters& filters = {});
  EngineResult<nlohmann::json> list_nodes(const Filters& filters = {});

  // GET /distribution/{image}/json: the registry's descriptor and platforms for an image.
  EngineResult<nlohmann::json> distribution_inspect(std::string_view image,
                                                    const RegistryAuth& auth = {});

  std::string endpoint() const;

 private:
  struct Call;
  EngineResult<void> negotiate_quickly();
  EngineResult<HttpResponse> call(const Call& call);
  EngineResult<nlohmann::json> call_json(const Call& call);
  EngineResult<nlohmann::json> list(std::string_view resource, const Filters& filters);
  EngineResult<CreateResult> create(std::string_view resource, const nlohmann::json& spec,
                                    std::vector<Header> headers);
  EngineResult<void> update_object(std::string_view resource, std::string_view id,
                                   std::uint64_t version, const nlohmann::json& spec);
  EngineResult<void> remove(std::string_view resource, std::string_view id_or_name);

  std::unique_ptr<Transport> m_transport;
  std::optional<std::string> m_api_version;
  std::optional<VersionInfo> m_version_info;
};

// Percent-encodes everything but RFC 3986 unreserved characters (for query values and
// path segments).
std::string url_encode(std::string_view text);

}  // namespace stackc::swarm
