// Output formats of `stackc lint`. The SARIF check validates against a SARIF 2.1.0 schema
// *subset we wrote ourselves* (tests/lint/sarif/): Debian ships no copy of the official SARIF
// schema and the tests run without network, so this covers the required parts of the spec
// plus GitHub code scanning's extra requirements, not every constraint of the full schema.
// valijson stays in this test-only translation unit.

#include "cli/lint_output.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <valijson/adapters/nlohmann_json_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validator.hpp>

#include "compiler/lint/registry.h"

namespace stackc {
namespace {

using nlohmann::json;

// Two findings in a file under the working directory, one with a note, and one diagnostic
// without a position (an unreadable file).
class LintOutput : public ::testing::Test {
 protected:
  LintOutput()
      : m_file("stacks/web,1.yml",
               "services:\n  web:\n    image: nginx\n    ports: [\"80:80\"]\n") {
    Diagnostic tag;
    tag.severity = Severity::warning;
    tag.code = "STK160";
    tag.loc = {&m_file, 3, 12};
    tag.message = "image 'nginx' has no tag: 100% floating\nsecond line";
    tag.notes.push_back({{&m_file, 2, 3}, "service defined here"});
    Diagnostic port;
    port.severity = Severity::error;
    port.code = "STK115";
    port.loc = {&m_file, 4, 13};
    port.message = "port 80/tcp is already published";
    Diagnostic io;
    io.severity = Severity::error;
    io.code = "STK020";
    io.message = "missing.yml: cannot open: No such file or directory";
    m_run.diagnostics = {tag, port, io};
    m_run.stacks = 2;
  }
  SourceFile m_file;
  LintRun m_run;
};

TEST(GithubEscaping, FollowsTheWorkflowCommandRules) {
  EXPECT_EQ(escape_github_data("a%b\r\nc:d,e"), "a%25b%0D%0Ac:d,e");
  EXPECT_EQ(escape_github_property("a%b\r\nc:d,e"), "a%25b%0D%0Ac%3Ad%2Ce");
}

TEST_F(LintOutput, GithubAnnotationsCarryFileLineColumnAndTitle) {
  std::string out = format_lint_github(m_run);
  std::istringstream lines(out);
  std::string first, second, third;
  std::getline(lines, first);
  std::getline(lines, second);
  std::getline(lines, third);
  EXPECT_EQ(first,
            "::warning file=stacks/web%2C1.yml,line=3,col=12,title=STK160 image-tag::image 'nginx' "
            "has no tag: 100%25 floating%0Asecond line%0Anote: stacks/web,1.yml:2:3: service "
            "defined here");
  EXPECT_EQ(second,
            "::error file=stacks/web%2C1.yml,line=4,col=13,title=STK115 duplicate-published-port"
            "::port 80/tcp is already published");
  EXPECT_EQ(third, "::error title=STK020::missing.yml: cannot open: No such file or directory");
  EXPECT_FALSE(std::getline(lines, first));
}

TEST_F(LintOutput, JsonHasAVersionedShape) {
  json doc = json::parse(format_lint_json(m_run));
  EXPECT_EQ(doc["version"], 1);
  ASSERT_EQ(doc["diagnostics"].size(), 3u);
  const json& tag = doc["diagnostics"][0];
  EXPECT_EQ(tag["code"], "STK160");
  EXPECT_EQ(tag["rule"], "image-tag");
  EXPECT_EQ(tag["severity"], "warning");
  EXPECT_EQ(tag["file"], "stacks/web,1.yml");
  EXPECT_EQ(tag["line"], 3);
  EXPECT_EQ(tag["column"], 12);
  EXPECT_EQ(tag["notes"][0]["line"], 2);
  // Relative to the source tree: the project has no published web location.
  EXPECT_EQ(tag["docs"], "docs/rules/STK160-image-tag.md");
  EXPECT_FALSE(doc["diagnostics"][2].contains("line"));
  EXPECT_EQ(doc["summary"]["errors"], 2);
  EXPECT_EQ(doc["summary"]["warnings"], 1);
  EXPECT_EQ(doc["summary"]["stacks"], 2);
}

bool validate_sarif(const json& doc, std::string& errors) {
  std::ifstream in(std::string(STACKC_SOURCE_DIR) +
                   "/tests/lint/sarif/sarif-2.1.0-subset.schema.json");
  json schema_doc = json::parse(in);
  valijson::Schema schema;
  valijson::SchemaParser parser(valijson::SchemaParser::kDraft7);
  valijson::adapters::NlohmannJsonAdapter schema_adapter(schema_doc);
  parser.populateSchema(schema_adapter, schema);
  valijson::Validator validator;
  valijson::ValidationResults results;
  valijson::adapters::NlohmannJsonAdapter target(doc);
  bool ok = validator.validate(schema, target, &results);
  valijson::ValidationResults::Error error;
  while (results.popError(error)) {
    std::string context;
    for (const std::string& part : error.context) {
      context += part;
    }
    errors += context + ": " + error.description + "\n";
  }
  return ok;
}

TEST_F(LintOutput, SarifValidatesAndMeetsGithubRequirements) {
  json doc = json::parse(format_lint_sarif(m_run, std::filesystem::current_path().string()));
  std::string errors;
  EXPECT_TRUE(validate_sarif(doc, errors)) << errors;

  const json& run = doc["runs"][0];
  const json& rules = run["tool"]["driver"]["rules"];
  EXPECT_GE(rules.size(), lint::all_rules().size());
  for (const json& result : run["results"]) {
    // ruleIndex points at the rule with that id.
    EXPECT_EQ(rules[result["ruleIndex"].get<size_t>()]["id"], result["ruleId"]);
    EXPECT_FALSE(result["partialFingerprints"].empty());
  }
  ASSERT_EQ(run["results"].size(), 2u);
  const json& location = run["results"][0]["locations"][0]["physicalLocation"];
  // Relative to the base directory (the path is relative already), percent-encoded.
  EXPECT_EQ(location["artifactLocation"]["uri"], "stacks/web%2C1.yml");
  EXPECT_EQ(location["artifactLocation"]["uriBaseId"], "%SRCROOT%");
  EXPECT_EQ(location["region"]["startLine"], 3);
  EXPECT_EQ(location["region"]["startColumn"], 12);
  EXPECT_EQ(run["results"][0]["relatedLocations"][0]["physicalLocation"]["region"]["startLine"], 2);
  // The positionless diagnostic is a notification, not a result without a location.
  EXPECT_EQ(run["invocations"][0]["toolExecutionNotifications"].size(), 1u);
  // The fingerprint ignores the line: the same finding moved keeps its identity.
  LintRun moved = m_run;
  moved.diagnostics[0].loc.line = 4;
  json moved_doc = json::parse(format_lint_sarif(moved, std::filesystem::current_path().string()));
  EXPECT_EQ(moved_doc["runs"][0]["results"][0]["partialFingerprints"],
            run["results"][0]["partialFingerprints"]);
}

TEST_F(LintOutput, SarifWithNoFindingsStillHasResults) {
  json doc = json::parse(format_lint_sarif(LintRun{}, "/work/repo"));
  std::string errors;
  EXPECT_TRUE(validate_sarif(doc, errors)) << errors;
  EXPECT_TRUE(doc["runs"][0]["results"].is_array());
  EXPECT_TRUE(doc["runs"][0]["results"].empty());
}

// The schema is not a rubber stamp: the defects GitHub rejects fail it.
TEST_F(LintOutput, SchemaRejectsWhatGithubRejects) {
  json good = json::parse(format_lint_sarif(m_run, std::filesystem::current_path().string()));
  std::string errors;
  json bad = good;
  bad["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] = 0;
  EXPECT_FALSE(validate_sarif(bad, errors));
  bad = good;
  bad["runs"][0]["results"][0]["level"] = "info";
  EXPECT_FALSE(validate_sarif(bad, errors));
  bad = good;
  bad["runs"][0].erase("results");
  EXPECT_FALSE(validate_sarif(bad, errors));
  bad = good;
  bad["runs"][0]["results"][0].erase("locations");
  EXPECT_FALSE(validate_sarif(bad, errors));
  bad = good;
  bad["version"] = "2.0.0";
  EXPECT_FALSE(validate_sarif(bad, errors));
}

TEST(RuleList, ListsEveryRule) {
  json list = json::parse(format_rule_list(LintFormat::json));
  ASSERT_EQ(list.size(), lint::all_rules().size());
  EXPECT_EQ(list[0]["id"], "STK100");
  std::string text = format_rule_list(LintFormat::text);
  for (const lint::Rule* rule : lint::all_rules()) {
    EXPECT_NE(text.find(std::string(rule->name())), std::string::npos);
  }
}

}  // namespace
}  // namespace stackc
