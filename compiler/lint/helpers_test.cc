// The hand-written grammar scanners against the regexes they replace (std::regex here only, as
// the oracle), on every short string over an alphabet of the characters that matter and on
// random longer ones.

#include "compiler/lint/helpers.h"

#include <gtest/gtest.h>

#include <functional>
#include <random>
#include <regex>
#include <string>
#include <vector>

namespace stackc::lint {
namespace {

struct Grammar {
  const char* name;
  std::function<bool(std::string_view)> scanner;
  std::regex oracle;
  std::string alphabet;
};

std::vector<Grammar> grammars() {
  return {
      {"path_component", is_path_component, std::regex("[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*"),
       "a0._-A/"},
      {"domain", is_domain,
       std::regex("(?:(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])"
                  "(?:\\.(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]))*|"
                  "\\[[a-fA-F0-9:]+\\])(?::[0-9]+)?"),
       "aF0.-:[]g"},
      {"tag", is_tag, std::regex("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}"), "aZ0_.-:"},
      {"digest", is_digest,
       std::regex("[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}"),
       "a1-+:f"},
      {"service_name", [](std::string_view s) { return is_alnum_edged(s, "-_"); },
       std::regex("[a-zA-Z0-9](?:[-_]*[A-Za-z0-9]+)*"), "aZ0-_."},
      {"object_name", [](std::string_view s) { return is_alnum_edged(s, "-_."); },
       std::regex("[a-zA-Z0-9]+(?:[a-zA-Z0-9-_.]*[a-zA-Z0-9])?"), "aZ0-_.:"},
  };
}

void expect_same(const Grammar& grammar, const std::string& text) {
  EXPECT_EQ(grammar.scanner(text), std::regex_match(text, grammar.oracle))
      << grammar.name << " on '" << text << "'";
}

TEST(Grammar, ScannersMatchTheirRegexOnEveryShortString) {
  for (const Grammar& grammar : grammars()) {
    std::vector<std::string> level = {""};
    for (int length = 0; length <= 5; ++length) {
      std::vector<std::string> next;
      for (const std::string& text : level) {
        expect_same(grammar, text);
        if (length < 5) {
          for (char c : grammar.alphabet) {
            next.push_back(text + c);
          }
        }
      }
      level = std::move(next);
    }
  }
}

TEST(Grammar, ScannersMatchTheirRegexOnLongerStrings) {
  std::mt19937 random(20261130);
  for (const Grammar& grammar : grammars()) {
    for (int i = 0; i < 3000; ++i) {
      std::string text(random() % 80, ' ');
      for (char& c : text) {
        c = grammar.alphabet[random() % grammar.alphabet.size()];
      }
      expect_same(grammar, text);
    }
  }
  // Lengths at the edges of the patterns' counts.
  const Grammar tag = grammars()[2];
  expect_same(tag, std::string(128, 'a'));
  expect_same(tag, std::string(129, 'a'));
  const Grammar digest = grammars()[3];
  expect_same(digest, "sha256:" + std::string(31, 'f'));
  expect_same(digest, "sha256:" + std::string(32, 'f'));
}

}  // namespace
}  // namespace stackc::lint
