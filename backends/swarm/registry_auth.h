#pragma once
// Registry credentials for `deploy --with-registry-auth`, found the way the docker CLI (28.2)
// finds them, and encoded as the X-Registry-Auth header it sends on GET /distribution and on
// service create/update:
//
//   key    = the image's registry: "https://index.docker.io/v1/" for Docker Hub (docker.io,
//            index.docker.io or no registry at all), else host[:port] as written
//   source = credHelpers[KEY], else credsStore (a `docker-credential-<name>`
//            program run with "get" and KEY on stdin), else the "auths" of
//            $DOCKER_CONFIG/config.json (~/.docker by default), matching KEY exactly, then a
//            legacy key ("https://KEY/v1/") whose host is KEY. With no credentials configured at
//            all, docker-credential-pass or -secretservice is used when installed (the CLI's
//            default store detection). DOCKER_AUTH_CONFIG is not read: docker 28.2.2 ignores
//            it for stack deploy (and pull), checked on the lab.
//   header = base64url (with padding) of the AuthConfig JSON, fields in Go's order, empty
//            ones omitted: no credentials give "{}" = "e30=", which the CLI sends too.
//
// Credentials never leave this module except inside the encoded header: no error message
// contains a username, password, token or the header itself.

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include <tl/expected.hpp>

#include "backends/swarm/docker_host.h"

namespace stackc::swarm {

// api/types/registry.AuthConfig: the JSON the engine decodes from X-Registry-Auth.
struct AuthConfig {
  std::string username = {};
  std::string password = {};
  std::string auth = {};
  std::string email = {};
  std::string server_address = {};
  std::string identity_token = {};
  std::string registry_token = {};
};

// What a `docker-credential-*` program did: its exit code and standard output.
struct HelperOutput {
  int exit_code = 0;
  std::string out;
};
// Runs `program get` with `input` on stdin. An error means it could not be run at all.
using CredentialHelperRunner =
    std::function<tl::expected<HelperOutput, std::string>(const std::string& program,
                                                          const std::string& input)>;
// The real runner: fork/exec through PATH, stderr discarded (the CLI keeps it to itself too).
CredentialHelperRunner process_helper_runner();

// The registry part of an image reference, as the CLI's config key: Docker Hub images give
// "https://index.docker.io/v1/".
std::string registry_auth_key(std::string_view image);

// base64url(JSON) of `config`, exactly as Go's json.Marshal + base64.URLEncoding.
std::string encode_auth_config(const AuthConfig& config);

// The client configuration ($DOCKER_CONFIG/config.json).
class RegistryCredentials {
 public:
  // Reads the config file (absent = no credentials). Errors name the
  // file and what is wrong, never a credential.
  static tl::expected<RegistryCredentials, std::string> load(const GetEnv& env,
                                                             CredentialHelperRunner runner);
  // Same from text; `path` is only for messages.
  static tl::expected<RegistryCredentials, std::string> parse(std::string_view config_json,
                                                              std::string path,
                                                              const GetEnv& env,
                                                              CredentialHelperRunner runner);

  // The credentials for a config key (see registry_auth_key). Errors: a credential helper that
  // is missing, fails, or answers something unreadable.
  tl::expected<AuthConfig, std::string> lookup(const std::string& key) const;
  // The X-Registry-Auth value for an image; looked up once per registry.
  tl::expected<std::string, std::string> header_for_image(std::string_view image);

  const std::string& path() const { return m_path; }

 private:
  RegistryCredentials() = default;
  tl::expected<AuthConfig, std::string> from_helper(const std::string& helper,
                                                    const std::string& key,
                                                    AuthConfig from_file) const;
  AuthConfig from_file(const std::string& key) const;

  std::string m_path;
  std::map<std::string, AuthConfig> m_auths;     // key as written; auth decoded, cleared
  std::string m_creds_store;
  std::map<std::string, std::string> m_cred_helpers;
  std::string m_path_env;  // PATH, to find helpers
  CredentialHelperRunner m_runner;
  std::map<std::string, std::string> m_headers;  // cache: key -> header
};

}  // namespace stackc::swarm
