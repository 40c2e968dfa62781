#include "compiler/envfile.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "compiler/interpolate.h"

namespace stackc {
namespace {

using testing::ElementsAre;

// "NAME=value@line:col" for compact comparisons.
std::vector<std::string> dump(const std::vector<EnvVar>& vars) {
  std::vector<std::string> out;
  for (const EnvVar& var : vars) {
    out.push_back(var.name + "=" + var.value + "@" + std::to_string(var.loc.line) + ":" +
                  std::to_string(var.loc.col));
  }
  return out;
}

// "line:col CODE message" for each diagnostic.
std::vector<std::string> diag_dump(const Diagnostics& diags) {
  std::vector<std::string> out;
  for (const Diagnostic& d : diags.items()) {
    out.push_back(std::to_string(d.loc.line) + ":" + std::to_string(d.loc.col) + " " + d.code +
                  " " + d.message);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// --env-file (compose .env syntax)

std::vector<EnvVar> dotenv(std::string text, Diagnostics& diags) {
  static SourceManager sources;  // files must outlive the returned locations
  return parse_dotenv(*sources.add("test.env", std::move(text)), diags);
}

TEST(Dotenv, BasicLinesCommentsAndExport) {
  Diagnostics diags;
  auto vars = dotenv(
      "# comment\n"
      "\n"
      "A=1\n"
      "  B = two words  \n"
      "export C=3\n"
      "\texport\tD=4\n"
      "E=\n"
      "F=a#b\n"
      "G=a # comment\n"
      "H= #only comment\n"
      "exportX=5\n"
      "I=x=y\n",
      diags);
  EXPECT_TRUE(diags.items().empty()) << testing::PrintToString(diag_dump(diags));
  EXPECT_THAT(dump(vars),
              ElementsAre("A=1@3:1", "B=two words@4:3", "C=3@5:8", "D=4@6:9", "E=@7:1", "F=a#b@8:1",
                          "G=a@9:1", "H=@10:1", "exportX=5@11:1", "I=x=y@12:1"));
}

TEST(Dotenv, QuotedValues) {
  Diagnostics diags;
  auto vars = dotenv(
      "A='single $X \\n # kept'\n"
      "B=\"d\\n\\\"q\\\" \\\\ \\$ \\t\\r \\x\"\n"
      "C=\"multi\n"
      "line\"  # trailing comment\n"
      "D='it''s'\n"
      "E=  'padded'  \n"
      "F=\"\"\n",
      diags);
  ASSERT_EQ(vars.size(), 5u) << testing::PrintToString(diag_dump(diags));
  EXPECT_EQ(vars[0].value, "single $X \\n # kept");
  EXPECT_EQ(vars[1].value, "d\n\"q\" \\ $ \t\r \\x");
  EXPECT_EQ(vars[2].value, "multi\nline");
  EXPECT_EQ(vars[3].name, "E");  // D='it''s' is an error: text after the closing quote
  EXPECT_EQ(vars[3].value, "padded");
  EXPECT_EQ(vars[3].loc.line, 6u);
  EXPECT_EQ(vars[4].value, "");
  EXPECT_THAT(diag_dump(diags),
              ElementsAre("5:7 STK015 unexpected text after the closing quote of 'D'"));
}

TEST(Dotenv, CrlfAndBom) {
  Diagnostics diags;
  auto vars = dotenv(
      "\xEF\xBB\xBF"
      "A=1\r\nB=\"x\"\r\n",
      diags);
  EXPECT_TRUE(diags.items().empty());
  EXPECT_THAT(dump(vars), ElementsAre("A=1@1:4", "B=x@2:1"));
}

struct DotenvErrorRow {
  const char* text;
  const char* diagnostic;  // "line:col message"
};

const DotenvErrorRow k_dotenv_errors[] = {
    {"NOEQUALS\n", "1:9 STK015 missing '=' after the variable name 'NOEQUALS'"},
    {"A B=1\n", "1:3 STK015 unexpected 'B' after the variable name 'A'; expected '='"},
    {"1A=x\n",
     "1:1 STK015 expected a variable name (letters, digits and '_', not starting with a digit), "
     "found '1'"},
    {"  =x\n",
     "1:3 STK015 expected a variable name (letters, digits and '_', not starting with a digit), "
     "found '='"},
    {"A.B=x\n", "1:2 STK015 unexpected '.' after the variable name 'A'; expected '='"},
    {"A-B=x\n", "1:2 STK015 unexpected '-' after the variable name 'A'; expected '='"},
    {"export\n", "1:7 STK015 missing '=' after the variable name 'export'"},
    {"OK=1\nX=\"open\nmore\n", "2:3 STK015 unterminated double-quoted value for 'X'"},
    {"X='open\n", "1:3 STK015 unterminated single-quoted value for 'X'"},
    {"X=\"a\"b\n", "1:6 STK015 unexpected text after the closing quote of 'X'"},
    {"\xC3\xA9=1\n",
     "1:1 STK015 expected a variable name (letters, digits and '_', not starting with a digit), "
     "found byte 0xc3"},
};

TEST(Dotenv, ErrorsHaveLineAndColumn) {
  for (const DotenvErrorRow& row : k_dotenv_errors) {
    SCOPED_TRACE(row.text);
    Diagnostics diags;
    dotenv(row.text, diags);
    EXPECT_THAT(diag_dump(diags), ElementsAre(row.diagnostic));
  }
}

TEST(Dotenv, GoodLinesSurviveBadOnes) {
  Diagnostics diags;
  auto vars = dotenv("A=1\nbad line\nB=2\n", diags);
  EXPECT_EQ(diags.error_count(), 1u);
  EXPECT_THAT(dump(vars), ElementsAre("A=1@1:1", "B=2@3:1"));
}

TEST(Dotenv, LaterEntriesAndFilesOverride) {
  Diagnostics diags;
  MapEnv files;
  add_env_vars(files, dotenv("A=first\nB=b\nA=second\n", diags));
  add_env_vars(files, dotenv("B=from second file\n", diags));
  EXPECT_EQ(files.get("A"), "second");
  EXPECT_EQ(files.get("B"), "from second file");
  // The process environment wins over env files.
  MapEnv process{{"B", "process"}};
  LayeredEnv env(process, files);
  EXPECT_EQ(env.get("B"), "process");
  EXPECT_EQ(env.get("A"), "second");
}

// ---------------------------------------------------------------------------------------------
// env_file: (pkg/kvfile of docker CLI 28.2.2)

std::vector<EnvVar> kvfile(std::string text, const Env& lookup, Diagnostics& diags) {
  static SourceManager sources;
  return read_kvfile(*sources.add("svc.env", std::move(text)), lookup, diags);
}

TEST(Kvfile, ValuesAreVerbatim) {
  // docker 28.2.2 (`docker stack config` with env_file: [e1.env, e2.env] and e3.env):
  // A: '"quoted"', B: '''single''  ' (trailing spaces kept), D from the environment, E
  // omitted when unset, F= kept empty here (the loader's later override is not ours),
  // G: a=b, H: tab (leading tab dropped), NBSP dropped, C: 'x # not a comment', $HOME kept.
  MapEnv process{{"D", "fromenv"}};
  Diagnostics diags;
  auto vars = kvfile(
      "\xEF\xBB\xBF"
      "A=\"quoted\"\n"
      "  B='single'  \n"
      "# c\n"
      "\n"
      "D\n"
      "E\n"
      "F=\n"
      "G=a=b\n"
      "\tH=tab\r\n"
      "\xC2\xA0I=nbsp\n"
      "C=x # not a comment\n"
      "J=$HOME ${X}\n"
      "   # indented comment\n"
      " \n"
      "A=2",
      process, diags);
  EXPECT_THAT(dump(vars), ElementsAre("A=\"quoted\"@1:4", "B='single'  @2:3", "D=fromenv@5:1",
                                      "F=@7:1", "G=a=b@8:1", "H=tab@9:2", "I=nbsp@10:3",
                                      "C=x # not a comment@11:1", "J=$HOME ${X}@12:1", "A=2@15:1"));
  // Matching quotes are kept, but we say so (B's value ends in spaces, not a quote).
  EXPECT_THAT(diag_dump(diags),
              ElementsAre(testing::StartsWith("1:6 STK017 the quotes are part of the value")));
  EXPECT_FALSE(diags.has_errors());
}

TEST(Kvfile, QuoteWarningOnlyForMatchingPairs) {
  MapEnv process;
  Diagnostics diags;
  auto vars = kvfile("A='x'\nB=\"x'\nC='\nD=\"\"\n", process, diags);
  EXPECT_THAT(dump(vars), ElementsAre("A='x'@1:1", "B=\"x'@2:1", "C='@3:1", "D=\"\"@4:1"));
  EXPECT_THAT(diag_dump(diags),
              ElementsAre(testing::StartsWith("1:3 STK017"), testing::StartsWith("4:3 STK017")));
}

struct KvErrorRow {
  std::string text;
  const char* diagnostic;
};

TEST(Kvfile, ErrorsHaveLineAndColumn) {
  const KvErrorRow rows[] = {
      // docker 28.2.2: "variable 'C ' contains whitespaces"
      {"OK=1\nC = x\n", "2:2 STK016 variable 'C ' contains whitespaces"},
      {"  A\tB=1\n", "1:4 STK016 variable 'A\tB' contains whitespaces"},
      {"MY KEY\n", "1:3 STK016 variable 'MY KEY' contains whitespaces"},
      // docker 28.2.2: "no variable name on line '=x'" (we do not repeat the line: a value)
      {"  =secret\n", "1:3 STK016 no variable name before '='"},
      // docker 28.2.2: "invalid utf8 bytes at line 1: [65 61 255]" (no bytes: a value)
      {"A=\xff\n", "1:3 STK016 invalid utf8 bytes at line 1"},
      {"A=1\nB=\xed\xa0\x80\n", "2:3 STK016 invalid utf8 bytes at line 2"},  // a surrogate
      {std::string(65536, 'A') + "\nB=1\n",
       "1:1 STK016 bufio.Scanner: token too long (a line of 64 KiB or more)"},
  };
  MapEnv process;
  for (const KvErrorRow& row : rows) {
    SCOPED_TRACE(row.text.substr(0, 20));
    Diagnostics diags;
    kvfile(row.text, process, diags);
    EXPECT_THAT(diag_dump(diags), ElementsAre(row.diagnostic));
  }
}

TEST(Kvfile, LineLimitBoundary) {
  MapEnv process;
  Diagnostics diags;
  std::string line = "A=" + std::string(65535 - 2, 'x');  // 65535 bytes: accepted
  auto vars = kvfile(line + "\nB=1\n", process, diags);
  EXPECT_TRUE(diags.items().empty());
  ASSERT_EQ(vars.size(), 2u);
  EXPECT_EQ(vars[0].value.size(), 65533u);
}

}  // namespace
}  // namespace stackc
