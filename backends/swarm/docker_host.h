#pragma once
// Where the Docker engine is, resolved the way the docker CLI (28.x) does it:
//
//   --context flag  >  -H/--host flag  >  DOCKER_HOST  >  DOCKER_CONTEXT
//     >  "currentContext" in $DOCKER_CONFIG/config.json (DOCKER_CONFIG defaults to ~/.docker)
//     >  unix:///var/run/docker.sock
//
// (--context together with -H is an error, as in the CLI.) A named context is read from
// <config>/contexts/meta/<sha256(name)>/meta.json (Endpoints.docker.Host, SkipTLSVerify) with TLS
// material in <config>/contexts/tls/<sha256(name)>/docker/{ca,cert,key}.pem. The "default" context
// uses DOCKER_HOST or the default socket, with TLS from DOCKER_TLS_VERIFY / DOCKER_TLS /
// DOCKER_CERT_PATH (default: the config dir). ssh:// endpoints are not supported.

#include <functional>
#include <optional>
#include <string>

#include <tl/expected.hpp>

namespace stackc::swarm {

struct TlsFiles {
  std::string ca_file;    // empty: system trust store
  std::string cert_file;  // client certificate; empty: none
  std::string key_file;
  bool verify = true;  // verify the server certificate and host name
};

struct DockerHost {
  enum class Kind { unix_socket, tcp };
  Kind kind = Kind::unix_socket;
  std::string socket_path = "/var/run/docker.sock";  // unix_socket
  std::string host;                                  // tcp: name or address (IPv6 without [])
  int port = 0;                                      // tcp
  std::string base_path;                             // tcp: "/prefix" from tcp://h:p/prefix
  std::optional<TlsFiles> tls;                       // tcp only
  std::string origin;  // what chose it: "default", "-H flag", "DOCKER_HOST", "context \"lab\""

  // docker's spelling: unix:///var/run/docker.sock, tcp://10.0.0.5:2376
  std::string url() const;
};

// Reads an environment variable; nullopt when unset. Injected so tests need no real environment.
using GetEnv = std::function<std::optional<std::string>(const std::string& name)>;
GetEnv process_env();

struct HostOptions {
  std::optional<std::string> host;     // -H/--host
  std::optional<std::string> context;  // --context/-c of the docker CLI
};

// Parses one host string as the CLI does ("unix:///path", "tcp://h:p", "h:p" = tcp).
tl::expected<DockerHost, std::string> parse_docker_host(const std::string& value, bool tls);

tl::expected<DockerHost, std::string> resolve_docker_host(const HostOptions& options,
                                                          const GetEnv& env);

}  // namespace stackc::swarm
