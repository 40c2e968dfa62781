#include "compiler/shellwords.h"

#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace stackc {
namespace {

// Rows checked against docker 28.2.2: each input was written as `command: "<input>"` (a YAML
// double-quoted scalar) in a stack file, and the words are the list `docker stack config -c f.yml`
// printed, or its error after "error decoding 'Command': ".
TEST(ShellWords, SplitLikeTheReference) {
  struct Row {
    const char* input;
    std::vector<std::string> words;
    const char* error;
  };
  const std::vector<Row> rows = {
      {"echo \"a b\" 'c d' e\\ f # x", {"echo", "a b", "c d", "e f"}, ""},
      {"a#b #c d", {"a#b"}, ""},
      {"\"a\\\\b\" x", {"a\\b", "x"}, ""},
      {"\"unclosed", {}, "EOF found when expecting closing quote"},
      {"'unclosed", {}, "EOF found when expecting closing quote"},
      {"trailing\\\\", {"trailing\\"}, ""},
      {"\"\"", {""}, ""},
      {"''", {""}, ""},
      {"a\"b c\"d", {"ab cd"}, ""},
      {"a\nb # c\nd", {"a", "b", "d"}, ""},
      {"", {}, ""},
      {"   ", {}, ""},
      {"# only", {}, ""},
      {"\"a\\\\\"b\" c", {}, "EOF found when expecting closing quote"},
      {"a\tb", {"a", "b"}, ""},
      {"x \"# no\" y", {"x", "# no", "y"}, ""},
      {"\"a\\\\\"", {"a\\"}, ""},
      {"x\\", {}, "EOF found after escape character"},
      {"\"x\\", {}, "EOF found after escape character"},
      {"a\\#b \\#c", {"a#b", "#c"}, ""},
      {"\"a\\b\"", {"ab"}, ""},
      {"'a\\b'", {"a\\b"}, ""},
      {"\"a'b\"", {"a'b"}, ""},
      {"'a\"b'", {"a\"b"}, ""},
      {"a\\ \\ b", {"a  b"}, ""},
      {"a''b", {"ab"}, ""},
      {"a\"\"b", {"ab"}, ""},
      {"\"\" \"\"", {"", ""}, ""},
      {"é \"ü x\"", {"é", "ü x"}, ""},
      {"a\r\nb", {"a", "b"}, ""},
      {"#c\nx", {"x"}, ""},
      {"x #c\ny #d", {"x", "y"}, ""},
      {"\\\"a", {"\"a"}, ""},
      {"it's", {}, "EOF found when expecting closing quote"},
      {"a\\\nb", {"a\nb"}, ""},
      {"\"a\nb\"", {"a\nb"}, ""},
      {"#", {}, ""},
      {"x#", {"x#"}, ""},
      {"\"#\"", {"#"}, ""},
      {"'", {}, "EOF found when expecting closing quote"},
      {"\"", {}, "EOF found when expecting closing quote"},
      {"\\", {}, "EOF found after escape character"},
      {"a '' b", {"a", "", "b"}, ""},
      {"x\\\\y", {"x\\y"}, ""},
      {"\"\\\"\"", {"\""}, ""},
      {"a\vb", {"a\vb"}, ""},
      {"a\fb", {"a\fb"}, ""},
  };
  for (const Row& row : rows) {
    auto split = shell_split(row.input);
    if (row.error[0] == '\0') {
      ASSERT_TRUE(split) << row.input << ": " << split.error();
      EXPECT_EQ(*split, row.words) << row.input;
    } else {
      ASSERT_FALSE(split) << row.input;
      EXPECT_EQ(split.error(), row.error) << row.input;
    }
  }
}

TEST(ShellWords, NoExpansion) {
  EXPECT_EQ(shell_split("sh -c \"echo $HOME\" ~ *"),
            (std::vector<std::string>{"sh", "-c", "echo $HOME", "~", "*"}));
}

TEST(ShellWords, InvalidUtf8BecomesReplacementCharacter) {
  EXPECT_EQ(shell_split("a\xff b"), (std::vector<std::string>{"a\xEF\xBF\xBD", "b"}));
}

}  // namespace
}  // namespace stackc

namespace stackc {
namespace {

// Without quotes, backslashes or '#', splitting is plain whitespace splitting; arbitrary input
// never crashes (this runs under ASan/UBSan).
TEST(ShellWords, ArbitraryInputIsHandled) {
  std::mt19937_64 rng(17);
  const std::string_view alphabet = "ab \t\n\r\"'\\#x";
  for (int i = 0; i < 20000; ++i) {
    std::string text;
    for (size_t n = rng() % 16; n > 0; --n) {
      text += alphabet[rng() % alphabet.size()];
    }
    auto split = shell_split(text);
    if (text.find_first_of("\"'\\#") != std::string::npos) {
      continue;
    }
    std::vector<std::string> expected;
    std::string word;
    for (char c : text + " ") {
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
        if (!word.empty()) {
          expected.push_back(word);
        }
        word.clear();
      } else {
        word += c;
      }
    }
    ASSERT_TRUE(split) << text;
    EXPECT_EQ(*split, expected) << text;
  }
}

}  // namespace
}  // namespace stackc
