// `stackc lint` end to end through run_lint: exit statuses, per-file stacks in argument order,
// -c merging, .stackc.yaml, --strict, --disable, the GitHub default and suppressions.

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "cli/exit_status.h"
#include "cli/stackc.h"

namespace stackc {
namespace {

namespace fs = std::filesystem;

class CmdLint : public ::testing::Test {
 protected:
  void SetUp() override {
    m_dir = fs::temp_directory_path() /
            ("stackc-cmd-lint-" + std::to_string(::getpid()) + "-" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(m_dir / "sub");
    unsetenv("GITHUB_ACTIONS");
  }
  void TearDown() override { fs::remove_all(m_dir); }

  std::string write(const std::string& name, const std::string& text) {
    fs::path path = m_dir / name;
    std::ofstream(path) << text;
    return path.string();
  }

  // Runs run_lint and captures stdout and stderr.
  int lint(LintOptions options) {
    std::ostringstream out, err;
    auto* old_out = std::cout.rdbuf(out.rdbuf());
    auto* old_err = std::cerr.rdbuf(err.rdbuf());
    GlobalOptions global;
    global.no_color = true;
    int status = run_lint(global, options);
    std::cout.rdbuf(old_out);
    std::cerr.rdbuf(old_err);
    m_out = out.str();
    m_err = err.str();
    return status;
  }

  fs::path m_dir;
  std::string m_out, m_err;
};

// A stack that every default rule accepts, and one with an error and a warning.
const char* k_clean = R"(version: "3.9"
services:
  web:
    image: app:1.0
    healthcheck: {test: ["CMD", "true"]}
    deploy:
      resources: {limits: {memory: 64M}}
)";
const char* k_broken = R"(version: "3.9"
services:
  web:
    image: app:1.0
    networks: [nowhere]
    healthcheck: {test: ["CMD", "true"]}
    deploy:
      resources: {limits: {memory: 64M}}
)";
const char* k_warning = R"(version: "3.9"
services:
  web:
    image: app
    healthcheck: {test: ["CMD", "true"]}
    deploy:
      resources: {limits: {memory: 64M}}
)";

TEST_F(CmdLint, ExitStatusFollowsTheWorstFinding) {
  LintOptions options;
  options.files = {write("clean.yml", k_clean)};
  EXPECT_EQ(lint(options), k_exit_ok);
  EXPECT_EQ(m_out, "");

  options.files = {write("warning.yml", k_warning)};
  EXPECT_EQ(lint(options), k_exit_ok);
  EXPECT_NE(m_out.find("[STK160]"), std::string::npos);
  options.strict = true;
  EXPECT_EQ(lint(options), k_exit_invalid);

  options.strict = false;
  options.files = {write("broken.yml", k_broken)};
  EXPECT_EQ(lint(options), k_exit_invalid);
  EXPECT_NE(m_out.find("broken.yml:5:16: error: service 'web' uses network 'nowhere'"),
            std::string::npos)
      << m_out;

  options.files = {(m_dir / "missing.yml").string()};
  EXPECT_EQ(lint(options), k_exit_usage);

  LintOptions none;
  EXPECT_EQ(lint(none), k_exit_usage);
  options.format = "xml";
  EXPECT_EQ(lint(options), k_exit_usage);
}

TEST_F(CmdLint, FilesAreSeparateStacksReportedInArgumentOrder) {
  LintOptions options;
  options.jobs = 4;
  for (int i = 0; i < 12; ++i) {
    options.files.push_back(write("s" + std::to_string(i) + ".yml", i % 2 ? k_broken : k_clean));
  }
  options.format = "json";
  EXPECT_EQ(lint(options), k_exit_invalid);
  nlohmann::json doc = nlohmann::json::parse(m_out);
  ASSERT_EQ(doc["diagnostics"].size(), 6u);
  for (size_t i = 0; i < 6; ++i) {
    EXPECT_EQ(doc["diagnostics"][i]["file"],
              (m_dir / ("s" + std::to_string(2 * i + 1) + ".yml")).string());
  }
  EXPECT_EQ(doc["summary"]["stacks"], 12);
}

TEST_F(CmdLint, ComposeFilesMergeIntoOneStack) {
  // The override declares the network the base file uses: merged, nothing is undefined.
  std::string base = write("base.yml", k_broken);
  std::string override_file = write("override.yml", "version: \"3.9\"\nnetworks:\n  nowhere: {}\n");
  LintOptions options;
  options.compose_files = {base, override_file};
  EXPECT_EQ(lint(options), k_exit_ok) << m_out;
  options.compose_files.clear();
  options.files = {base, override_file};
  EXPECT_EQ(lint(options), k_exit_invalid);
}

TEST_F(CmdLint, SettingsFileIsFoundUpwardAndTheCommandLineWins) {
  std::string file = write("sub/warning.yml", k_warning);
  write(".stackc.yaml", "disable: [image-tag]\nseverity: {memory-limit-missing: error}\n");
  LintOptions options;
  options.files = {file};
  options.strict = true;
  EXPECT_EQ(lint(options), k_exit_ok) << m_out;
  options.enable = {"STK160"};
  EXPECT_EQ(lint(options), k_exit_invalid);
  options.enable.clear();
  options.no_config = true;
  EXPECT_EQ(lint(options), k_exit_invalid);

  write(".stackc.yaml", "disable: [no-such-rule]\n");
  options.no_config = false;
  EXPECT_EQ(lint(options), k_exit_usage);
  EXPECT_NE(m_out.find("unknown rule 'no-such-rule'"), std::string::npos) << m_out;
}

TEST_F(CmdLint, DisableAndGithubDefault) {
  LintOptions options;
  options.files = {write("broken.yml", k_broken)};
  options.disable = {"undefined-network"};
  EXPECT_EQ(lint(options), k_exit_ok);
  options.disable = {"bogus"};
  EXPECT_EQ(lint(options), k_exit_usage);

  options.disable.clear();
  setenv("GITHUB_ACTIONS", "true", 1);
  EXPECT_EQ(lint(options), k_exit_invalid);
  unsetenv("GITHUB_ACTIONS");
  EXPECT_EQ(m_out.rfind("::error file=", 0), 0u) << m_out;
  EXPECT_NE(m_out.find("line=5,col=16,title=STK100 undefined-network::"), std::string::npos);
}

TEST_F(CmdLint, SecretValuesNeverAppearInAnyFormat) {
  std::string file = write("secret.yml", R"(version: "3.9"
services:
  db:
    image: postgres:16
    environment:
      POSTGRES_PASSWORD: "s3cr3t-Value-42"
)");
  for (const char* format : {"text", "json", "sarif", "github"}) {
    LintOptions options;
    options.files = {file};
    options.format = format;
    lint(options);
    EXPECT_NE((m_out + m_err).find("POSTGRES_PASSWORD"), std::string::npos) << format;
    EXPECT_EQ((m_out + m_err).find("s3cr3t-Value-42"), std::string::npos) << format;
  }
}

// Through the real command line: -c takes one file, so a file after it is a stack of its own.
TEST_F(CmdLint, CommandLineKeepsPositionalFilesApartFromComposeFiles) {
  std::string a = write("a.yml", k_broken);
  std::string b = write("b.yml", k_clean);
  std::vector<std::string> args = {"stackc", "lint", "--format", "json", "--disable",
                                   "STK100", "-c",   a,          b};
  std::vector<char*> argv;
  for (std::string& arg : args) {
    argv.push_back(arg.data());
  }
  std::ostringstream out;
  auto* old_out = std::cout.rdbuf(out.rdbuf());
  int status = stackc_main(static_cast<int>(argv.size()), argv.data());
  std::cout.rdbuf(old_out);
  EXPECT_EQ(status, k_exit_ok) << out.str();
  nlohmann::json doc = nlohmann::json::parse(out.str());
  EXPECT_EQ(doc["summary"]["stacks"], 2);
  EXPECT_TRUE(doc["diagnostics"].empty());
}

}  // namespace
}  // namespace stackc
