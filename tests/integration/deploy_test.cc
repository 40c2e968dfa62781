// stackc deploy, diff, rm and ps against the lab (the manager on /var/run/docker.sock): a stack
// deployed by `docker stack deploy` is a no-op for stackc, changes show field by field and
// deploy, rm followed by an immediate redeploy works, and a broken file writes nothing.
// Every test uses its own stack name (dep<random>) and removes it afterwards.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fmt/format.h>

#include <map>
#include <random>
#include <string>
#include <vector>

#include "tests/integration/process.h"

namespace stackc {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using testing::run;
using testing::RunOptions;

const std::string k_stacks = std::string(STACKC_SOURCE_DIR) + "/tests/stacks/apply/";
const std::string k_stackc = std::string(STACKC_BINARY_DIR) + "/cli/stackc";

std::string random_suffix() {
  static std::random_device device;
  return fmt::format("{:06x}", device() & 0xffffff);
}

class DeployTest : public ::testing::Test {
 protected:
  void SetUp() override {
    m_stack = "dep" + random_suffix();
    // A port of its own per test, so that a leftover from another run cannot collide.
    m_port = std::to_string(20000 + (std::random_device()() % 9000));
  }
  void TearDown() override {
    run({"docker", "stack", "rm", m_stack});
    // Wait for the stack's networks to go so the lab is clean for the next test.
    testing::poll_until([&] { return list("network").empty(); }, std::chrono::seconds(60));
  }

  RunOptions options() const {
    return RunOptions().in_dir(k_stacks).with_env("DEPLOY_TEST_PORT", m_port);
  }
  testing::ProcessResult stackc(std::vector<std::string> args) const {
    args.insert(args.begin(), k_stackc);
    return run(args, options());
  }
  testing::ProcessResult docker_deploy(const std::string& file) const {
    return run({"docker", "stack", "deploy", "--resolve-image", "never", "-c", file, m_stack},
               options());
  }
  // Names of the stack's objects of one kind (service, network, config, secret).
  std::vector<std::string> list(const std::string& kind) const {
    auto result = run({"docker", kind, "ls", "--filter",
                       "label=com.docker.stack.namespace=" + m_stack, "--format", "{{.Name}}"});
    EXPECT_TRUE(result.ok()) << result.describe();
    return testing::lines(result.out);
  }
  // Service name -> Version.Index.
  std::map<std::string, std::string> versions() const {
    std::map<std::string, std::string> out;
    for (const std::string& name : list("service")) {
      auto result = run({"docker", "service", "inspect", "--format", "{{.Version.Index}}", name});
      EXPECT_TRUE(result.ok()) << result.describe();
      out[name] = testing::trim(result.out);
    }
    return out;
  }
  std::string image_of(const std::string& service) const {
    auto result = run({"docker", "service", "inspect", "--format",
                       "{{.Spec.TaskTemplate.ContainerSpec.Image}}", m_stack + "_" + service});
    EXPECT_TRUE(result.ok()) << result.describe();
    return testing::trim(result.out);
  }

  std::string m_stack;
  std::string m_port;
};

TEST_F(DeployTest, AReferenceDeploymentIsANoOpForDiffAndDeploy) {
  auto reference = docker_deploy("app.yml");
  ASSERT_TRUE(reference.ok()) << reference.describe();

  auto diff = stackc({"diff", "--exit-code", "-c", "app.yml", m_stack});
  EXPECT_EQ(diff.exit_code, 0) << diff.describe() << diff.out;
  EXPECT_THAT(diff.out, HasSubstr("0 to create, 0 to update, 0 to remove, 5 unchanged"));

  auto before = versions();
  ASSERT_EQ(before.size(), 2u);
  auto deploy = stackc({"deploy", "--resolve-image", "never", "-c", "app.yml", m_stack});
  ASSERT_TRUE(deploy.ok()) << deploy.describe();
  EXPECT_THAT(deploy.out, HasSubstr(fmt::format("unchanged service {}_web", m_stack)));
  EXPECT_THAT(deploy.out, HasSubstr("0 created, 0 updated, 5 unchanged, 0 removed"));
  EXPECT_EQ(versions(), before) << "an unchanged service must get no update call";
}

TEST_F(DeployTest, AChangedImageShowsInDiffAndDeploys) {
  ASSERT_TRUE(docker_deploy("app.yml").ok());
  auto diff = stackc({"diff", "--exit-code", "-c", "app-v2.yml", m_stack});
  EXPECT_EQ(diff.exit_code, 3) << diff.describe();
  EXPECT_THAT(diff.out, HasSubstr(fmt::format("~ service {}_web", m_stack)));
  EXPECT_THAT(diff.out,
              HasSubstr(R"(services.web.image (app-v2.yml:5): "nginx:1.19" -> "nginx:1.21")"));
  EXPECT_THAT(diff.out, Not(HasSubstr("s3cr3t")));
  auto cache_version = versions()[m_stack + "_cache"];

  auto deploy = stackc({"deploy", "--resolve-image", "never", "-c", "app-v2.yml", m_stack});
  ASSERT_TRUE(deploy.ok()) << deploy.describe();
  EXPECT_THAT(deploy.out, HasSubstr(fmt::format("updated service {}_web", m_stack)));
  EXPECT_EQ(image_of("web"), "nginx:1.21");
  // The secret came from `docker stack deploy` (no content hash): left alone, so is cache.
  EXPECT_EQ(versions()[m_stack + "_cache"], cache_version);
  auto again = stackc({"diff", "--exit-code", "-c", "app-v2.yml", m_stack});
  EXPECT_EQ(again.exit_code, 0) << again.describe() << again.out;
}

TEST_F(DeployTest, SecretsStackcCreatedRotateByContentWithoutBeingPrinted) {
  auto first = stackc({"deploy", "--resolve-image", "never", "-c", "app.yml", m_stack});
  ASSERT_TRUE(first.ok()) << first.describe();
  EXPECT_THAT(first.out, HasSubstr("5 created"));
  auto diff = stackc({"diff", "--format", "json", "-c", "app-v2.yml", m_stack});
  ASSERT_TRUE(diff.ok()) << diff.describe();
  EXPECT_THAT(diff.out, HasSubstr(fmt::format("\"name\": \"{}_token-", m_stack)));
  EXPECT_THAT(diff.out, HasSubstr("\"sha256\""));
  EXPECT_THAT(diff.out, Not(HasSubstr("s3cr3t")));
  EXPECT_THAT(diff.out, Not(HasSubstr("czNjcjN0")));  // nor its base64

  auto second = stackc({"deploy", "--resolve-image", "never", "-c", "app-v2.yml", m_stack});
  ASSERT_TRUE(second.ok()) << second.describe();
  EXPECT_THAT(second.out, Not(HasSubstr("s3cr3t")));
  auto secrets = list("secret");
  ASSERT_EQ(secrets.size(), 1u) << "the old revision is removed once unused";
  EXPECT_THAT(secrets[0], HasSubstr(m_stack + "_token-"));
  auto ps = stackc({"ps", m_stack});
  ASSERT_TRUE(ps.ok()) << ps.describe();
  EXPECT_THAT(ps.out, HasSubstr(m_stack + "_web.1"));
  EXPECT_THAT(ps.out, HasSubstr("DESIRED STATE"));
}

TEST_F(DeployTest, RmThenAnImmediateRedeployWorks) {
  ASSERT_TRUE(stackc({"deploy", "--resolve-image", "never", "-c", "app.yml", m_stack}).ok());
  auto rm = stackc({"rm", m_stack});
  ASSERT_TRUE(rm.ok()) << rm.describe();
  EXPECT_THAT(rm.out, HasSubstr(fmt::format("removed network {}_default", m_stack)));
  EXPECT_TRUE(list("network").empty());
  EXPECT_TRUE(list("service").empty());
  auto again = stackc({"deploy", "--resolve-image", "never", "-c", "app.yml", m_stack});
  ASSERT_TRUE(again.ok()) << again.describe();
  EXPECT_THAT(again.out, HasSubstr("5 created"));
  auto nothing = stackc({"rm", "dep" + random_suffix() + "none"});
  EXPECT_EQ(nothing.exit_code, 0);
  EXPECT_THAT(nothing.err, HasSubstr("Nothing found in stack"));
}

TEST_F(DeployTest, ABrokenFileOrADryRunWritesNothing) {
  auto broken = stackc({"deploy", "--resolve-image", "never", "-c", "broken.yml", m_stack});
  EXPECT_EQ(broken.exit_code, 1) << broken.describe();
  EXPECT_THAT(broken.err, HasSubstr("broken.yml:"));
  auto dry = stackc({"deploy", "--dry-run", "--resolve-image", "never", "-c", "app.yml", m_stack});
  ASSERT_TRUE(dry.ok()) << dry.describe();
  EXPECT_THAT(dry.out, HasSubstr(fmt::format("+ service {}_web", m_stack)));
  for (const char* kind : {"service", "network", "secret", "config"}) {
    EXPECT_TRUE(list(kind).empty()) << kind;
  }
}

TEST_F(DeployTest, EngineErrorsExitTwoWithTheEnginesWords) {
  auto refused =
      stackc({"diff", "-H", "unix:///tmp/stackc-no-engine-here.sock", "-c", "app.yml", m_stack});
  EXPECT_EQ(refused.exit_code, 2) << refused.describe();
  EXPECT_THAT(refused.err, HasSubstr("/tmp/stackc-no-engine-here.sock"));
  // A published port held outside the stack is refused before any write.
  auto holder = run({"docker", "service", "create", "--detach", "--name", m_stack + "x", "--label",
                     "stackc.test=deploy", "-p", m_port + ":80", "nginx:1.19"},
                    RunOptions().with_timeout(std::chrono::seconds(60)));
  ASSERT_TRUE(holder.ok() || holder.timed_out) << holder.describe();
  auto conflict = stackc({"deploy", "--resolve-image", "never", "-c", "app.yml", m_stack});
  run({"docker", "service", "rm", m_stack + "x"});
  EXPECT_EQ(conflict.exit_code, 2) << conflict.describe();
  EXPECT_THAT(conflict.err, HasSubstr("is already published by service " + m_stack + "x"));
  EXPECT_TRUE(list("network").empty());
}

}  // namespace
}  // namespace stackc
