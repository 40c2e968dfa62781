// stackc deploy --wait --rollback after a write the engine refuses part-way through the apply,
// and --prune with --wait, against the lab (stacks in tests/stacks/rollback/). The refused write
// is a real engine refusal: a negative update delay ("TaskSpec: update-delay cannot be
// negative"), which lint reports (STK130) and deploy therefore refuses unless --no-lint, as
// here. It comes in the second depends_on wave, after an update and a network create of the
// same deploy. One refusal lint cannot catch is tested too: a network driver the engine has no
// plugin for.
// Stacks are named gap<random> and removed afterwards.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/integration/lab_stack.h"
#include "tests/integration/process.h"

namespace stackc {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using testing::run;
using testing::RunOptions;

const std::string k_stacks = std::string(STACKC_SOURCE_DIR) + "/tests/stacks/rollback/";

class RollbackTest : public testing::LabStackTest {
 protected:
  RollbackTest() : LabStackTest("gap", k_stacks) {}
  void deploy_v1() const {
    auto first = deploy("v1.yml", {"--wait", "--timeout", "60s"});
    ASSERT_EQ(first.exit_code, 0) << first.describe() << first.out;
  }
};

TEST_F(RollbackTest, AWriteTheEngineRefusesIsRolledBack) {
  deploy_v1();
  std::string web_version = inspect("web", "{{.Version.Index}}");
  auto result = deploy("rejected.yml", {"--no-lint", "--wait", "--rollback", "--timeout", "60s"});
  EXPECT_EQ(result.exit_code, 5) << result.describe() << result.out;
  // What happened before the refusal, the refusal in the engine's words, then the undoing.
  EXPECT_THAT(result.out, HasSubstr("updated service " + name("api")));
  EXPECT_THAT(result.out, HasSubstr("created network " + name("extra")));
  EXPECT_THAT(result.err, HasSubstr("failed to update service " + name("web")));
  EXPECT_THAT(result.err, HasSubstr("update-delay cannot be negative"));
  EXPECT_THAT(result.err, HasSubstr("rolling back the 2 change(s) above"));
  EXPECT_THAT(result.out, HasSubstr(name("api") + ": rolled back"));
  EXPECT_THAT(result.out, HasSubstr("removed network " + name("extra")));
  EXPECT_THAT(result.err, HasSubstr("rolled back: the services of stack " + m_stack));
  // api is on v1's spec again, the refused web was never changed, the new network is gone.
  EXPECT_EQ(inspect("api", "{{json .Spec.TaskTemplate.ContainerSpec.Env}}"), R"(["RELEASE=1"])");
  EXPECT_EQ(inspect("web", "{{.Version.Index}}"), web_version);
  EXPECT_TRUE(testing::poll_until(
      [&] { return list("network") == std::vector<std::string>{name("default")}; },
      std::chrono::seconds(30)));
  auto clean = diff("v1.yml");
  EXPECT_EQ(clean.exit_code, 0) << clean.describe() << clean.out;
}

// A refusal lint cannot foresee: a network driver the engine has no plugin for.
TEST_F(RollbackTest, ANetworkTheEngineRefusesUndoesTheNetworksCreatedBeforeIt) {
  auto lint =
      run({stackc(), "lint", "--no-config", "unknown-driver.yml"}, RunOptions().in_dir(k_stacks));
  EXPECT_EQ(lint.exit_code, 0) << lint.describe() << lint.out;
  deploy_v1();
  auto result = deploy("unknown-driver.yml", {"--wait", "--rollback", "--parallel", "1"});
  EXPECT_EQ(result.exit_code, 5) << result.describe() << result.out;
  EXPECT_THAT(result.out, HasSubstr("created network " + name("added")));
  EXPECT_THAT(result.err, HasSubstr("failed to create network " + name("plugin")));
  EXPECT_THAT(result.err, HasSubstr("plugin \"nosuchdriver\" not found"));
  EXPECT_THAT(result.out, HasSubstr("removed network " + name("added")));
  EXPECT_THAT(result.out, Not(HasSubstr("updated service")));
  EXPECT_TRUE(testing::poll_until(
      [&] { return list("network") == std::vector<std::string>{name("default")}; },
      std::chrono::seconds(30)));
  auto clean = diff("v1.yml");
  EXPECT_EQ(clean.exit_code, 0) << clean.describe() << clean.out;
}

TEST_F(RollbackTest, AWriteTheEngineRefusesWithoutRollbackIsReportedAndLeftForARerun) {
  deploy_v1();
  auto result = deploy("rejected.yml", {"--no-lint", "--wait", "--timeout", "60s"});
  EXPECT_EQ(result.exit_code, 2) << result.describe() << result.out;
  EXPECT_THAT(result.err, HasSubstr("failed to update service " + name("web")));
  EXPECT_THAT(result.err, HasSubstr("deploy stopped after a failure; the 2 change(s) above were "
                                    "made. Run the deploy again to converge."));
  EXPECT_THAT(result.out, Not(HasSubstr("waiting up to")));
  // Nothing was undone: the half-applied state is what diff shows against v1.
  EXPECT_EQ(inspect("api", "{{json .Spec.TaskTemplate.ContainerSpec.Env}}"), R"(["RELEASE=2"])");
  auto changed = diff("v1.yml");
  EXPECT_EQ(changed.exit_code, 3) << changed.describe() << changed.out;
  EXPECT_THAT(changed.out, HasSubstr("~ service " + name("api")));
}

TEST_F(RollbackTest, APruneWithWaitRemovesOnlyAfterTheUpdatedServicesConverged) {
  deploy_v1();
  auto result = deploy("pruned.yml", {"--wait", "--prune", "--timeout", "60s"});
  EXPECT_EQ(result.exit_code, 0) << result.describe() << result.out;
  size_t converged = result.out.find(name("api") + ": converged");
  size_t removed = result.out.find("removed service " + name("old"));
  ASSERT_NE(converged, std::string::npos) << result.out;
  ASSERT_NE(removed, std::string::npos) << result.out;
  EXPECT_LT(converged, removed) << result.out;
  EXPECT_THAT(list("service"), ::testing::UnorderedElementsAre(name("api"), name("web")));
  auto clean = diff("pruned.yml");
  EXPECT_EQ(clean.exit_code, 0) << clean.describe() << clean.out;
}

TEST_F(RollbackTest, APruneWhoseRolloutFailsRemovesNothing) {
  deploy_v1();
  auto failed = deploy("pruned-failing.yml", {"--wait", "--prune", "--timeout", "60s"});
  EXPECT_EQ(failed.exit_code, 4) << failed.describe() << failed.out;
  EXPECT_THAT(failed.err, HasSubstr("the 1 removal(s) of this deploy were not made"));
  EXPECT_THAT(failed.out, Not(HasSubstr("removed service")));
  EXPECT_EQ(list("service").size(), 3u);
  // Running the same files again changes nothing, but api is still paused on them: the wait
  // fails again rather than calling the stack deployed and pruning.
  auto again = deploy("pruned-failing.yml", {"--wait", "--prune", "--timeout", "60s"});
  EXPECT_EQ(again.exit_code, 4) << again.describe() << again.out;
  EXPECT_THAT(again.out, HasSubstr("unchanged service " + name("api")));
  EXPECT_THAT(again.err, HasSubstr("service " + name("api") + " failed to converge"));
  EXPECT_EQ(list("service").size(), 3u);
}

TEST_F(RollbackTest, APruneWhoseRolloutIsRolledBackRemovesNothing) {
  deploy_v1();
  auto back = deploy("pruned-failing.yml", {"--wait", "--prune", "--rollback", "--timeout", "60s"});
  EXPECT_EQ(back.exit_code, 5) << back.describe() << back.out;
  EXPECT_THAT(back.err, HasSubstr("the 1 removal(s) of this deploy were not made"));
  EXPECT_THAT(back.out, Not(HasSubstr("removed service")));
  EXPECT_THAT(back.out, HasSubstr(name("api") + ": rolled back"));
  EXPECT_THAT(list("service"),
              ::testing::UnorderedElementsAre(name("api"), name("web"), name("old")));
  auto clean = diff("v1.yml");
  EXPECT_EQ(clean.exit_code, 0) << clean.describe() << clean.out;
}

}  // namespace
}  // namespace stackc
