// The process runner every integration test relies on: exit codes, separate streams, stdin,
// environment, and above all that a deadline really ends a hung program.
#include "tests/integration/process.h"

#include <chrono>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace stackc::testing {
namespace {

using namespace std::chrono_literals;
using ::testing::HasSubstr;

TEST(Process, CapturesStdoutStderrAndExitCodeSeparately) {
  ProcessResult r = run_shell("echo out; echo err >&2; exit 3");
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_FALSE(r.timed_out);
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.out, "out\n");
  EXPECT_EQ(r.err, "err\n");
}

TEST(Process, RunsArgvWithoutAShell) {
  ProcessResult r = run({"printf", "%s|", "a b", "$HOME", "*"});
  ASSERT_TRUE(r.ok()) << r.describe();
  EXPECT_EQ(r.out, "a b|$HOME|*|");
}

TEST(Process, TimeoutKillsTheProgramAndItsChildren) {
  auto start = std::chrono::steady_clock::now();
  // The background child keeps stdout open: only killing the whole group ends the read loop.
  ProcessResult r = run_shell("sleep 30 & sleep 30", RunOptions().with_timeout(300ms));
  auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_TRUE(r.timed_out);
  EXPECT_FALSE(r.ok());
  EXPECT_LT(elapsed, 10s);
  EXPECT_THAT(r.describe(), HasSubstr("timed out"));
}

TEST(Process, MissingProgramIsExit127WithAReason) {
  ProcessResult r = run({"stackc-no-such-program-xyz"});
  EXPECT_EQ(r.exit_code, 127);
  EXPECT_THAT(r.err, HasSubstr("No such file or directory"));
}

TEST(Process, KilledBySignalReportsLikeAShell) {
  ProcessResult r = run_shell("kill -TERM $$");
  EXPECT_EQ(r.exit_code, 128 + 15);
}

TEST(Process, FeedsInputAndEnvironmentAndCwd) {
  ProcessResult r = run_shell("cat; echo \"[$STACKC_PROCESS_TEST]\"; pwd",
                              RunOptions()
                                  .with_input("from stdin\n")
                                  .with_env("STACKC_PROCESS_TEST", "value")
                                  .in_dir("/tmp"));
  ASSERT_TRUE(r.ok()) << r.describe();
  EXPECT_EQ(r.out, "from stdin\n[value]\n/tmp\n");
}

TEST(Process, LargeOutputOnBothStreamsDoesNotDeadlock) {
  ProcessResult r = run_shell("head -c 1000000 /dev/zero; head -c 1000000 /dev/zero >&2",
                              RunOptions().with_timeout(30s));
  ASSERT_TRUE(r.ok()) << r.describe();
  EXPECT_EQ(r.out.size(), 1000000u);
  EXPECT_EQ(r.err.size(), 1000000u);
}

TEST(Process, LinesAndTrim) {
  EXPECT_EQ(trim("abc \n\n"), "abc");
  EXPECT_THAT(lines("a\n\nb\nc"), ::testing::ElementsAre("a", "b", "c"));
  EXPECT_TRUE(lines("").empty());
}

TEST(Process, PollUntilStopsAtTheDeadline) {
  int calls = 0;
  EXPECT_FALSE(poll_until([&] { return ++calls < 0; }, 200ms, 50ms));
  EXPECT_GE(calls, 2);
  EXPECT_LE(calls, 6);
  calls = 0;
  EXPECT_TRUE(poll_until([&] { return ++calls == 3; }, 5s, 1ms));
  EXPECT_EQ(calls, 3);
}

}  // namespace
}  // namespace stackc::testing
