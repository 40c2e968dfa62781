// The front end as a user meets it: `stackc config` on bad input, exit statuses, --env-file,
// and the help and version entry points. Runs the built binary; needs no engine.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "tests/integration/process.h"

namespace stackc {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;
using testing::run;
using testing::RunOptions;

const std::string k_stackc = std::string(STACKC_BINARY_DIR) + "/cli/stackc";

class FrontEnd : public ::testing::Test {
 protected:
  void SetUp() override {
    m_dir = std::filesystem::temp_directory_path() /
            ("stackc-fe-" + std::to_string(::getpid()) + "-" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(m_dir);
  }
  void TearDown() override { std::filesystem::remove_all(m_dir); }

  std::string write(const std::string& name, const std::string& text) {
    std::string path = (m_dir / name).string();
    std::ofstream(path, std::ios::binary) << text;
    return path;
  }
  // Runs stackc with NO_COLOR so that diagnostics compare as text.
  testing::ProcessResult stackc(std::vector<std::string> args, RunOptions options = {}) {
    args.insert(args.begin(), k_stackc);
    options.env.emplace_back("NO_COLOR", "1");
    if (options.timeout == std::chrono::milliseconds(std::chrono::seconds(120))) {
      options.timeout = std::chrono::seconds(30);
    }
    return run(args, options);
  }

  std::filesystem::path m_dir;
};

// Each bad input ends in exit 1 with a location (or the file name when there is no line),
// quickly, and without a sanitizer report.
struct BadInput {
  const char* name;
  std::string text;
  const char* expected;  // a substring of stderr
};

std::string nested(size_t depth) { return "a: " + std::string(depth, '[') + "\n"; }

std::string alias_bomb() {
  std::string text = "a: &a [x, x, x, x, x, x, x, x, x]\n";
  for (char c = 'b'; c <= 'j'; ++c) {
    std::string prev(1, static_cast<char>(c - 1));
    text += std::string(1, c) + ": &" + c + " [";
    for (int i = 0; i < 9; ++i) {
      text += (i ? ", *" : "*") + prev;
    }
    text += "]\n";
  }
  return text;
}

TEST_F(FrontEnd, BadInputsFailWithALocation) {
  const BadInput cases[] = {
      {"empty", "", "empty.yml: error: "},
      {"comments", "# nothing here\n", "comments.yml: error: "},
      {"tabs", "services:\n\tweb:\n\t\timage: x\n", "tabs.yml:2:1: error: "},
      {"unclosed_quote", "services:\n  web:\n    image: \"nginx\n", "unclosed_quote.yml:3:"},
      {"binary", std::string("\x7f" "ELF\x02\x01\x01\x00\x00\xff\xfe\x00", 12), "binary.yml:1:"},
      {"deep", nested(10000), "deep.yml:1:"},
      {"alias_bomb", alias_bomb(), "alias_bomb.yml:"},
      {"not_a_mapping", "- a\n- b\n", "not_a_mapping.yml:1:1: error: "},
      {"duplicate_key", "services:\n  a: {image: x}\n  a: {image: y}\n",
       "duplicate_key.yml:3:3: error: duplicate key 'a' [STK002]"},
      {"wrong_type", "version: \"3.9\"\nservices:\n  web:\n    image: x\n    deploy:\n      "
                     "replicas: many\n",
       "wrong_type.yml:6:17: error: services.web.deploy.replicas must be an integer"},
      {"version", "version: \"2.4\"\nservices: {}\n",
       "version.yml:1:10: error: unsupported compose file version \"2.4\""},
      {"no_image", "services:\n  web:\n    command: [x]\n",
       "no_image.yml:2:3: error: invalid image reference for service web: no image specified"},
  };
  for (const BadInput& c : cases) {
    std::string path = write(std::string(c.name) + ".yml", c.text);
    auto start = std::chrono::steady_clock::now();
    auto result = stackc({"config", "-c", path});
    double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    EXPECT_EQ(result.exit_code, 1) << c.name << ": " << result.describe();
    EXPECT_THAT(result.err, HasSubstr(c.expected)) << c.name;
    EXPECT_THAT(result.err, Not(HasSubstr("Sanitizer"))) << c.name;
    EXPECT_TRUE(result.out.empty()) << c.name;
    // Generous for a sanitizer build on a loaded machine; bench/ measures the real figure.
    EXPECT_LT(seconds, 10.0) << c.name;
  }
}

TEST_F(FrontEnd, FiftyMegabyteFileIsRefusedUnread) {
  std::string path = (m_dir / "huge.yml").string();
  {
    std::ofstream out(path, std::ios::binary);
    std::string line = "# padding padding padding padding padding padding padding padding\n";
    for (size_t written = 0; written < 50u << 20; written += line.size()) {
      out << line;
    }
  }
  auto result = stackc({"config", "-c", path});
  EXPECT_EQ(result.exit_code, 2) << result.describe();
  EXPECT_THAT(result.err, HasSubstr("huge.yml: file is too large (50 MiB; the limit is 16 MiB)"));
}

TEST_F(FrontEnd, SourceLineAndCaretFollowTheMessage) {
  std::string path = write("s.yml", "services:\n  web:\n    image: x\n    deploy:\n"
                                    "      replicas: \"3\"\n");
  auto result = stackc({"config", "-c", path});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_EQ(result.err, path + ":5:17: error: services.web.deploy.replicas must be an integer, "
                               "not a string [STK051]\n"
                               "      replicas: \"3\"\n"
                               "                ^\n");
}

TEST_F(FrontEnd, MissingFileIsAnIoErrorWithStatusTwo) {
  auto result = stackc({"config", "-c", (m_dir / "absent.yml").string()});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_THAT(result.err, HasSubstr("absent.yml: cannot open: No such file or directory"));
}

TEST_F(FrontEnd, UsageErrorsHaveStatusTwo) {
  EXPECT_EQ(stackc({"config"}).exit_code, 2);  // -c is required
  EXPECT_EQ(stackc({"config", "-c"}).exit_code, 2);
  EXPECT_EQ(stackc({"config", "--bogus", "-c", "x.yml"}).exit_code, 2);
  auto typo = stackc({"cofnig"});
  EXPECT_EQ(typo.exit_code, 2);
  EXPECT_THAT(typo.err, HasSubstr("did you mean 'config'?"));
  auto unknown = stackc({"bogus"});
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_THAT(unknown.err, HasSubstr("unknown command 'bogus'; did you mean"));
}

// Every option takes one value per occurrence, as docker's do: the stack name after `-c FILE`
// stays the stack name wherever the other options go.
TEST_F(FrontEnd, OptionsTakeOneValueEach) {
  std::string base = write("base.yml", "version: \"3.9\"\nservices:\n  web:\n    image: nginx:1.21\n");
  std::string extra =
      write("extra.yml", "version: \"3.9\"\nservices:\n  web:\n    image: nginx:1.19\n");
  std::string env = write("vars.env", "UNUSED=1\n");
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"compile", "-c", base, "-c", extra, "shop", "--env-file", env},
        std::vector<std::string>{"compile", "--env-file", env, "-c", base, "-c", extra, "shop"},
        std::vector<std::string>{"compile", "-c", base, "-c", extra, "--env-file", env, "shop"}}) {
    auto result = stackc(args);
    EXPECT_EQ(result.exit_code, 0) << result.err;
    EXPECT_THAT(result.out, HasSubstr("\"shop_web\""));
    EXPECT_THAT(result.out, HasSubstr("nginx:1.19"));  // both files merged, in order
  }
  // Two files after one -c: the second is not a stack name, it is one word too many.
  auto extra_word = stackc({"compile", "-c", base, extra, "shop"});
  EXPECT_EQ(extra_word.exit_code, 2);
}

TEST_F(FrontEnd, VersionAndHelp) {
  auto version = stackc({"--version"});
  EXPECT_EQ(version.exit_code, 0);
  EXPECT_THAT(version.out, StartsWith("stackc "));
  auto help = stackc({"--help"});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_THAT(help.out, HasSubstr("config"));
}

TEST_F(FrontEnd, EnvFileFillsWhatTheEnvironmentLacks) {
  std::string env = write("vars.env",
                          "# interpolation values\nTAG=1.21\nexport REPLICAS=4\nNAME='web $x'\n");
  std::string later = write("later.env", "TAG=1.19\n");
  std::string stack = write("s.yml",
                            "services:\n  web:\n    image: nginx:${TAG}\n    deploy:\n"
                            "      replicas: ${REPLICAS}\n    labels:\n      name: ${NAME}\n");
  auto result = stackc({"config", "-c", stack, "--env-file", env});
  ASSERT_EQ(result.exit_code, 0) << result.describe();
  EXPECT_THAT(result.out, HasSubstr("image: nginx:1.21"));
  EXPECT_THAT(result.out, HasSubstr("replicas: 4"));
  EXPECT_THAT(result.out, HasSubstr("name: web $x"));
  // A later file wins over an earlier one; the process environment wins over both.
  auto layered = stackc({"config", "-c", stack, "--env-file", env, "--env-file", later});
  EXPECT_THAT(layered.out, HasSubstr("image: nginx:1.19"));
  RunOptions with_env;
  with_env.env = {{"TAG", "from-env"}};
  auto process = stackc({"config", "-c", stack, "--env-file", env}, with_env);
  EXPECT_THAT(process.out, HasSubstr("image: nginx:from-env"));
}

TEST_F(FrontEnd, BrokenEnvFileIsAnErrorWithLocation) {
  std::string env = write("bad.env", "GOOD=1\nnot a line\n");
  std::string stack = write("s.yml", "services:\n  web:\n    image: nginx\n");
  auto result = stackc({"config", "-c", stack, "--env-file", env});
  EXPECT_EQ(result.exit_code, 1) << result.describe();
  EXPECT_THAT(result.err, HasSubstr("bad.env:2:"));
}

TEST_F(FrontEnd, UnsetVariableWarnsAndRequiredVariableFails) {
  std::string stack = write("s.yml", "services:\n  web:\n    image: \"nginx:${STACKC_UNSET_TAG}\"\n");
  auto warned = stackc({"config", "-c", stack});
  EXPECT_EQ(warned.exit_code, 0) << warned.describe();
  EXPECT_THAT(warned.err, HasSubstr("s.yml:3:19: warning: The \"STACKC_UNSET_TAG\" variable is "
                                    "not set. Defaulting to a blank string."));
  std::string required =
      write("r.yml", "services:\n  web:\n    image: \"nginx:${STACKC_UNSET_TAG:?set a tag}\"\n");
  auto failed = stackc({"config", "-c", required});
  EXPECT_EQ(failed.exit_code, 1);
  EXPECT_THAT(failed.err, HasSubstr("r.yml:3:19: error: "));
  EXPECT_THAT(failed.err, HasSubstr("required variable STACKC_UNSET_TAG is missing a value: "
                                    "set a tag"));
}

TEST_F(FrontEnd, EveryFileIsCheckedOnItsOwnBeforeMerging) {
  std::string base = write("base.yml", "services:\n  web:\n    image: nginx\n");
  std::string bad = write("over.yml", "services:\n  web:\n    deploy: {replicas: x}\n");
  auto result = stackc({"config", "-c", base, "-c", bad});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_THAT(result.err, HasSubstr("over.yml:3:24: error: "));
}

TEST_F(FrontEnd, ColourOnlyWhenAllowed) {
  std::string stack = write("s.yml", "services: {web: {image: x, deploy: {replicas: x}}}\n");
  auto plain = stackc({"config", "-c", stack});
  EXPECT_THAT(plain.err, Not(HasSubstr("\033[")));  // not a terminal, and NO_COLOR set
}

}  // namespace
}  // namespace stackc
