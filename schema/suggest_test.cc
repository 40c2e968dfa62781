#include "schema/suggest.h"

#include <gtest/gtest.h>

namespace stackc::schema {
namespace {

TEST(SchemaSuggest, EditDistance) {
  EXPECT_EQ(edit_distance("", ""), 0u);
  EXPECT_EQ(edit_distance("image", "image"), 0u);
  EXPECT_EQ(edit_distance("imagee", "image"), 1u);
  EXPECT_EQ(edit_distance("replica", "replicas"), 1u);
  EXPECT_EQ(edit_distance("kitten", "sitting"), 3u);
  EXPECT_EQ(edit_distance("", "abc"), 3u);
  EXPECT_EQ(edit_distance("tpc", "tcp"), 1u);
  EXPECT_EQ(edit_distance("ab", "ba"), 1u);
  EXPECT_EQ(edit_distance("ca", "abc"), 3u);  // no edits inside a swapped pair
}

TEST(SchemaSuggest, ClosestMatchOnlyWhenClose) {
  const std::vector<std::string> keys = {"image", "init", "ipc", "labels"};
  EXPECT_EQ(closest_match("imagee", keys), "image");
  EXPECT_EQ(closest_match("lables", keys), "labels");
  EXPECT_EQ(closest_match("imit", keys), "init");
  EXPECT_EQ(closest_match("lbl", keys), std::nullopt);
  EXPECT_EQ(closest_match("inti", keys), "init");  // a swap is one edit
  EXPECT_EQ(closest_match("volumes", keys), std::nullopt);
  EXPECT_EQ(closest_match("x", {}), std::nullopt);
}

}  // namespace
}  // namespace stackc::schema
