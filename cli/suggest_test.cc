#include "cli/suggest.h"

#include <gtest/gtest.h>

#include <array>

namespace stackc {
namespace {

constexpr std::array<std::string_view, 7> k_commands = {"lint", "config", "compile", "diff",
                                                        "deploy", "rm", "ps"};

TEST(Suggest, EditDistance) {
  EXPECT_EQ(edit_distance("", ""), 0u);
  EXPECT_EQ(edit_distance("abc", ""), 3u);
  EXPECT_EQ(edit_distance("config", "config"), 0u);
  EXPECT_EQ(edit_distance("cofnig", "config"), 1u);  // "fn" and "nf" swapped
  EXPECT_EQ(edit_distance("deplyo", "deploy"), 1u);  // transposition counts once
  EXPECT_EQ(edit_distance("kitten", "sitting"), 3u);
}

TEST(Suggest, ClosestMatchFindsTypos) {
  EXPECT_EQ(closest_match("deplyo", k_commands), "deploy");
  EXPECT_EQ(closest_match("lnit", k_commands), "lint");
  EXPECT_EQ(closest_match("dif", k_commands), "diff");
  EXPECT_EQ(closest_match("compiel", k_commands), "compile");
}

TEST(Suggest, ClosestMatchRefusesUnrelatedWords) {
  EXPECT_EQ(closest_match("kubernetes", k_commands), "");
  EXPECT_EQ(closest_match("bogus", k_commands), "");
}

}  // namespace
}  // namespace stackc
