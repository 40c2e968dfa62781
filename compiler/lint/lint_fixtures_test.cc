// The data-driven rule test: every tests/lint/*.yml is loaded and linted, and the findings
// must be exactly the `# expect: STKnnn` comments of the fixture (a line without one must stay
// silent). A fixture runs only the rule its name starts with, unless a `# lint-rules: ...`
// line names the rules (or `all`, the defaults). Front-end diagnostics count too.

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include <gtest/gtest.h>

#include "compiler/interpolate.h"
#include "compiler/lint/lint.h"
#include "compiler/lint/registry.h"
#include "compiler/load.h"

namespace stackc::lint {
namespace {

namespace fs = std::filesystem;

const fs::path k_fixtures = fs::path(STACKC_SOURCE_DIR) / "tests" / "lint";

std::vector<fs::path> fixtures() {
  std::vector<fs::path> out;
  for (const auto& entry : fs::directory_iterator(k_fixtures)) {
    if (entry.path().extension() == ".yml") {
      out.push_back(entry.path());
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::string read(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

using Finding = std::pair<uint32_t, std::string>;  // line, code

std::string describe(const std::set<Finding>& findings) {
  std::string out;
  for (const auto& [line, code] : findings) {
    out += "  line " + std::to_string(line) + ": " + code + "\n";
  }
  return out.empty() ? "  (none)\n" : out;
}

// Big files for STK129, made here rather than committed.
class LintFixtures : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    s_tmp = fs::temp_directory_path() / ("stackc-lint-" + std::to_string(::getpid()));
    fs::create_directories(s_tmp);
    std::ofstream(s_tmp / "600k.bin") << std::string(600 * 1024, 'x');
    std::ofstream(s_tmp / "1100k.bin") << std::string(1100 * 1024, 'x');
  }
  static void TearDownTestSuite() { fs::remove_all(s_tmp); }
  static fs::path s_tmp;
};
fs::path LintFixtures::s_tmp;

TEST_F(LintFixtures, EveryFixtureReportsExactlyItsExpectations) {
  static const std::regex k_expect("#\\s*expect:\\s*((?:STK[0-9]{3}\\s*)+)");
  static const std::regex k_rules("#\\s*lint-rules:\\s*(.*)$");
  static const std::regex k_code("STK[0-9]{3}");
  size_t count = 0;
  for (const fs::path& path : fixtures()) {
    SCOPED_TRACE(path.filename().string());
    ++count;
    std::string text = read(path);

    std::set<Finding> expected;
    std::vector<std::string> rules;
    std::istringstream lines(text);
    std::string line;
    for (uint32_t number = 1; std::getline(lines, line); ++number) {
      std::smatch match;
      if (std::regex_search(line, match, k_expect)) {
        std::string codes = match[1];
        for (auto it = std::sregex_iterator(codes.begin(), codes.end(), k_code);
             it != std::sregex_iterator(); ++it) {
          expected.emplace(number, it->str());
        }
      }
      if (std::regex_search(line, match, k_rules)) {
        std::istringstream words(match[1].str());
        for (std::string word; words >> word;) {
          rules.push_back(word);
        }
      }
    }
    if (rules.empty()) {
      rules.push_back(path.filename().string().substr(0, 6));
    }

    LintSettings settings;
    if (rules != std::vector<std::string>{"all"}) {
      for (const Rule* rule : all_rules()) {
        settings.enabled[std::string(rule->id())] = false;
      }
      for (const std::string& rule : rules) {
        ASSERT_TRUE(enable_rule(settings, rule, true)) << "unknown rule " << rule;
      }
    }

    MapEnv env{{"STACKC_LINT_TMP", s_tmp.string()}};
    SourceManager sources;
    Diagnostics front;
    LoadOptions options;
    options.files = {path.string()};
    options.env = &env;
    auto stack = load_stack(options, sources, front);
    Diagnostics out;
    lint_stack(stack ? &*stack : nullptr, settings, front, out);

    std::set<Finding> actual;
    std::string messages;
    for (const Diagnostic& d : out.items()) {
      EXPECT_TRUE(d.loc.has_line()) << d.code << " " << d.message;
      actual.emplace(d.loc.line, d.code.empty() ? "(no code)" : d.code);
      messages += format_diagnostic(d, Color::off);
    }
    EXPECT_EQ(actual, expected) << "expected:\n"
                                << describe(expected) << "actual:\n"
                                << describe(actual) << messages;
  }
  EXPECT_GE(count, all_rules().size());
}

// Every rule has a page, a fixture, and its fixture shows it firing.
TEST(LintRules, EveryRuleHasADocPageAndAFixtureThatTriggersIt) {
  fs::path docs = fs::path(STACKC_SOURCE_DIR) / "docs" / "rules";
  std::string index = read(docs / "README.md");
  for (const Rule* rule : all_rules()) {
    std::string stem = std::string(rule->id()) + "-" + std::string(rule->name());
    SCOPED_TRACE(stem);
    EXPECT_TRUE(fs::is_regular_file(docs / (stem + ".md")));
    EXPECT_NE(index.find(stem + ".md"), std::string::npos);
    fs::path fixture = k_fixtures / (stem + ".yml");
    ASSERT_TRUE(fs::is_regular_file(fixture));
    EXPECT_NE(read(fixture).find("# expect: " + std::string(rule->id())), std::string::npos);
  }
}

TEST(LintRules, IdsAndNamesAreUniqueSortedAndWellFormed) {
  static const std::regex k_id("STK1[0-9]{2}");
  static const std::regex k_name("[a-z0-9]+(-[a-z0-9]+)*");
  std::set<std::string_view> names;
  std::string_view previous;
  for (const Rule* rule : all_rules()) {
    EXPECT_TRUE(std::regex_match(std::string(rule->id()), k_id)) << rule->id();
    EXPECT_TRUE(std::regex_match(std::string(rule->name()), k_name)) << rule->name();
    EXPECT_GT(rule->id(), previous);
    EXPECT_TRUE(names.insert(rule->name()).second) << rule->name();
    EXPECT_FALSE(rule->summary().empty());
    EXPECT_EQ(find_rule(rule->id()), rule);
    EXPECT_EQ(find_rule(rule->name()), rule);
    previous = rule->id();
  }
  EXPECT_GE(all_rules().size(), 40u);
  EXPECT_EQ(find_rule("stk100"), find_rule("STK100"));
  EXPECT_EQ(find_rule("no-such-rule"), nullptr);
}

}  // namespace
}  // namespace stackc::lint
