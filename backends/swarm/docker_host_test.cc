#include "backends/swarm/docker_host.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <map>

#include "backends/swarm/sha256.h"

namespace stackc::swarm {
namespace {

using ::testing::HasSubstr;

namespace fs = std::filesystem;

// A temp HOME with helpers to write docker config and contexts into it.
class DockerHostTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/stackc-docker-host-XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr);
    m_home = pattern;
    m_env["HOME"] = m_home;
  }
  void TearDown() override { fs::remove_all(m_home); }

  GetEnv env() {
    return [this](const std::string& name) -> std::optional<std::string> {
      auto it = m_env.find(name);
      if (it == m_env.end()) {
        return std::nullopt;
      }
      return it->second;
    };
  }
  static void write(const fs::path& path, const std::string& text) {
    fs::create_directories(path.parent_path());
    std::ofstream(path) << text;
  }
  std::string config_dir() const { return m_home + "/.docker"; }
  void write_config(const std::string& text, const std::string& dir = "") {
    write(fs::path(dir.empty() ? config_dir() : dir) / "config.json", text);
  }
  // Lays out a context the way `docker context create` (28.2) does.
  void write_context(const std::string& name, const std::string& host, bool skip_verify = false,
                     bool tls_files = false, const std::string& dir = "") {
    fs::path base = dir.empty() ? config_dir() : dir;
    write(base / "contexts/meta" / sha256_hex(name) / "meta.json",
          R"({"Name":")" + name + R"(","Metadata":{},"Endpoints":{"docker":{"Host":")" + host +
              R"(","SkipTLSVerify":)" + (skip_verify ? "true" : "false") + "}}}");
    if (tls_files) {
      for (const char* file : {"ca.pem", "cert.pem", "key.pem"}) {
        write(base / "contexts/tls" / sha256_hex(name) / "docker" / file, "pem");
      }
    }
  }
  tl::expected<DockerHost, std::string> resolve(HostOptions options = {}) {
    return resolve_docker_host(options, env());
  }

  std::string m_home;
  std::map<std::string, std::string> m_env;
};

TEST_F(DockerHostTest, DefaultsToTheLocalSocket) {
  auto host = resolve();
  ASSERT_TRUE(host) << host.error();
  EXPECT_EQ(host->url(), "unix:///var/run/docker.sock");
  EXPECT_EQ(host->origin, "default");
}

TEST_F(DockerHostTest, DockerHostVariable) {
  m_env["DOCKER_HOST"] = "tcp://10.0.0.5";
  auto host = resolve();
  ASSERT_TRUE(host) << host.error();
  EXPECT_EQ(host->kind, DockerHost::Kind::tcp);
  EXPECT_EQ(host->host, "10.0.0.5");
  EXPECT_EQ(host->port, 2375);
  EXPECT_FALSE(host->tls);
  EXPECT_EQ(host->origin, "DOCKER_HOST");
}

TEST_F(DockerHostTest, HostFlagBeatsEverythingButIsExclusiveWithContext) {
  m_env["DOCKER_HOST"] = "tcp://10.0.0.5:2375";
  m_env["DOCKER_CONTEXT"] = "lab";
  write_context("lab", "tcp://10.0.0.9:2375");
  auto host = resolve({.host = "unix:///run/other.sock", .context = std::nullopt});
  ASSERT_TRUE(host) << host.error();
  EXPECT_EQ(host->url(), "unix:///run/other.sock");
  EXPECT_EQ(host->origin, "-H flag");

  auto both = resolve({.host = "unix:///x", .context = "lab"});
  ASSERT_FALSE(both);
  EXPECT_EQ(both.error(), "conflicting options: cannot specify both --host and --context");
}

TEST_F(DockerHostTest, ContextFlagBeatsDockerHost) {
  m_env["DOCKER_HOST"] = "tcp://10.0.0.5:2375";
  write_context("lab", "tcp://10.0.0.9:2375");
  auto host = resolve({.host = std::nullopt, .context = "lab"});
  ASSERT_TRUE(host) << host.error();
  EXPECT_EQ(host->url(), "tcp://10.0.0.9:2375");
  EXPECT_EQ(host->origin, "context \"lab\"");
}

TEST_F(DockerHostTest, DockerHostBeatsDockerContextAndCurrentContext) {
  write_context("lab", "tcp://10.0.0.9:2375");
  write_config(R"({"currentContext": "lab"})");
  m_env["DOCKER_CONTEXT"] = "lab";
  m_env["DOCKER_HOST"] = "unix:///run/dh.sock";
  auto host = resolve();
  ASSERT_TRUE(host) << host.error();
  EXPECT_EQ(host->url(), "unix:///run/dh.sock");
}

TEST_F(DockerHostTest, DockerContextBeatsCurrentContext) {
  write_context("lab", "tcp://10.0.0.9:2375");
  write_context("other", "tcp://10.0.0.10:2375");
  write_config(R"({"auths": {}, "currentContext": "other"})");
  m_env["DOCKER_CONTEXT"] = "lab";
  auto host = resolve();
  ASSERT_TRUE(host) << host.error();
  EXPECT_EQ(host->host, "10.0.0.9");

  m_env.erase("DOCKER_CONTEXT");
  host = resolve();
  ASSERT_TRUE(host) << host.error();
  EXPECT_EQ(host->host, "10.0.0.10");
}

TEST_F(DockerHostTest, CurrentContextDefaultMeansTheDefaultSocket) {
  write_config(R"({"currentContext": "default"})");
  auto host = resolve();
  ASSERT_TRUE(host) << host.error();
  EXPECT_EQ(host->url(), "unix:///var/run/docker.sock");
}

TEST_F(DockerHostTest, DockerConfigOverridesHome) {
  std::string other = m_home + "/elsewhere";
  write_context("lab", "unix:///run/lab.sock", false, false, other);
  write_config(R"({"currentContext": "lab"})", other);
  m_env["DOCKER_CONFIG"] = other;
  auto host = resolve();
  ASSERT_TRUE(host) << host.error();
  EXPECT_EQ(host->url(), "unix:///run/lab.sock");
}

TEST_F(DockerHostTest, ContextTlsMaterialAndSkipVerify) {
  write_context("secure", "tcp://manager:2376", false, true);
  write_context("skip", "tcp://manager", true, false);
  auto secure = resolve({.host = std::nullopt, .context = "secure"});
  ASSERT_TRUE(secure) << secure.error();
  ASSERT_TRUE(secure->tls);
  EXPECT_TRUE(secure->tls->verify);
  std::string tls_dir = config_dir() + "/contexts/tls/" + sha256_hex("secure") + "/docker/";
  EXPECT_EQ(secure->tls->ca_file, tls_dir + "ca.pem");
  EXPECT_EQ(secure->tls->cert_file, tls_dir + "cert.pem");
  EXPECT_EQ(secure->tls->key_file, tls_dir + "key.pem");

  auto skip = resolve({.host = std::nullopt, .context = "skip"});
  ASSERT_TRUE(skip) << skip.error();
  ASSERT_TRUE(skip->tls);
  EXPECT_FALSE(skip->tls->verify);
  EXPECT_EQ(skip->port, 2376);  // TLS default port
  EXPECT_TRUE(skip->tls->ca_file.empty());
}

TEST_F(DockerHostTest, MissingOrBrokenContextIsAClearError) {
  m_env["DOCKER_CONTEXT"] = "nope";
  auto host = resolve();
  ASSERT_FALSE(host);
  EXPECT_THAT(host.error(), HasSubstr("context \"nope\" (chosen by DOCKER_CONTEXT) not found"));
  EXPECT_THAT(host.error(), HasSubstr(sha256_hex("nope") + "/meta.json"));

  write(fs::path(config_dir()) / "contexts/meta" / sha256_hex("empty") / "meta.json",
        R"({"Name":"empty","Endpoints":{}})");
  m_env["DOCKER_CONTEXT"] = "empty";
  host = resolve();
  ASSERT_FALSE(host);
  EXPECT_THAT(host.error(), HasSubstr("context \"empty\" has no docker endpoint"));

  m_env.erase("DOCKER_CONTEXT");
  write_config("{ not json");
  host = resolve();
  ASSERT_FALSE(host);
  EXPECT_THAT(host.error(), HasSubstr("config.json is not valid JSON"));
}

TEST_F(DockerHostTest, TlsFromEnvironment) {
  std::string certs = m_home + "/certs";
  for (const char* file : {"ca.pem", "cert.pem", "key.pem"}) {
    write(fs::path(certs) / file, "pem");
  }
  m_env["DOCKER_HOST"] = "tcp://manager";
  m_env["DOCKER_TLS_VERIFY"] = "1";
  m_env["DOCKER_CERT_PATH"] = certs;
  auto host = resolve();
  ASSERT_TRUE(host) << host.error();
  ASSERT_TRUE(host->tls);
  EXPECT_TRUE(host->tls->verify);
  EXPECT_EQ(host->port, 2376);
  EXPECT_EQ(host->tls->ca_file, certs + "/ca.pem");
  EXPECT_EQ(host->tls->cert_file, certs + "/cert.pem");

  // DOCKER_TLS alone: encrypted, not verified.
  m_env.erase("DOCKER_TLS_VERIFY");
  m_env["DOCKER_TLS"] = "1";
  host = resolve();
  ASSERT_TRUE(host) << host.error();
  ASSERT_TRUE(host->tls);
  EXPECT_FALSE(host->tls->verify);

  // Verifying without a CA is refused, as the CLI does.
  m_env["DOCKER_TLS_VERIFY"] = "1";
  m_env["DOCKER_CERT_PATH"] = m_home + "/nowhere";
  host = resolve();
  ASSERT_FALSE(host);
  EXPECT_THAT(host.error(), HasSubstr(m_home + "/nowhere/ca.pem does not exist"));

  // Without DOCKER_CERT_PATH the certificates come from the config dir.
  m_env.erase("DOCKER_CERT_PATH");
  write(fs::path(config_dir()) / "ca.pem", "pem");
  host = resolve();
  ASSERT_TRUE(host) << host.error();
  EXPECT_EQ(host->tls->ca_file, config_dir() + "/ca.pem");
}

struct ParseCase {
  std::string input;
  bool tls;
  std::string url;  // empty: expect an error containing `error`
  std::string error;
};

TEST(ParseDockerHost, Table) {
  const ParseCase cases[] = {
      {"", false, "unix:///var/run/docker.sock", ""},
      {"unix://", false, "unix:///var/run/docker.sock", ""},
      {"unix:///run/user/1000/docker.sock", false, "unix:///run/user/1000/docker.sock", ""},
      {"tcp://h", false, "tcp://h:2375", ""},
      {"tcp://h", true, "tcp://h:2376", ""},
      {"tcp://h:99/p/", false, "tcp://h:99/p", ""},
      {"h:12", false, "tcp://h:12", ""},
      {"tcp://:2375", false, "tcp://localhost:2375", ""},
      {"tcp://[::1]:2375", false, "tcp://[::1]:2375", ""},
      {"tcp://[::1]", true, "tcp://[::1]:2376", ""},
      {"tcp://::1:2375", false, "", "write IPv6 addresses in brackets"},
      {"tcp://h:0", false, "", "port \"0\" is not a number from 1 to 65535"},
      {"tcp://h:http", false, "", "port \"http\" is not a number"},
      {"tcp://[::1", false, "", "missing ']'"},
      {"ssh://user@manager", false, "",
       "ssh:// endpoints (\"ssh://user@manager\") are not supported"},
      {"npipe:////./pipe/docker_engine", false, "", "expected unix:///path/to/socket or tcp://"},
      {"fd://", false, "", "invalid host \"fd://\""},
  };
  for (const auto& c : cases) {
    auto host = parse_docker_host(c.input, c.tls);
    if (c.url.empty()) {
      ASSERT_FALSE(host) << c.input << " parsed as " << host->url();
      EXPECT_THAT(host.error(), HasSubstr(c.error)) << c.input;
    } else {
      ASSERT_TRUE(host) << c.input << ": " << host.error();
      EXPECT_EQ(host->url(), c.url) << c.input;
    }
  }
}

TEST_F(DockerHostTest, BadDockerHostNamesItsOrigin) {
  m_env["DOCKER_HOST"] = "ssh://root@manager";
  auto host = resolve();
  ASSERT_FALSE(host);
  EXPECT_THAT(host.error(), HasSubstr("not supported"));
  EXPECT_THAT(host.error(), HasSubstr("(from DOCKER_HOST)"));
}

}  // namespace
}  // namespace stackc::swarm
