// Image resolution and registry credentials against the lab's real registries
// (scripts/swarm-lab: 127.0.0.1:5050 plain, 127.0.0.1:5051 with htpasswd basic auth): the same
// stack and the same sequence of deploys, once by stackc and once by `docker stack deploy`
// (28.2.2) under the same stack name, must leave exactly the same service specs on the swarm:
// images pinned to `name:tag@sha256:...`, Placement.Platforms from the registry, the tag kept
// (with the reference's warning) when the registry refuses or cannot be reached.
// Every run gets a throw-away DOCKER_CONFIG, so root's own docker login never plays a part.
// Services have no replicas: what is compared is the spec, and nothing needs to pull.

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>

#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "tests/integration/process.h"

namespace stackc {
namespace {

using Json = nlohmann::json;
using ::testing::HasSubstr;
using ::testing::Not;
using testing::run;
using testing::RunOptions;

const std::string k_stackc = std::string(STACKC_BINARY_DIR) + "/cli/stackc";
const std::string k_open = "127.0.0.1:5050";
const std::string k_auth = "127.0.0.1:5051";
const std::string k_user = "stackc-lab";
const std::string k_password_file = "/var/lib/stackc-lab/registry-auth/password";

std::string random_suffix() {
  static std::random_device device;
  return fmt::format("{:06x}", device() & 0xffffff);
}

Json api(const std::string& path) {
  auto result = run({"curl", "-sS", "--fail", "--unix-socket", "/var/run/docker.sock",
                     "http://localhost/v1.41" + path},
                    RunOptions().with_timeout(std::chrono::seconds(20)));
  EXPECT_TRUE(result.ok()) << result.describe();
  return result.ok() ? Json::parse(result.out) : Json();
}

struct Live {
  std::map<std::string, Json> specs;             // service name -> Spec
  std::map<std::string, std::uint64_t> versions;  // service name -> Version.Index
};

std::string password() {
  std::ifstream in(k_password_file);
  std::string text((std::istreambuf_iterator<char>(in)), {});
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) {
    text.pop_back();
  }
  return text;
}

class RegistryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    m_stack = "rg" + random_suffix();
    char pattern[] = "/tmp/stackc-rg-config-XXXXXX";
    m_config = mkdtemp(pattern);
    for (const std::string& registry : {k_open, k_auth}) {
      auto answer = run({"curl", "-s", "-o", "/dev/null", "-w", "%{http_code}",
                         "http://" + registry + "/v2/"});
      ASSERT_THAT(answer.out, ::testing::AnyOf("200", "401"))
          << "the lab registry on " << registry << " does not answer: run scripts/swarm-lab up";
    }
  }
  void TearDown() override {
    remove_stack();
    std::filesystem::remove_all(m_config);
  }

  RunOptions options(const std::string& stack_file) const {
    RunOptions out = RunOptions().with_input(stack_file).with_env("DOCKER_CONFIG", m_config);
    for (const auto& [key, value] : m_env) {
      out.with_env(key, value);
    }
    return out;
  }
  // `tool` deploy of `stack_file` (on stdin) with extra flags; checks it worked and that
  // nothing it printed holds the lab password or its base64 forms.
  testing::ProcessResult deploy(bool ours, const std::string& stack_file,
                                std::vector<std::string> flags) {
    std::vector<std::string> argv =
        ours ? std::vector<std::string>{k_stackc, "deploy"}
             : std::vector<std::string>{"docker", "stack", "deploy"};
    argv.insert(argv.end(), flags.begin(), flags.end());
    argv.insert(argv.end(), {"-c", "-", m_stack});
    auto result = run(argv, options(stack_file));
    EXPECT_TRUE(result.ok()) << result.describe();
    const std::string secret = password();
    if (!secret.empty()) {
      EXPECT_THAT(result.out + result.err, Not(HasSubstr(secret)));
    }
    return result;
  }
  void login() {
    auto result = run({"docker", "login", "-u", k_user, "--password-stdin", k_auth},
                      RunOptions().with_input(password()).with_env("DOCKER_CONFIG", m_config));
    ASSERT_TRUE(result.ok()) << result.describe();
  }
  void logout() {
    std::filesystem::remove(m_config + "/config.json");
  }
  Live live() const {
    Live out;
    std::string filter = fmt::format(
        "?filters=%7B%22label%22%3A%7B%22com.docker.stack.namespace%3D{}%22%3Atrue%7D%7D",
        m_stack);
    std::map<std::string, std::string> network_names;  // the IDs differ between the runs
    for (const Json& network : api("/networks")) {
      network_names[network["Id"]] = network["Name"];
    }
    for (const Json& service : api("/services" + filter)) {
      std::string name = service["Spec"]["Name"];
      out.specs[name] = service["Spec"];
      for (Json& attachment : out.specs[name]["TaskTemplate"]["Networks"]) {
        attachment["Target"] = network_names[attachment["Target"].get<std::string>()];
      }
      out.versions[name] = service["Version"]["Index"];
    }
    return out;
  }
  void remove_stack() {
    auto removed = run({k_stackc, "rm", m_stack});
    EXPECT_TRUE(removed.ok()) << removed.describe();
  }
  // The live specs after running `steps` with stackc, then (after removing the stack) with the
  // reference; both returned for the caller to compare.
  std::pair<Live, Live> both(const std::function<void(bool ours)>& steps) {
    steps(true);
    Live ours = live();
    remove_stack();
    steps(false);
    Live reference = live();
    return {ours, reference};
  }
  static void expect_same(const Live& ours, const Live& reference) {
    ASSERT_EQ(ours.specs.size(), reference.specs.size());
    for (const auto& [name, spec] : reference.specs) {
      auto found = ours.specs.find(name);
      ASSERT_NE(found, ours.specs.end()) << name;
      EXPECT_EQ(found->second.dump(2), spec.dump(2)) << name << ": stackc vs docker stack deploy";
    }
  }
  std::string image(const Live& live, const std::string& service) const {
    return live.specs.at(m_stack + "_" + service)["TaskTemplate"]["ContainerSpec"]["Image"];
  }
  Json placement(const Live& live, const std::string& service) const {
    return live.specs.at(m_stack + "_" + service)["TaskTemplate"].value("Placement", Json());
  }

  std::string m_stack;
  std::string m_config;
  std::map<std::string, std::string> m_env;  // more environment for the deploys
};

std::string stack_file(const std::map<std::string, std::string>& images,
                       const std::string& extra = "") {
  std::string text = "version: \"3.9\"\nservices:\n";
  for (const auto& [key, image] : images) {
    text += fmt::format("  {}:\n    image: {}\n    deploy: {{replicas: 0}}\n", key, image);
    if (!extra.empty() && key == "b") {
      text += extra;
    }
  }
  return text;
}

// The digest a registry holds for repository:tag, asked directly (not through either tool).
std::string registry_digest(const std::string& registry, const std::string& repository,
                            const std::string& tag, const std::string& user = "") {
  std::vector<std::string> argv = {
      "curl", "-sS", "-I", "--fail", "-H",
      "Accept: application/vnd.docker.distribution.manifest.v2+json"};
  RunOptions options;
  if (!user.empty()) {
    argv.insert(argv.end(), {"-K", "-"});  // credentials on stdin, not in argv
    options.with_input("user = \"" + user + "\"\n");
  }
  argv.push_back(fmt::format("http://{}/v2/{}/manifests/{}", registry, repository, tag));
  auto result = run(argv, options);
  EXPECT_TRUE(result.ok()) << result.describe();
  for (const std::string& line : testing::lines(result.out)) {
    if (line.rfind("Docker-Content-Digest: ", 0) == 0 ||
        line.rfind("docker-content-digest: ", 0) == 0) {
      return testing::trim(line.substr(23));
    }
  }
  ADD_FAILURE() << "no digest for " << repository << ":" << tag << " in " << result.out;
  return "";
}

TEST_F(RegistryTest, AlwaysPinsAndFallsBackToTheTagLikeTheReference) {
  const std::string file = stack_file({{"a", k_open + "/lab/nginx"},
                                       {"b", k_open + "/lab/nginx:1.19"},
                                       {"c", k_auth + "/lab/nginx:1.21"},
                                       {"d", "127.0.0.1:5059/lab/nothing:1"}});
  std::string our_err;
  auto [ours, reference] = both([&](bool our) {
    auto result = deploy(our, file, {"--resolve-image", "always"});
    if (our) {
      our_err = result.err;
    }
  });
  expect_same(ours, reference);
  const std::string latest = registry_digest(k_open, "lab/nginx", "latest");
  EXPECT_EQ(image(ours, "a"), k_open + "/lab/nginx:latest@" + latest);
  EXPECT_EQ(image(ours, "b"),
            k_open + "/lab/nginx:1.19@" + registry_digest(k_open, "lab/nginx", "1.19"));
  EXPECT_EQ(placement(ours, "a")["Platforms"],
            Json::parse(R"([{"Architecture":"amd64","OS":"linux"}])"));
  // Unauthorized and unreachable: the tag stays, no platforms, and stackc says why.
  EXPECT_EQ(image(ours, "c"), k_auth + "/lab/nginx:1.21");
  EXPECT_EQ(image(ours, "d"), "127.0.0.1:5059/lab/nothing:1");
  EXPECT_FALSE(placement(ours, "c").contains("Platforms"));
  EXPECT_THAT(our_err, HasSubstr("image " + k_auth +
                                 "/lab/nginx:1.21 could not be accessed on a registry to "
                                 "record its digest"));
  EXPECT_THAT(our_err, HasSubstr("image 127.0.0.1:5059/lab/nothing:1 could not be accessed"));
}

TEST_F(RegistryTest, ChangedResolvesOnlyChangedImagesLikeTheReference) {
  // b changes its environment only (an update that keeps its pinned image), a changes image.
  const std::string v1 =
      stack_file({{"a", k_open + "/lab/nginx:1.19"}, {"b", k_open + "/lab/redis:6.0-alpine"}});
  const std::string v2 =
      stack_file({{"a", k_open + "/lab/nginx:1.21"}, {"b", k_open + "/lab/redis:6.0-alpine"}},
                 "    environment: [MODE=2]\n");
  auto [ours, reference] = both([&](bool our) {
    deploy(our, v1, {"--resolve-image", "changed"});
    deploy(our, v2, {"--resolve-image", "changed"});
  });
  expect_same(ours, reference);
  EXPECT_EQ(image(ours, "a"),
            k_open + "/lab/nginx:1.21@" + registry_digest(k_open, "lab/nginx", "1.21"));
  EXPECT_TRUE(placement(ours, "a").contains("Platforms"));
  EXPECT_EQ(image(ours, "b"), k_open + "/lab/redis:6.0-alpine@" +
                                  registry_digest(k_open, "lab/redis", "6.0-alpine"));
  // The reference sends b's update without asking the registry, so Platforms are gone.
  EXPECT_FALSE(placement(ours, "b").contains("Platforms"));
}

TEST_F(RegistryTest, AnUnchangedServiceIsLeftAloneWhereTheReferenceRewritesIt) {
  // The one deliberate difference: on a redeploy with `changed` (or `never`) the reference
  // sends every service again, without Platforms; stackc writes nothing when nothing changed,
  // so the service keeps the Platforms of its first deploy.
  const std::string file = stack_file({{"a", k_open + "/lab/nginx:1.19"}});
  auto [ours, reference] = both([&](bool our) {
    deploy(our, file, {"--resolve-image", "always"});
    Live first = live();
    auto again = deploy(our, file, {"--resolve-image", "changed"});
    if (our) {
      EXPECT_EQ(live().versions, first.versions) << "stackc wrote an unchanged service";
      EXPECT_THAT(again.out, HasSubstr("0 created, 0 updated"));
    } else {
      EXPECT_NE(live().versions, first.versions);
    }
  });
  EXPECT_EQ(image(ours, "a"), image(reference, "a"));
  EXPECT_TRUE(placement(ours, "a").contains("Platforms"));
  EXPECT_FALSE(placement(reference, "a").contains("Platforms"));
}

TEST_F(RegistryTest, WithRegistryAuthPinsPrivateImagesLikeTheReference) {
  const std::string file = stack_file({{"a", k_auth + "/lab/nginx:1.21"}});
  const std::string pinned =
      k_auth + "/lab/nginx:1.21@" +
      registry_digest(k_auth, "lab/nginx", "1.21", k_user + ":" + password());
  std::vector<std::string> our_output;
  auto [ours, reference] = both([&](bool our) {
    logout();
    // Not logged in: the registry says 401, the tag stays, with or without the flag.
    deploy(our, file, {"--resolve-image", "always", "--with-registry-auth"});
    EXPECT_EQ(image(live(), "a"), k_auth + "/lab/nginx:1.21");
    login();
    // Logged in but without the flag: nothing is sent, still the tag.
    auto without = deploy(our, file, {"--resolve-image", "always"});
    EXPECT_EQ(image(live(), "a"), k_auth + "/lab/nginx:1.21");
    auto with = deploy(our, file, {"--resolve-image", "always", "--with-registry-auth"});
    EXPECT_EQ(image(live(), "a"), pinned);
    if (our) {
      EXPECT_THAT(without.err, HasSubstr("could not be accessed on a registry"));
      EXPECT_THAT(with.err, Not(HasSubstr("could not be accessed on a registry")));
      our_output = {without.out, without.err, with.out, with.err};
    }
    // `always` sends what the registry says now: refused, the pinned service goes back to
    // the tag (the reference does not keep the old digest either).
    logout();
    deploy(our, file, {"--resolve-image", "always", "--with-registry-auth"});
    EXPECT_EQ(image(live(), "a"), k_auth + "/lab/nginx:1.21");
    login();
  });
  expect_same(ours, reference);
  // The stored auth is not part of the spec the engine shows.
  EXPECT_THAT(ours.specs.begin()->second.dump(), Not(HasSubstr("PullOptions")));
  // Neither the password nor the header's base64 ever shows.
  std::string config;
  {
    std::ifstream in(m_config + "/config.json");
    config.assign(std::istreambuf_iterator<char>(in), {});
  }
  Json auths = Json::parse(config)["auths"];
  ASSERT_TRUE(auths.contains(k_auth));
  std::string basic = auths[k_auth]["auth"];
  for (const std::string& text : our_output) {
    EXPECT_THAT(text, Not(HasSubstr(password())));
    EXPECT_THAT(text, Not(HasSubstr(basic)));
  }
}

TEST_F(RegistryTest, DockerAuthConfigIsIgnoredLikeTheReference) {
  // docker 28.2.2 knows the variable's name but neither stack deploy nor pull takes
  // credentials from it: the image stays unpinned with both tools.
  auto encoded = run({"base64", "-w0"}, RunOptions().with_input(k_user + ":" + password()));
  ASSERT_TRUE(encoded.ok());
  m_env["DOCKER_AUTH_CONFIG"] =
      R"({"auths": {")" + k_auth + R"(": {"auth": ")" + testing::trim(encoded.out) + R"("}}})";
  const std::string file = stack_file({{"a", k_auth + "/lab/nginx:1.19"}});
  auto [ours, reference] = both([&](bool our) {
    deploy(our, file, {"--resolve-image", "always", "--with-registry-auth"});
  });
  expect_same(ours, reference);
  EXPECT_EQ(image(ours, "a"), k_auth + "/lab/nginx:1.19");
}

TEST_F(RegistryTest, AMissingCredentialHelperStopsBeforeAnyChange) {
  std::ofstream(m_config + "/config.json") << R"({"credsStore": "stackc-test-nosuch"})";
  auto result = run({k_stackc, "deploy", "--with-registry-auth", "-c", "-", m_stack},
                    options(stack_file({{"a", k_auth + "/lab/nginx:1.21"}})));
  EXPECT_EQ(result.exit_code, 2) << result.describe();
  EXPECT_THAT(result.err, HasSubstr("docker-credential-stackc-test-nosuch"));
  EXPECT_THAT(result.err, HasSubstr("not installed"));
  EXPECT_TRUE(live().specs.empty());
  auto networks = api(fmt::format(
      "/networks?filters=%7B%22label%22%3A%7B%22com.docker.stack.namespace%3D{}%22%3Atrue%7D%7D",
      m_stack));
  EXPECT_TRUE(networks.empty()) << networks.dump();
}

}  // namespace
}  // namespace stackc
