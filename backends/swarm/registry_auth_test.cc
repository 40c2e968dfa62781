#include "backends/swarm/registry_auth.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>

#include "backends/swarm/live.h"

namespace stackc::swarm {
namespace {

using nlohmann::json;

GetEnv env_of(std::map<std::string, std::string> values) {
  return [values](const std::string& name) -> std::optional<std::string> {
    auto it = values.find(name);
    return it == values.end() ? std::nullopt : std::optional(it->second);
  };
}

// The JSON text inside an X-Registry-Auth header (base64url with padding).
std::string header_text(std::string header) {
  std::replace(header.begin(), header.end(), '-', '+');
  std::replace(header.begin(), header.end(), '_', '/');
  std::string text;
  EXPECT_TRUE(base64_decode(header, text)) << header;
  return text;
}
json decode_header(const std::string& header) { return json::parse(header_text(header)); }

// A temp dir with fake `docker-credential-*` helpers (shell scripts).
class Helpers {
 public:
  Helpers() {
    char pattern[] = "/tmp/stackc-helpers-XXXXXX";
    m_dir = mkdtemp(pattern);
  }
  ~Helpers() { std::filesystem::remove_all(m_dir); }
  const std::string& dir() const { return m_dir; }
  void add(const std::string& name, const std::string& body) {
    std::string path = m_dir + "/docker-credential-" + name;
    std::ofstream(path) << "#!/bin/sh\n" << body;
    ::chmod(path.c_str(), 0755);
  }
  std::string read(const std::string& file) const {
    std::ifstream in(m_dir + "/" + file);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }

 private:
  std::string m_dir;
};

RegistryCredentials parse_ok(const std::string& config, const GetEnv& env) {
  auto parsed = RegistryCredentials::parse(config, "/home/u/.docker/config.json", env,
                                           process_helper_runner());
  EXPECT_TRUE(parsed) << (parsed ? "" : parsed.error());
  return std::move(*parsed);
}

TEST(RegistryAuthKey, DockerHubOrTheRegistryHostAsWritten) {
  const std::string hub = "https://index.docker.io/v1/";
  EXPECT_EQ(registry_auth_key("nginx"), hub);
  EXPECT_EQ(registry_auth_key("nginx:1.19"), hub);
  EXPECT_EQ(registry_auth_key("library/nginx"), hub);
  EXPECT_EQ(registry_auth_key("dbgurum/dailylog:db_1.0"), hub);
  EXPECT_EQ(registry_auth_key("docker.io/library/nginx"), hub);
  EXPECT_EQ(registry_auth_key("index.docker.io/team/app@sha256:" + std::string(64, 'a')), hub);
  EXPECT_EQ(registry_auth_key("127.0.0.1:5051/lab/nginx:1.21"), "127.0.0.1:5051");
  EXPECT_EQ(registry_auth_key("localhost/app"), "localhost");
  EXPECT_EQ(registry_auth_key("registry:5000/app"), "registry:5000");
  EXPECT_EQ(registry_auth_key("ghcr.io/o/library/x"), "ghcr.io");
  EXPECT_EQ(registry_auth_key("Registry/app"), "Registry");  // upper case: a host name
}

TEST(EncodeAuthConfig, GoFieldOrderHtmlEscapesAndUrlSafeBase64) {
  EXPECT_EQ(encode_auth_config({}), "e30=");  // what the CLI sends with no credentials
  AuthConfig config;
  config.username = "u";
  config.password = "p<&>\"";
  config.server_address = "r";
  // Computed outside: base64url of {"username":"u","password":"p\u003c\u0026\u003e\"",...}.
  EXPECT_EQ(encode_auth_config(config),
            "eyJ1c2VybmFtZSI6InUiLCJwYXNzd29yZCI6InBcdTAwM2NcdTAwMjZcdTAwM2VcIiIsInNlcnZlcmFkZH"
            "Jlc3MiOiJyIn0=");
  AuthConfig token;
  token.identity_token = "tok";
  EXPECT_EQ(encode_auth_config(token), "eyJpZGVudGl0eXRva2VuIjoidG9rIn0=");
  AuthConfig odd;
  odd.password = std::string("a\x01\xff\xe2\x80\xa8", 6);
  EXPECT_EQ(header_text(encode_auth_config(odd)), R"({"password":"a\u0001\ufffd\u2028"})");
}

TEST(RegistryCredentials, AuthsEntriesDecodeTheAuthFieldAndKeepTheKeyAsServerAddress) {
  auto credentials = parse_ok(R"({"auths": {
      "127.0.0.1:5051": {"auth": "YWxpY2U6czNjcjpldA=="},
      "plain.example": {"username": "bob", "password": "pw", "email": "b@x"},
      "https://legacy.example:5000/v1/": {"auth": "YWxpY2U6czNjcjpldA=="}}})",
                              env_of({}));
  auto alice = credentials.lookup("127.0.0.1:5051");
  ASSERT_TRUE(alice);
  EXPECT_EQ(alice->username, "alice");
  EXPECT_EQ(alice->password, "s3cr:et");  // split at the first colon only
  EXPECT_EQ(alice->auth, "");
  EXPECT_EQ(alice->server_address, "127.0.0.1:5051");
  auto bob = credentials.lookup("plain.example");
  ASSERT_TRUE(bob);
  EXPECT_EQ(bob->username, "bob");
  EXPECT_EQ(bob->password, "pw");
  EXPECT_EQ(bob->email, "b@x");
  // A legacy URL key matches by host and keeps its own spelling.
  auto legacy = credentials.lookup("legacy.example:5000");
  ASSERT_TRUE(legacy);
  EXPECT_EQ(legacy->username, "alice");
  EXPECT_EQ(legacy->server_address, "https://legacy.example:5000/v1/");
  auto none = credentials.lookup("other.example");
  ASSERT_TRUE(none);
  EXPECT_EQ(encode_auth_config(*none), "e30=");

  auto header = credentials.header_for_image("127.0.0.1:5051/lab/nginx:1.21");
  ASSERT_TRUE(header);
  EXPECT_EQ(decode_header(*header),
            json::parse(R"({"username":"alice","password":"s3cr:et",
                            "serveraddress":"127.0.0.1:5051"})"));
}

TEST(RegistryCredentials, BadConfigsAreErrorsThatNeverShowTheSecret) {
  const std::string secret = "c2VjcmV0LXdpdGhvdXQtY29sb24=";  // "secret-without-colon"
  for (const std::string& config :
       {std::string(R"({"auths": {"r.example": {"auth": ")") + secret + R"("}}})",
        std::string(R"({"auths": {"r.example": {"auth": "not base64!"}}})"),
        std::string(R"({"auths": []})"), std::string(R"({"credsStore": 3})"),
        std::string(R"([1, 2])"), std::string("{not json")}) {
    auto parsed = RegistryCredentials::parse(config, "/cfg/config.json", env_of({}),
                                             process_helper_runner());
    ASSERT_FALSE(parsed) << config;
    EXPECT_NE(parsed.error().find("/cfg/config.json"), std::string::npos) << parsed.error();
    EXPECT_EQ(parsed.error().find(secret), std::string::npos) << parsed.error();
    EXPECT_EQ(parsed.error().find("secret-without"), std::string::npos) << parsed.error();
  }
  auto empty = RegistryCredentials::parse("", "/cfg/config.json", env_of({}),
                                          process_helper_runner());
  ASSERT_TRUE(empty);  // an empty file is no credentials, as for the CLI
}

TEST(RegistryCredentials, LoadHonoursDockerConfigAndToleratesAMissingFile) {
  Helpers dir;
  std::ofstream(dir.dir() + "/config.json") << R"({"auths": {"r.example": {"auth": "YTpi"}}})";
  auto loaded = RegistryCredentials::load(env_of({{"DOCKER_CONFIG", dir.dir()}, {"PATH", ""}}),
                                          process_helper_runner());
  ASSERT_TRUE(loaded) << loaded.error();
  EXPECT_EQ(loaded->path(), dir.dir() + "/config.json");
  EXPECT_EQ(loaded->lookup("r.example")->username, "a");
  auto from_home = RegistryCredentials::load(env_of({{"HOME", dir.dir() + "/nohome"}}),
                                             process_helper_runner());
  ASSERT_TRUE(from_home) << from_home.error();
  EXPECT_EQ(from_home->path(), dir.dir() + "/nohome/.docker/config.json");
  EXPECT_EQ(encode_auth_config(*from_home->lookup("https://index.docker.io/v1/")), "e30=");
}

TEST(RegistryCredentials, CredentialHelpersGetTheServerOnStdinAndAnswerJson) {
  Helpers helpers;
  // Records its argument and input, answers for two servers, "not found" for the rest.
  helpers.add("fake", R"(read -r server || true
printf '%s|%s' "$1" "$server" >> ")" + helpers.dir() + R"(/calls"
case "$server" in
  127.0.0.1:5051) echo '{"ServerURL":"127.0.0.1:5051","Username":"carol","Secret":"pw-c"}' ;;
  https://index.docker.io/v1/) echo '{"ServerURL":"x","Username":"<token>","Secret":"tok-1"}' ;;
  *) echo 'credentials not found in native keychain'; exit 1 ;;
esac
)");
  helpers.add("other", R"(echo '{"Username":"dave","Secret":"pw-d"}')");
  auto credentials = parse_ok(R"({"credsStore": "fake", "credHelpers": {"ghcr.io": "other"},
                                  "auths": {"nf.example": {"email": "e@x"}}})",
                              env_of({{"PATH", "/nonexistent:" + helpers.dir()}}));
  auto carol = credentials.lookup("127.0.0.1:5051");
  ASSERT_TRUE(carol) << carol.error();
  EXPECT_EQ(carol->username, "carol");
  EXPECT_EQ(carol->password, "pw-c");
  EXPECT_EQ(carol->server_address, "127.0.0.1:5051");
  EXPECT_EQ(helpers.read("calls"), "get|127.0.0.1:5051");

  auto hub = credentials.header_for_image("nginx:1.21");
  ASSERT_TRUE(hub) << hub.error();
  EXPECT_EQ(decode_header(*hub),
            json::parse(R"({"identitytoken":"tok-1","serveraddress":"https://index.docker.io/v1/"})"));

  auto dave = credentials.lookup("ghcr.io");  // credHelpers wins over credsStore
  ASSERT_TRUE(dave) << dave.error();
  EXPECT_EQ(dave->username, "dave");

  // Not in the store: empty credentials, the file's email kept, as the CLI does.
  auto missing = credentials.lookup("nf.example");
  ASSERT_TRUE(missing) << missing.error();
  EXPECT_EQ(decode_header(encode_auth_config(*missing)), json::parse(R"({"email":"e@x"})"));
}

TEST(RegistryCredentials, HelperFailuresAreClearErrorsWithoutTheSecret) {
  Helpers helpers;
  helpers.add("broken", "echo 'keychain is locked'; exit 3\n");
  helpers.add("garbage", "echo 'Secret=hunter2'\n");
  auto env = env_of({{"PATH", helpers.dir()}});
  auto absent = parse_ok(R"({"credsStore": "nosuch"})", env).lookup("r.example");
  ASSERT_FALSE(absent);
  EXPECT_NE(absent.error().find("docker-credential-nosuch"), std::string::npos) << absent.error();
  EXPECT_NE(absent.error().find("not installed"), std::string::npos) << absent.error();

  auto broken = parse_ok(R"({"credsStore": "broken"})", env).lookup("r.example");
  ASSERT_FALSE(broken);
  EXPECT_NE(broken.error().find("exit status 3"), std::string::npos) << broken.error();
  EXPECT_NE(broken.error().find("keychain is locked"), std::string::npos) << broken.error();

  auto garbage = parse_ok(R"({"credsStore": "garbage"})", env).lookup("r.example");
  ASSERT_FALSE(garbage);
  EXPECT_EQ(garbage.error().find("hunter2"), std::string::npos) << garbage.error();
}

TEST(RegistryCredentials, AnInstalledPlatformStoreIsUsedOnlyWhenNothingIsConfigured) {
  Helpers helpers;
  helpers.add("secretservice", R"(echo '{"Username":"eve","Secret":"pw-e"}')");
  auto env = env_of({{"PATH", helpers.dir()}});
  auto detected = parse_ok("{}", env).lookup("r.example");
  ASSERT_TRUE(detected) << detected.error();
  EXPECT_EQ(detected->username, "eve");
  // Any configured credential turns the detection off.
  auto configured =
      parse_ok(R"({"auths": {"x.example": {"auth": "YTpi"}}})", env).lookup("r.example");
  ASSERT_TRUE(configured);
  EXPECT_EQ(configured->username, "");
}

TEST(RegistryCredentials, DockerAuthConfigIsIgnoredLikeTheReference) {
  // docker 28.2.2 pins nothing with it (tests/integration/registry_test.cc checks the CLI).
  auto env = env_of({{"PATH", ""},
                     {"DOCKER_AUTH_CONFIG", R"({"auths": {"r.example": {"auth": "ZW52OnB3"}}})"}});
  auto credentials = parse_ok(R"({"auths": {"s.example": {"auth": "YTpi"}}})", env);
  EXPECT_EQ(encode_auth_config(*credentials.lookup("r.example")), "e30=");
  EXPECT_EQ(credentials.lookup("s.example")->username, "a");
}

}  // namespace
}  // namespace stackc::swarm
