// The completion scripts of `stackc completion bash|zsh|fish`, driven in each real shell: a
// command line is completed as on TAB and the candidates compared with stackc's own command table
// (`stackc --help`) and with the stacks on the lab swarm.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "tests/integration/lab_stack.h"
#include "tests/integration/process.h"

namespace stackc::testing {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::IsSupersetOf;
using ::testing::Not;
using ::testing::UnorderedElementsAre;

const std::string k_folder = std::string(STACKC_SOURCE_DIR) + "/tests/stacks/ship";
const std::string k_harness = std::string(STACKC_SOURCE_DIR) + "/tests/integration/complete.";

// The subcommands `stackc --help` lists: the command table as CLI11 sees it.
std::vector<std::string> help_commands(const std::string& stackc) {
  auto help = run({stackc, "--help"});
  EXPECT_TRUE(help.ok()) << help.describe();
  std::vector<std::string> names;
  bool in_list = false;
  for (const std::string& line : lines(help.out)) {
    if (line.starts_with("Subcommands:")) {
      in_list = true;
    } else if (in_list && line.starts_with("  ")) {
      names.push_back(line.substr(2, line.find(' ', 2) - 2));
    }
  }
  return names;
}

class CompletionTest : public LabStackTest, public ::testing::WithParamInterface<std::string> {
 protected:
  CompletionTest() : LabStackTest("shp", k_folder) {}

  void SetUp() override {
    LabStackTest::SetUp();
    m_dir = std::filesystem::temp_directory_path() / ("stackc-completion-" + m_stack);
    std::filesystem::create_directories(m_dir);
    const std::string shell = GetParam();
    auto script = run({stackc(), "completion", shell});
    ASSERT_TRUE(script.ok()) << script.describe();
    const std::string name = shell == "zsh" ? "_stackc" : "stackc." + shell;
    std::ofstream(m_dir / name) << script.out;
    m_script = m_dir / name;
  }
  void TearDown() override {
    std::filesystem::remove_all(m_dir);
    LabStackTest::TearDown();
  }

  // The candidates the shell offers for `line` (the cursor at its end), in the stack folder
  // with the built stackc first on PATH.
  std::vector<std::string> complete(const std::string& line) {
    const std::string shell = GetParam();
    std::vector<std::string> argv;
    if (shell == "bash") {
      argv = {"bash", "--norc", "--noprofile", k_harness + "bash", m_script, line};
    } else if (shell == "zsh") {
      argv = {"zsh", "-f", k_harness + "zsh", m_dir.string(), line};
    } else {
      argv = {"fish", "--no-config", "-c",
              "source " + m_script + "; complete -C " + shell_word(line)};
    }
    const std::string bin = std::filesystem::path(stackc()).parent_path().string();
    auto result = run(argv, RunOptions()
                                .in_dir(m_folder_for_run())
                                .with_env("PATH", bin + ":" + std::getenv("PATH"))
                                .with_timeout(std::chrono::seconds(30)));
    EXPECT_TRUE(result.ok()) << result.describe();
    EXPECT_EQ(result.err, "") << "completion wrote on the terminal for: " << line;
    std::vector<std::string> out = lines(result.out);
    if (shell == "bash") {
      // The first line is `complete -p stackc`: the script registered itself.
      EXPECT_FALSE(out.empty());
      if (!out.empty()) {
        EXPECT_EQ(out.front(), "complete -F _stackc stackc");
        out.erase(out.begin());
      }
    }
    for (std::string& candidate : out) {
      candidate = candidate.substr(0, candidate.find('\t'));  // fish: "word<TAB>description"
    }
    return out;
  }

  static std::string shell_word(const std::string& text) { return "'" + text + "'"; }
  static std::string m_folder_for_run() { return k_folder; }

  std::filesystem::path m_dir;
  std::string m_script;
};

TEST_P(CompletionTest, OffersEveryCommandOfTheTableAndTheirOptionsAndValues) {
  std::vector<std::string> commands = help_commands(stackc());
  ASSERT_THAT(commands, IsSupersetOf({"lint", "diff", "deploy", "completion", "version"}));
  EXPECT_THAT(complete("stackc "), IsSupersetOf(commands));
  EXPECT_THAT(complete("stackc dep"), ElementsAre("deploy"));
  EXPECT_THAT(complete("stackc deploy --resolve-image "),
              UnorderedElementsAre("always", "changed", "never"));
  EXPECT_THAT(complete("stackc lint --format "),
              UnorderedElementsAre("text", "json", "sarif", "github"));
  EXPECT_THAT(complete("stackc diff --format "), IsSupersetOf({"text", "json"}));
  EXPECT_THAT(complete("stackc completion "), UnorderedElementsAre("bash", "zsh", "fish"));
  EXPECT_THAT(complete("stackc deploy --w"), IsSupersetOf({"--wait", "--with-registry-auth"}));
  // Files for -c and --env-file, and for lint's own arguments.
  EXPECT_THAT(complete("stackc deploy -c stack-"), ElementsAre("stack-next.yml"));
  EXPECT_THAT(complete("stackc config --env-file stack-n"), ElementsAre("stack-next.yml"));
  EXPECT_THAT(complete("stackc lint stack-n"), ElementsAre("stack-next.yml"));
}

TEST_P(CompletionTest, OffersTheLiveStacksWhereACommandTakesOne) {
  ProcessResult deployed = deploy("stack.yml", {});
  ASSERT_TRUE(deployed.ok()) << deployed.describe();
  for (const std::string command : {"diff -c stack.yml", "deploy -c stack.yml", "ps", "rm"}) {
    EXPECT_THAT(complete("stackc " + command + " shp"), Contains(m_stack)) << command;
  }
  // compile names a new stack offline; it is not offered the swarm's.
  EXPECT_THAT(complete("stackc compile -c stack.yml shp"), Not(Contains(m_stack)));
  // The command line's -H is followed; an engine that is not there gives nothing and prints
  // nothing (complete() checks stderr).
  EXPECT_THAT(complete("stackc ps -H unix:///nonexistent.sock shp"), Not(Contains(m_stack)));
}

INSTANTIATE_TEST_SUITE_P(Shells, CompletionTest, ::testing::Values("bash", "zsh", "fish"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace stackc::testing
