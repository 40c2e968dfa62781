// stackc rollback against the lab (stacks in tests/stacks/stack-rollback/): after a deploy that
// changed two services, a stack rollback puts both back, dependents first, and `stackc diff`
// against the old files is clean; a service with no previous spec is left alone, and an
// unknown service name is a usage error. Stacks are named rbk<random> and removed afterwards.

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

const std::string k_stacks = std::string(STACKC_SOURCE_DIR) + "/tests/stacks/stack-rollback/";

class StackRollbackTest : public testing::LabStackTest {
 protected:
  StackRollbackTest() : LabStackTest("rbk", k_stacks) {}
  testing::ProcessResult rollback(std::vector<std::string> args) const {
    std::vector<std::string> all = {stackc(), "rollback", m_stack};
    all.insert(all.end(), args.begin(), args.end());
    return run(all, testing::RunOptions().in_dir(k_stacks).with_timeout(std::chrono::seconds(300)));
  }
};

TEST_F(StackRollbackTest, ATwoServiceUpdateGoesBackDependentsFirstAndDiffIsClean) {
  // v1 is not waited for: v2's --wait watches the tasks that replace v1's.
  auto first = deploy("v1.yml", {});
  ASSERT_TRUE(first.ok()) << first.describe() << first.out;
  auto second = deploy("v2.yml", {"--wait", "--timeout", "120s"});
  ASSERT_TRUE(second.ok()) << second.describe() << second.out;
  ASSERT_EQ(diff("v1.yml").exit_code, 3);

  auto result = rollback({"--wait", "--timeout", "120s", "-c", "v2.yml"});
  EXPECT_EQ(result.exit_code, 0) << result.describe() << result.out;
  // web depends on api: it is asked first.
  auto web_at = result.out.find(name("web") + ": rolling back\n");
  auto api_at = result.out.find(name("api") + ": rolling back\n");
  ASSERT_NE(web_at, std::string::npos) << result.out;
  ASSERT_NE(api_at, std::string::npos) << result.out;
  EXPECT_LT(web_at, api_at) << result.out;
  EXPECT_THAT(result.out, HasSubstr(name("web") + ": rolled back"));
  EXPECT_THAT(result.out, HasSubstr(name("api") + ": rolled back"));
  EXPECT_THAT(result.out, HasSubstr(name("solo") + ": has no previous spec; left alone"));
  EXPECT_THAT(result.out, HasSubstr("stack " + m_stack + ": 2 rolled back, 1 left alone"));
  EXPECT_EQ(inspect("api", "{{.UpdateStatus.State}}"), "rollback_completed");
  EXPECT_LE(inspect("web", "{{.UpdateStatus.StartedAt.UnixNano}}"),
            inspect("api", "{{.UpdateStatus.StartedAt.UnixNano}}"));
  auto clean = diff("v1.yml");
  EXPECT_EQ(clean.exit_code, 0) << clean.describe() << clean.out;

  // Asked again: both were just rolled back, so neither is asked (that would roll forward).
  auto again = rollback({});
  EXPECT_EQ(again.exit_code, 0) << again.describe() << again.out;
  EXPECT_THAT(again.out, HasSubstr(name("api") + ": rolling back (already; not asked again)"));
  EXPECT_EQ(diff("v1.yml").exit_code, 0);
}

TEST_F(StackRollbackTest, AServiceWithNoPreviousSpecIsLeftAloneAndUnknownNamesAreRefused) {
  auto first = deploy("v1.yml", {});
  ASSERT_TRUE(first.ok()) << first.describe() << first.out;
  std::string version = inspect("solo", "{{.Version.Index}}");
  auto result = rollback({"solo", "--wait"});
  EXPECT_EQ(result.exit_code, 0) << result.describe() << result.out;
  EXPECT_THAT(result.out, HasSubstr(name("solo") + ": has no previous spec; left alone"));
  EXPECT_THAT(result.out, HasSubstr("nothing to roll back, 1 left alone"));
  EXPECT_EQ(inspect("solo", "{{.Version.Index}}"), version);

  auto unknown = rollback({"nope"});
  EXPECT_EQ(unknown.exit_code, 2) << unknown.describe() << unknown.out;
  EXPECT_THAT(unknown.err, HasSubstr("stack " + m_stack + " has no service nope"));
  EXPECT_THAT(unknown.err, HasSubstr("services of the stack: api, solo, web"));
}

}  // namespace
}  // namespace stackc
