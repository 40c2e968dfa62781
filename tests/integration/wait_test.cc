// stackc deploy --wait / --timeout / --rollback against the lab: a good stack converges (exit 0),
// a failing update is rolled back to the previous spec (exit 5), the engine's own rollback is
// reported (exit 5), a new stack that fails is removed again (exit 5), and a stack that cannot
// be scheduled times out (exit 6). Stacks are named wt<random> and removed afterwards.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/integration/lab_stack.h"
#include "tests/integration/process.h"

namespace stackc {
namespace {

using ::testing::HasSubstr;
using testing::run;

const std::string k_stacks = std::string(STACKC_SOURCE_DIR) + "/tests/stacks/wait/";

class WaitTest : public testing::LabStackTest {
 protected:
  WaitTest() : LabStackTest("wt", k_stacks) {}
  std::string web() const { return name("web"); }
};

TEST_F(WaitTest, AGoodStackConvergesAndExitsZero) {
  auto result = deploy("good.yml", {"--wait", "--timeout", "120s"});
  EXPECT_EQ(result.exit_code, 0) << result.describe() << result.out;
  EXPECT_THAT(result.out, HasSubstr("waiting up to 2m0s for 1 service(s) to converge"));
  EXPECT_THAT(result.out, HasSubstr(web() + ": 2/2 running, checking they stay up for 1s"));
  EXPECT_THAT(result.out, HasSubstr(web() + ": converged"));
  EXPECT_EQ(inspect("web", "{{.Spec.Mode.Replicated.Replicas}}"), "2");
  auto running = run({"docker", "service", "ps", "--filter", "desired-state=running", "--format",
                      "{{.CurrentState}}", web()});
  ASSERT_TRUE(running.ok()) << running.describe();
  auto states = testing::lines(running.out);
  ASSERT_EQ(states.size(), 2u);
  for (const std::string& state : states) {
    EXPECT_THAT(state, HasSubstr("Running"));
  }
}

TEST_F(WaitTest, AFailingUpdateIsRolledBackToThePreviousSpec) {
  auto first = deploy("good.yml", {"--wait"});
  ASSERT_TRUE(first.ok()) << first.describe() << first.out;
  std::string version = inspect("web", "{{.Version.Index}}");
  auto result = deploy("bad.yml", {"--wait", "--rollback", "--timeout", "120s"});
  EXPECT_EQ(result.exit_code, 5) << result.describe() << result.out;
  EXPECT_THAT(result.out, HasSubstr("updated service " + web()));
  EXPECT_THAT(result.err, HasSubstr("service " + web() +
                                    " failed to converge: service update "
                                    "paused"));
  EXPECT_THAT(result.out, HasSubstr(web() + ": rolled back"));
  EXPECT_THAT(result.err, HasSubstr("rolled back: the services of stack " + m_stack));
  // The live spec is good.yml's again; the failed one is only the previous spec now.
  EXPECT_EQ(inspect("web", "{{json .Spec.TaskTemplate.ContainerSpec.Args}}"), "null");
  EXPECT_EQ(inspect("web", "{{json .PreviousSpec.TaskTemplate.ContainerSpec.Args}}"),
            R"(["false"])");
  EXPECT_NE(inspect("web", "{{.Version.Index}}"), version);
  auto clean = diff("good.yml");
  EXPECT_EQ(clean.exit_code, 0) << clean.describe() << clean.out;
}

TEST_F(WaitTest, TheEnginesOwnRollbackIsReportedWithExitFive) {
  auto first = deploy("good.yml", {"--wait"});
  ASSERT_TRUE(first.ok()) << first.describe() << first.out;
  auto result = deploy("auto-rollback.yml", {"--wait", "--timeout", "120s"});
  EXPECT_EQ(result.exit_code, 5) << result.describe() << result.out;
  EXPECT_THAT(result.out, HasSubstr(web() + ": rolling back"));
  EXPECT_THAT(result.err, HasSubstr("the engine rolled service " + web() + " back"));
  EXPECT_EQ(inspect("web", "{{json .Spec.TaskTemplate.ContainerSpec.Args}}"), "null");
}

TEST_F(WaitTest, ANewStackThatKeepsFailingIsRemovedAgain) {
  auto result = deploy("bad.yml", {"--wait", "--rollback", "--timeout", "120s"});
  EXPECT_EQ(result.exit_code, 5) << result.describe() << result.out;
  EXPECT_THAT(result.err, HasSubstr("tasks failed"));
  EXPECT_THAT(result.err, HasSubstr("non-zero exit (1)"));
  EXPECT_THAT(result.out, HasSubstr(web() + ": removed (this deploy created it)"));
  EXPECT_THAT(result.out, HasSubstr("removed network " + m_stack + "_default"));
  EXPECT_TRUE(list("service").empty());
  // The engine drops its local copy of a removed overlay network a moment later.
  EXPECT_TRUE(
      testing::poll_until([&] { return list("network").empty(); }, std::chrono::seconds(30)));
}

TEST_F(WaitTest, AStackThatCannotBeScheduledTimesOut) {
  auto started = std::chrono::steady_clock::now();
  // --allow-pending: the scheduler's preflight would refuse it before any write; this test is
  // about the wait.
  auto result = deploy("unschedulable.yml", {"--allow-pending", "--wait", "--timeout", "2s"});
  auto took = std::chrono::steady_clock::now() - started;
  EXPECT_EQ(result.exit_code, 6) << result.describe() << result.out;
  EXPECT_THAT(result.err, HasSubstr("timed out after 2s: service " + web() + " is converging"));
  EXPECT_THAT(result.out + result.err, HasSubstr("no suitable node"));
  EXPECT_LT(took, std::chrono::seconds(15));
  EXPECT_EQ(list("service").size(), 1u) << "without --rollback nothing is undone";
  auto usage = deploy("good.yml", {"--rollback"});
  EXPECT_EQ(usage.exit_code, 2);
  EXPECT_THAT(usage.err, HasSubstr("--rollback needs --wait"));
  auto bad_timeout = deploy("good.yml", {"--wait", "--timeout", "5"});
  EXPECT_EQ(bad_timeout.exit_code, 2);
  EXPECT_THAT(bad_timeout.err, HasSubstr("missing unit in duration"));
}

}  // namespace
}  // namespace stackc
