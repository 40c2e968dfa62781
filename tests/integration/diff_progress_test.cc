// The diff in compose terms and live progress, against the lab. The demo's front-end release
// (examples/dailylog, as scripts/demo runs it): deployed, then diffed with the front-1.1
// override, which must name services.frontend.image and the override's line, in text and
// Markdown. And `deploy --wait` run under a pseudo-terminal (script(1)) redraws one line per
// service in place, while the same run piped writes the plain line log. Stacks: dfp<random>.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fmt/format.h>

#include "tests/integration/lab_stack.h"
#include "tests/integration/process.h"

namespace stackc::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

const std::string k_dailylog = std::string(STACKC_SOURCE_DIR) + "/examples/dailylog";
const std::string k_progress = std::string(STACKC_SOURCE_DIR) + "/tests/stacks/progress";

class DiffInComposeTerms : public LabStackTest {
 protected:
  DiffInComposeTerms() : LabStackTest("dfp", k_dailylog) {}
  void SetUp() override {
    LabStackTest::SetUp();
    // The demo's external network; made here only when the lab has none (and then removed).
    if (!run({"docker", "network", "inspect", "dailylog-net"}).ok()) {
      auto made = run(
          {"docker", "network", "create", "--driver", "overlay", "--attachable", "dailylog-net"});
      ASSERT_TRUE(made.ok()) << made.describe();
      m_made_network = true;
    }
  }
  void TearDown() override {
    LabStackTest::TearDown();
    if (m_made_network) {
      run({"docker", "network", "rm", "dailylog-net"});
    }
  }
  bool m_made_network = false;
};

TEST_F(DiffInComposeTerms, TheFrontEndReleaseNamesTheComposeFieldAndItsLine) {
  auto deployed = deploy("docker-compose.yml", {});
  ASSERT_TRUE(deployed.ok()) << deployed.describe();
  const std::vector<std::string> release = {stackc(), "diff",         "-c", "docker-compose.yml",
                                            "-c",     "front-1.1.yml"};
  auto args = [&](std::vector<std::string> extra) {
    std::vector<std::string> all = release;
    all.insert(all.end(), extra.begin(), extra.end());
    all.push_back(m_stack);
    return all;
  };
  auto text = run(args({}), RunOptions().in_dir(k_dailylog));
  ASSERT_TRUE(text.ok()) << text.describe();
  EXPECT_THAT(text.out, HasSubstr(fmt::format("~ service {}\n", name("frontend"))));
  EXPECT_THAT(text.out, HasSubstr("    services.frontend.image (front-1.1.yml:6): "
                                  "\"dbgurum/dailylog:front_1.0\" -> "
                                  "\"dbgurum/dailylog:front_1.1\"\n"));
  // The stack label follows the image line too; nothing else changes.
  EXPECT_THAT(text.out, HasSubstr("0 to create, 1 to update, 0 to remove, 2 unchanged"));
  EXPECT_THAT(text.out, HasSubstr("    services.frontend.image (front-1.1.yml:6, the "
                                  "com.docker.stack.image label): "));
  EXPECT_THAT(text.out, Not(HasSubstr("TaskTemplate")));

  auto verbose = run(args({"--verbose"}), RunOptions().in_dir(k_dailylog));
  EXPECT_THAT(verbose.out, HasSubstr("        engine: TaskTemplate.ContainerSpec.Image\n"));

  auto markdown = run(args({"--format", "markdown"}), RunOptions().in_dir(k_dailylog));
  ASSERT_TRUE(markdown.ok()) << markdown.describe();
  EXPECT_THAT(markdown.out, HasSubstr("**stackc diff**: stack " + m_stack +
                                      ": 0 to create, 1 to update, 0 to remove, 2 unchanged\n"));
  EXPECT_THAT(markdown.out, HasSubstr(fmt::format(
                                "<details><summary><code>~</code> update service <code>{}</code>",
                                name("frontend"))));
  EXPECT_THAT(markdown.out, HasSubstr("| <code>services.frontend.image</code> | front-1.1.yml:6 | "
                                      "<code>\"dbgurum/dailylog:front_1.0\"</code> | "
                                      "<code>\"dbgurum/dailylog:front_1.1\"</code> |"));
}

class LiveProgress : public LabStackTest {
 protected:
  LiveProgress() : LabStackTest("dfp", k_progress) {}
  std::string command(const std::string& tag, const std::string& progress) const {
    return fmt::format(
        "PROGRESS_TAG={} {} deploy --resolve-image never --wait --timeout 90s "
        "{} -c stack.yml {}",
        tag, stackc(), progress, m_stack);
  }
};

TEST_F(LiveProgress, ATerminalGetsLinesUpdatedInPlaceAPipeThePlainLog) {
  // script(1) gives stackc a pseudo-terminal: --progress auto picks the live view.
  auto tty = run({"script", "-qfec", command("front_1.0", ""), "/dev/null"},
                 RunOptions().in_dir(k_progress).with_timeout(std::chrono::seconds(120)));
  ASSERT_TRUE(tty.ok()) << tty.describe();
  std::string web = name("web");
  // The service's line is drawn, then redrawn in place: cursor up, clear line, new state.
  EXPECT_THAT(tty.out, HasSubstr("\r\x1b[2K\x1b[1m" + web + "\x1b[0m  "));
  EXPECT_THAT(tty.out, HasSubstr("\x1b[1A\r\x1b[2K"));
  EXPECT_THAT(tty.out, HasSubstr("\x1b[32mconverged\x1b[0m"));
  EXPECT_THAT(tty.out, Not(HasSubstr(web + ": ")));  // no plain log line
  EXPECT_THAT(tty.out,
              HasSubstr("stack " + m_stack + ": 2 created, 0 updated, 0 unchanged, 0 removed"));

  // NO_COLOR keeps the live view and drops the colour.
  auto no_color = run({"script", "-qfec", "NO_COLOR=1 " + command("front_1.1", ""), "/dev/null"},
                      RunOptions().in_dir(k_progress).with_timeout(std::chrono::seconds(120)));
  ASSERT_TRUE(no_color.ok()) << no_color.describe();
  EXPECT_THAT(no_color.out, HasSubstr("\x1b[1A\r\x1b[2K" + web + "  "));
  EXPECT_THAT(no_color.out, Not(HasSubstr("\x1b[32m")));

  // The same kind of run piped: the plain log, one "name: state" line per change.
  auto piped = run({"sh", "-c", command("front_1.0", "")},
                   RunOptions().in_dir(k_progress).with_timeout(std::chrono::seconds(120)));
  ASSERT_TRUE(piped.ok()) << piped.describe();
  EXPECT_THAT(piped.out, HasSubstr("updated service " + web));
  EXPECT_THAT(piped.out, HasSubstr(web + ": converged\n"));
  EXPECT_THAT(piped.out, Not(HasSubstr("\x1b[")));
  EXPECT_THAT(piped.out,
              HasSubstr("stack " + m_stack + ": 0 created, 1 updated, 1 unchanged, 0 removed"));

  // --progress plain on a terminal is the plain log too.
  auto plain = run({"script", "-qfec", command("front_1.1", "--progress plain"), "/dev/null"},
                   RunOptions().in_dir(k_progress).with_timeout(std::chrono::seconds(120)));
  ASSERT_TRUE(plain.ok()) << plain.describe();
  EXPECT_THAT(plain.out, HasSubstr(web + ": converged"));
  EXPECT_THAT(plain.out, Not(HasSubstr("\x1b[1A")));
}

}  // namespace
}  // namespace stackc::testing
