#include "compiler/utf8.h"

#include <gtest/gtest.h>

#include <string>

namespace stackc {
namespace {

void expect_rune(std::string_view s, char32_t code_point, std::size_t length, bool valid) {
  Rune r = decode_rune(s, 0);
  EXPECT_EQ(r.code_point, code_point) << "input of " << s.size() << " bytes";
  EXPECT_EQ(r.length, length) << "input of " << s.size() << " bytes";
  EXPECT_EQ(r.valid, valid) << "input of " << s.size() << " bytes";
}

TEST(Utf8, DecodesEachLength) {
  expect_rune("a", U'a', 1, true);
  expect_rune("\xC3\xA9x", U'\u00E9', 2, true);
  expect_rune("\xE2\x82\xAC", U'\u20AC', 3, true);
  expect_rune("\xF0\x9F\x98\x80", U'\U0001F600', 4, true);
  expect_rune("\xF4\x8F\xBF\xBF", U'\U0010FFFF', 4, true);
  // At an offset inside the string.
  Rune r = decode_rune("ab\xC3\xA9", 2);
  EXPECT_EQ(r.code_point, U'\u00E9');
  EXPECT_EQ(r.length, 2u);
}

// What Go's utf8.DecodeRune returns (RuneError, 1) for.
TEST(Utf8, InvalidSequencesAreOneReplacementByte) {
  for (std::string bad :
       {"\x80", "\xBF", "\xC0\x80", "\xC1\xBF", "\xE0\x80\x80", "\xF0\x80\x80\x80", "\xED\xA0\x80",
        "\xF4\x90\x80\x80", "\xF5\x80\x80\x80", "\xFF", "\xC3", "\xE2\x82", "\xF0\x9F\x98", "\xC3(",
        "\xE2\x28\xA1"}) {
    expect_rune(bad, 0xFFFD, 1, false);
  }
}

}  // namespace
}  // namespace stackc
