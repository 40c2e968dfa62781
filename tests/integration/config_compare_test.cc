// `stackc config` against the reference: for every stack under tests/stacks/config, the output
// of `stackc config` must be byte for byte what `docker stack config` (the docker CLI first on
// PATH, 28.x on these machines) prints for the same files and environment. Needs no engine.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <string>
#include <vector>

#include "tests/integration/process.h"

namespace stackc {
namespace {

using testing::run;
using testing::RunOptions;

const std::string k_stacks = std::string(STACKC_SOURCE_DIR) + "/tests/stacks/config/";
const std::string k_stackc = std::string(STACKC_BINARY_DIR) + "/cli/stackc";

struct Case {
  const char* name;
  std::vector<std::string> files;  // relative to tests/stacks/config
};

// Every key family: ports, volumes, environment, deploy, placement, resources,
// restart/update/rollback config, healthcheck, secrets, configs, networks, logging, ulimits,
// anchors and merge keys, interpolation, ignored keys, no version, several -c files, and the
// keys of 3.10–3.13.
const std::vector<Case> k_cases = {
    {"ports", {"01-ports.yml"}},
    {"volumes", {"02-volumes.yml"}},
    {"environment", {"03-environment.yml"}},
    {"deploy", {"04-deploy.yml"}},
    {"placement_resources", {"05-placement-resources.yml"}},
    {"healthcheck", {"06-healthcheck.yml"}},
    {"secrets_configs", {"07-secrets-configs.yml"}},
    {"networks", {"08-networks.yml"}},
    {"logging_ulimits", {"09-logging-ulimits.yml"}},
    {"anchors_merge", {"10-anchors-merge.yml"}},
    {"command_misc", {"11-command-misc.yml"}},
    {"ignored_keys", {"12-ignored-keys.yml"}},
    {"interpolation", {"13-interpolation.yml"}},
    {"no_version", {"14-no-version.yml"}},
    {"odd_strings", {"15-odd-strings.yml"}},
    {"traefik", {"16-traefik.yml"}},
    {"monitoring", {"17-monitoring.yml"}},
    {"swarmpit", {"18-swarmpit.yml"}},
    {"app_env_file", {"19-app-env-file.yml"}},
    {"multi_file", {"multi/base.yml", "multi/prod.yml"}},
    {"multi_file_reversed", {"multi/prod.yml", "multi/base.yml"}},
    {"multi_file_edges", {"multi/edge-base.yml", "multi/edge-override.yml"}},
    {"multi_file_edges_reversed", {"multi/edge-override.yml", "multi/edge-base.yml"}},
    {"dailylog", {"../../../examples/dailylog/docker-compose.yml"}},
    // Compose 3.10–3.13 (the docker CLI 28's newest schemas) and a versionless file (3.13).
    {"v3_10_cluster_volumes", {"20-v3.10.yml"}},
    {"v3_11_build_keys", {"21-v3.11.yml"}},
    {"v3_12_start_interval", {"22-v3.12.yml"}},
    {"v3_13_driver_opts_oom", {"23-v3.13.yml"}},
    {"no_version_3_13_keys", {"24-no-version-3.13.yml"}},
    {"multi_file_3_13", {"multi/v313-base.yml", "multi/v313-override.yml"}},
};

// The same environment for both programs: one variable set but empty, the others unset so
// that defaults apply, and a fixed HOME for "~" and $HOME.
RunOptions environment() {
  RunOptions options;
  options.env = {{"STACKC_TEST_EMPTY", ""}, {"HOME", "/home/stackc-test"}};
  options.timeout = std::chrono::seconds(30);
  return options;
}

std::vector<std::string> command(const std::string& program,
                                 const std::vector<std::string>& files) {
  std::vector<std::string> argv = {program};
  if (program != k_stackc) {
    argv.push_back("stack");
  }
  argv.push_back("config");
  for (const std::string& file : files) {
    argv.push_back("-c");
    argv.push_back(k_stacks + file);
  }
  return argv;
}

class ConfigCompare : public ::testing::TestWithParam<Case> {};

TEST_P(ConfigCompare, SameOutputAsDockerStackConfig) {
  const Case& c = GetParam();
  auto reference = run(command("docker", c.files), environment());
  ASSERT_TRUE(reference.ok()) << reference.describe();
  auto ours = run(command(k_stackc, c.files), environment());
  ASSERT_TRUE(ours.ok()) << ours.describe();
  EXPECT_EQ(ours.out, reference.out);
}

INSTANTIATE_TEST_SUITE_P(Stacks, ConfigCompare, ::testing::ValuesIn(k_cases),
                         [](const ::testing::TestParamInfo<Case>& info) {
                           return std::string(info.param.name);
                         });

// docker/cli's own loader fixture (cli/compose/loader/full-example.yml and its env files, at
// the tag of the docker CLI on the machine, v28.2.2; Apache-2.0; see the README beside it),
// with the environment its loader test uses: every key the reference reads, byte for byte.
TEST(FullExample, ConfigSameAsDockerStackConfig) {
  const std::string file = std::string(STACKC_SOURCE_DIR) +
                           "/tests/stacks/reference/docker-cli-full-example/full-example.yml";
  RunOptions options = environment();
  options.env.emplace_back("QUX", "qux_from_environment");
  auto ours = run({k_stackc, "config", "-c", file}, options);
  auto reference = run({"docker", "stack", "config", "-c", file}, options);
  ASSERT_TRUE(reference.ok()) << reference.describe();
  ASSERT_TRUE(ours.ok()) << ours.describe();
  EXPECT_EQ(ours.out, reference.out);
  EXPECT_THAT(ours.out, ::testing::HasSubstr("required_bytes: \"1073741824\""));
}

// A generated stack of many services (bench/gen-stack): map key order ("svc-2" before
// "svc-10"), anchors and merge keys at scale.
TEST(ConfigReference, GeneratedStackMatches) {
  std::string path = ::testing::TempDir() + "/stackc-generated.yml";
  auto generated =
      testing::run_shell(std::string(STACKC_SOURCE_DIR) + "/bench/gen-stack 250 > " + path);
  ASSERT_TRUE(generated.ok()) << generated.describe();
  auto reference = run({"docker", "stack", "config", "-c", path}, environment());
  ASSERT_TRUE(reference.ok()) << reference.describe();
  auto ours = run({k_stackc, "config", "-c", path}, environment());
  ASSERT_TRUE(ours.ok()) << ours.describe();
  EXPECT_EQ(ours.out, reference.out);
  std::remove(path.c_str());
}

TEST(ConfigReference, DockerOnPathIsTheReferenceCli) {
  auto version = run({"docker", "version", "--format", "{{.Client.Version}}"}, environment());
  // The client answers even when no engine does; only its own version matters here.
  EXPECT_THAT(version.out, ::testing::StartsWith("28.")) << version.describe();
}

}  // namespace
}  // namespace stackc
