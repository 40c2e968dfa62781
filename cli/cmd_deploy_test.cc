// stackc deploy against a fake engine, for faults the lab cannot make on demand: what the CLI
// says and its exit status. The policy itself (what is written, undone and kept) is tested
// without the CLI in backends/swarm/deploy_test.cc. An HTTP 500 on a service update part-way
// through the apply: with --wait --rollback the exit status is 5 and diff against the previous
// files is clean; without --rollback the half-apply is reported (exit 2) and a re-run
// converges. A service an earlier rollout left paused fails --wait (exit 4). A stack lint finds
// errors in is refused before any write (exit 1) unless --no-lint.

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "backends/swarm/fake_swarm.h"
#include "cli/commands.h"
#include "cli/exit_status.h"

namespace stackc {
namespace {

using swarm::testing::FakeSwarm;
using ::testing::HasSubstr;
using ::testing::Not;

// v1: api <- web (depends_on, the second wave) and old. v2 updates api (and gives it a new
// network) and web, and drops old.
constexpr const char* k_v1 = R"(version: "3.9"
x-deploy: &deploy
  replicas: 0
  update_config: {monitor: 50ms}
  rollback_config: {monitor: 50ms}
services:
  api:
    image: nginx:1.19
    environment: {RELEASE: "1"}
    deploy: *deploy
  web:
    image: nginx:1.19
    depends_on: [api]
    environment: {RELEASE: "1"}
    deploy: *deploy
  old:
    image: nginx:1.19
    deploy: *deploy
)";
constexpr const char* k_v2 = R"(version: "3.9"
x-deploy: &deploy
  replicas: 0
  update_config: {monitor: 50ms}
  rollback_config: {monitor: 50ms}
services:
  api:
    image: nginx:1.19
    environment: {RELEASE: "2"}
    networks: [default, extra]
    deploy: *deploy
  web:
    image: nginx:1.19
    depends_on: [api]
    environment: {RELEASE: "2"}
    deploy: *deploy
networks:
  extra: {}
)";

class DeployFaultTest : public ::testing::Test {
 protected:
  void SetUp() override {
    m_dir =
        std::filesystem::temp_directory_path() / fmt::format("stackc-deploy-test-{}", ::getpid());
    std::filesystem::create_directories(m_dir);
    std::ofstream(m_dir / "v1.yml") << k_v1;
    std::ofstream(m_dir / "v2.yml") << k_v2;
    std::string v1 = k_v1;
    std::ofstream(m_dir / "v1-without-old.yml") << v1.substr(0, v1.find("  old:"));
    // v2 with a negative update delay for web: lint's STK130, which the engine refuses only
    // when web's update comes, after api's.
    std::string v2 = k_v2;
    v2.replace(v2.rfind("deploy: *deploy"), std::string("deploy: *deploy").size(),
               "deploy: {replicas: 0, update_config: {delay: -1s}}");
    std::ofstream(m_dir / "v2-negative-delay.yml") << v2;
  }
  void TearDown() override { std::filesystem::remove_all(m_dir); }

  struct Output {
    int status = 0;
    std::string out;
    std::string err;
  };
  Output deploy(const std::string& file, bool wait, bool rollback, bool no_lint = false) {
    DeployOptions options;
    options.no_lint = no_lint;
    options.files = {(m_dir / file).string()};
    options.stack = "gap";
    options.prune = true;
    options.resolve_image = "never";
    options.parallel = 1;
    options.host = m_swarm.host();
    options.wait = wait;
    options.rollback = rollback;
    if (wait) {
      options.timeout = "20s";
    }
    return capture([&] { return run_deploy(GlobalOptions{}, options); });
  }
  Output diff(const std::string& file) {
    DiffOptions options;
    options.files = {(m_dir / file).string()};
    options.stack = "gap";
    options.exit_code = true;
    options.host = m_swarm.host();
    return capture([&] { return run_diff(GlobalOptions{}, options); });
  }
  template <typename Run>
  static Output capture(Run run) {
    ::testing::internal::CaptureStdout();
    ::testing::internal::CaptureStderr();
    Output output;
    output.status = run();
    output.out = ::testing::internal::GetCapturedStdout();
    output.err = ::testing::internal::GetCapturedStderr();
    return output;
  }

  FakeSwarm m_swarm;
  std::filesystem::path m_dir;
};

TEST_F(DeployFaultTest, AnEngineErrorMidApplyIsRolledBackWithWaitRollback) {
  auto first = deploy("v1.yml", false, false);
  ASSERT_EQ(first.status, k_exit_ok) << first.err;
  m_swarm.fail_update("gap_web");
  auto result = deploy("v2.yml", true, true);
  EXPECT_EQ(result.status, k_exit_rolled_back) << result.out << result.err;
  EXPECT_THAT(result.out, HasSubstr("created network gap_extra"));
  EXPECT_THAT(result.out, HasSubstr("updated service gap_api"));
  EXPECT_THAT(result.err, HasSubstr("failed to update service gap_web"));
  EXPECT_THAT(result.err, HasSubstr("raft lost quorum"));
  EXPECT_THAT(result.err, HasSubstr("rolling back the 2 change(s) above"));
  EXPECT_THAT(result.err, HasSubstr("the 1 removal(s) of this deploy were not made"));
  EXPECT_THAT(result.out, HasSubstr("gap_api: rolled back"));
  EXPECT_THAT(result.out, HasSubstr("removed network gap_extra"));
  EXPECT_THAT(result.err, HasSubstr("rolled back: the services of stack gap are as before"));
  // What the rollback wrote is backends/swarm/deploy_test.cc's business; here the previous
  // files diff clean.
  auto clean = diff("v1.yml");
  EXPECT_EQ(clean.status, k_exit_ok) << clean.out << clean.err;
}

TEST_F(DeployFaultTest, AnEngineErrorMidApplyWithoutRollbackIsReportedNotUndone) {
  auto first = deploy("v1.yml", false, false);
  ASSERT_EQ(first.status, k_exit_ok) << first.err;
  m_swarm.fail_update("gap_web");
  auto result = deploy("v2.yml", true, false);
  EXPECT_EQ(result.status, k_exit_usage) << result.out << result.err;
  EXPECT_THAT(result.err, HasSubstr("failed to update service gap_web"));
  EXPECT_THAT(result.err, HasSubstr("the 1 removal(s) of this deploy were not made"));
  EXPECT_THAT(result.err, HasSubstr("the 2 change(s) above were made. Run the deploy again"));
  EXPECT_THAT(result.out, Not(HasSubstr("rolling back")));
  // A re-run converges: web is written, old removed.
  auto again = deploy("v2.yml", true, false);
  EXPECT_EQ(again.status, k_exit_ok) << again.out << again.err;
  EXPECT_FALSE(m_swarm.service("gap_old").has_value());
  auto clean = diff("v2.yml");
  EXPECT_EQ(clean.status, k_exit_ok) << clean.out << clean.err;
}

TEST_F(DeployFaultTest, AServiceLeftPausedByAnEarlierRolloutFailsTheWaitAndBlocksThePrune) {
  auto first = deploy("v1.yml", false, false);
  ASSERT_EQ(first.status, k_exit_ok) << first.err;
  m_swarm.pause("gap_api");  // the same files' rollout failed earlier: api is unchanged now
  for (bool rollback : {false, true}) {
    auto result = deploy("v1-without-old.yml", true, rollback);
    EXPECT_EQ(result.status, k_exit_rollout_failed) << result.out << result.err;
    EXPECT_THAT(result.out, HasSubstr("unchanged service gap_api"));
    EXPECT_THAT(result.out, HasSubstr("waiting up to 20s for 1 service(s) to converge"));
    EXPECT_THAT(result.err, HasSubstr("service gap_api failed to converge: service update paused"));
    EXPECT_THAT(result.err, HasSubstr("the 1 removal(s) of this deploy were not made"));
    EXPECT_THAT(result.out, Not(HasSubstr("rolling back")));  // this deploy changed nothing
  }
}

TEST_F(DeployFaultTest, AStackWithLintErrorsIsRefusedBeforeAnyWrite) {
  auto first = deploy("v1.yml", false, false);
  ASSERT_EQ(first.status, k_exit_ok) << first.err;
  const size_t writes = m_swarm.writes().size();
  auto refused = deploy("v2-negative-delay.yml", false, false);
  EXPECT_EQ(refused.status, k_exit_invalid) << refused.out << refused.err;
  EXPECT_THAT(refused.err, HasSubstr("v2-negative-delay.yml:16:"));
  EXPECT_THAT(refused.err, HasSubstr("update_config.delay of service 'web' is negative [STK130]"));
  EXPECT_THAT(refused.err, HasSubstr("lint found 1 error(s) in the stack files; nothing was "
                                     "changed (--no-lint deploys anyway)"));
  EXPECT_EQ(m_swarm.writes().size(), writes) << ::testing::PrintToString(m_swarm.writes());
  // Warnings (no healthcheck, no memory limit) are lint's business, not deploy's.
  EXPECT_THAT(refused.err, Not(HasSubstr("warning:")));

  // --no-lint sends it: here the fake engine takes it.
  auto forced = deploy("v2-negative-delay.yml", false, false, /*no_lint=*/true);
  EXPECT_EQ(forced.status, k_exit_ok) << forced.out << forced.err;
  EXPECT_GT(m_swarm.writes().size(), writes);
}

}  // namespace
}  // namespace stackc
