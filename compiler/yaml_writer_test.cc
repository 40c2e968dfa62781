#include "compiler/yaml_writer.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

namespace stackc {
namespace {

// The order docker 28.2.2 printed for these label keys (`docker stack config`).
TEST(YamlWriter, KeysSortLikeGoYaml) {
  const std::vector<std::string> expected = {
      "<<", "1.5", "1.10", "9",  "10", "A",  "a",  "a-1", "a0", "a00", "a1",
      "a01", "a9", "a09", "a10", "b",  "x 2", "x_2", "x2", "é"};
  std::vector<std::string> keys = expected;
  std::reverse(keys.begin(), keys.end());
  std::sort(keys.begin(), keys.end(), yaml_key_less);
  EXPECT_EQ(keys, expected);
}

TEST(YamlWriter, StringStyles) {
  // Each row as docker 28.2.2 wrote the value.
  EXPECT_EQ(string_style("plain"), ScalarStyle::plain);
  EXPECT_EQ(string_style("a:b"), ScalarStyle::plain);
  EXPECT_EQ(string_style("a#b"), ScalarStyle::plain);
  EXPECT_EQ(string_style("it's"), ScalarStyle::plain);
  EXPECT_EQ(string_style("-x"), ScalarStyle::plain);
  EXPECT_EQ(string_style("1000:1000"), ScalarStyle::plain);
  EXPECT_EQ(string_style("-"), ScalarStyle::single_quoted);
  EXPECT_EQ(string_style("*x"), ScalarStyle::single_quoted);
  EXPECT_EQ(string_style(" x"), ScalarStyle::single_quoted);
  EXPECT_EQ(string_style("x: y"), ScalarStyle::single_quoted);
  EXPECT_EQ(string_style("a #b"), ScalarStyle::single_quoted);
  EXPECT_EQ(string_style("key:"), ScalarStyle::single_quoted);
  EXPECT_EQ(string_style("{{.Task.Slot}}"), ScalarStyle::single_quoted);
  EXPECT_EQ(string_style(""), ScalarStyle::double_quoted);
  EXPECT_EQ(string_style("1"), ScalarStyle::double_quoted);
  EXPECT_EQ(string_style("0x1F"), ScalarStyle::double_quoted);
  EXPECT_EQ(string_style("1e3"), ScalarStyle::double_quoted);
  EXPECT_EQ(string_style("true"), ScalarStyle::double_quoted);
  EXPECT_EQ(string_style("yes"), ScalarStyle::double_quoted);  // YAML 1.1 bool
  EXPECT_EQ(string_style("n"), ScalarStyle::double_quoted);
  EXPECT_EQ(string_style("~"), ScalarStyle::double_quoted);
  EXPECT_EQ(string_style("1:20"), ScalarStyle::double_quoted);  // YAML 1.1 base 60
  EXPECT_EQ(string_style("tab\there"), ScalarStyle::double_quoted);
  EXPECT_EQ(string_style("a\nb"), ScalarStyle::literal);
}

TEST(YamlWriter, BlockLayoutAndLiterals) {
  YValue root = YValue::mapping();
  YValue& services = root.add("services", YValue::sorted_mapping());
  YValue& web = services.add("web", YValue::mapping());
  YValue& ports = web.add("ports", YValue::sequence());
  YValue& port = ports.push(YValue::mapping());
  port.add("target", YValue::integer(80));
  port.add("protocol", YValue::string("tcp"));
  web.add("command", YValue::sequence()).push(YValue::string("echo"));
  web.add("multi", YValue::string("a\nb"));
  web.add("trail", YValue::string("a\n"));
  services.add("api", YValue::mapping());
  EXPECT_EQ(write_yaml(root),
            "services:\n"
            "  api: {}\n"
            "  web:\n"
            "    ports:\n"
            "      - target: 80\n"
            "        protocol: tcp\n"
            "    command:\n"
            "      - echo\n"
            "    multi: |-\n"
            "      a\n"
            "      b\n"
            "    trail: |\n"
            "      a\n");
}

TEST(YamlWriter, Float32IsShortest) {
  EXPECT_EQ(YValue::floating32(0.3f).text(), "0.3");
  EXPECT_EQ(YValue::floating(0.5).text(), "0.5");
}

}  // namespace
}  // namespace stackc
