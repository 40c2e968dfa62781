#include "compiler/yaml.h"

#include <cmath>
#include <ctime>
#include <string>

#include <gtest/gtest.h>

#include "compiler/diag.h"
#include "compiler/source.h"

namespace stackc {
namespace {

struct Parsed {
  std::optional<SNode> root;
  Diagnostics diags;
  std::string text;  // every diagnostic, formatted without colour
};

class YamlTest : public ::testing::Test {
 protected:
  Parsed parse(std::string text, const YamlLimits& limits = {}) {
    const SourceFile* file = m_sources.add("s.yml", std::move(text));
    Parsed parsed;
    parsed.root = parse_yaml(*file, parsed.diags, limits);
    for (const Diagnostic& diag : parsed.diags.items()) {
      parsed.text += format_diagnostic(diag, Color::off);
    }
    return parsed;
  }

  // The first line of the only diagnostic, e.g. "s.yml:2:3: error: ... [STK002]".
  std::string error(std::string text, const YamlLimits& limits = {}) {
    Parsed parsed = parse(std::move(text), limits);
    EXPECT_FALSE(parsed.root.has_value());
    EXPECT_EQ(parsed.diags.items().size(), 1u) << parsed.text;
    return parsed.text.substr(0, parsed.text.find('\n'));
  }

  SourceManager m_sources;
};

// Process CPU time: the "fast" limits below must hold on a machine shared with other builds,
// where wall time says little.
class CpuTimer {
 public:
  CpuTimer() : m_start(std::clock()) {}
  double seconds() const { return static_cast<double>(std::clock() - m_start) / CLOCKS_PER_SEC; }

 private:
  std::clock_t m_start;
};

// The bad-input limit is 1 s of CPU for a release build (bench/ measures it); sanitizers make
// every allocation several times slower, so the tests allow them proportionally more.
#if defined(__SANITIZE_ADDRESS__)
constexpr double k_cpu_budget = 4.0;
#else
constexpr double k_cpu_budget = 1.0;
#endif

std::string where(const SourceLoc& loc) {
  return std::to_string(loc.line) + ":" + std::to_string(loc.col);
}

std::string keys(const SNode& map) {
  std::string out;
  for (const SEntry& entry : map.entries) {
    out += out.empty() ? "" : ",";
    out += entry.key;
  }
  return out;
}

TEST_F(YamlTest, BuildsTreeWithOneBasedLocations) {
  Parsed p = parse(
      "version: \"3.9\"\n"
      "services:\n"
      "  web:\n"
      "    image: nginx\n"
      "    ports:\n"
      "      - \"80:80\"\n"
      "      - {target: 443}\n");
  ASSERT_TRUE(p.root) << p.text;
  EXPECT_EQ(keys(*p.root), "version,services");
  const SEntry* version = p.root->find_entry("version");
  ASSERT_NE(version, nullptr);
  EXPECT_EQ(where(version->key_loc), "1:1");
  EXPECT_EQ(where(version->value.loc), "1:10");
  EXPECT_TRUE(version->value.quoted);
  EXPECT_EQ(version->value.type, ScalarType::string);
  const SNode* web = p.root->find("services")->find("web");
  ASSERT_NE(web, nullptr);
  EXPECT_EQ(where(web->loc), "4:5");
  EXPECT_EQ(where(web->find_entry("image")->key_loc), "4:5");
  EXPECT_EQ(where(web->find("image")->loc), "4:12");
  const SNode* ports = web->find("ports");
  ASSERT_TRUE(ports->is_sequence());
  ASSERT_EQ(ports->items.size(), 2u);
  EXPECT_EQ(where(ports->loc), "6:7");
  EXPECT_EQ(where(ports->items[0].loc), "6:9");
  EXPECT_EQ(ports->items[0].text, "80:80");
  EXPECT_EQ(where(ports->items[1].loc), "7:9");
  EXPECT_EQ(where(ports->items[1].find_entry("target")->key_loc), "7:10");
  EXPECT_EQ(ports->items[1].find("target")->int_value, 443);
  EXPECT_EQ(p.root->loc.file->path(), "s.yml");
}

TEST_F(YamlTest, EmptyValueIsNullAtItsKey) {
  Parsed p = parse("a:\nb: null\nc: ~\nd: [1, ~]\n");
  ASSERT_TRUE(p.root) << p.text;
  EXPECT_TRUE(p.root->find("a")->is_null());
  EXPECT_EQ(where(p.root->find("a")->loc), "1:1");
  EXPECT_EQ(where(p.root->find("b")->loc), "2:4");
  EXPECT_EQ(where(p.root->find("c")->loc), "3:4");
  EXPECT_TRUE(p.root->find("d")->items[1].is_null());
  EXPECT_EQ(where(p.root->find("d")->items[1].loc), "4:8");
  Parsed seq = parse("a:\n  -\n  - x\n  -\n");
  ASSERT_TRUE(seq.root) << seq.text;
  const SNode* a = seq.root->find("a");
  ASSERT_EQ(a->items.size(), 3u);
  EXPECT_TRUE(a->items[0].is_null());
  EXPECT_EQ(where(a->items[0].loc), "2:3");
  EXPECT_EQ(where(a->items[2].loc), "4:3");
}

TEST_F(YamlTest, ColumnsCountBytes) {
  Parsed p = parse("\xc3\xa9t\xc3\xa9: v\n");
  ASSERT_TRUE(p.root) << p.text;
  EXPECT_EQ(where(p.root->entries[0].value.loc), "1:8");
}

TEST_F(YamlTest, ByteOrderMarkKeepsPositionsInTheText) {
  Parsed p = parse(
      "\xef\xbb\xbf"
      "a: \"x\"\nb: 'y\n");
  EXPECT_FALSE(p.root);
  EXPECT_EQ(p.text.substr(0, p.text.find('\n')),
            "s.yml:2:4: error: quoted string is not closed before the end of the file [STK001]");
  Parsed ok = parse(
      "\xef\xbb\xbf"
      "a: \"x\"\n");
  ASSERT_TRUE(ok.root) << ok.text;
  EXPECT_TRUE(ok.root->find("a")->quoted);
  EXPECT_EQ(where(ok.root->find("a")->loc), "1:7");
  EXPECT_EQ(error("\xef\xbb\xbf"
                  "a: b: c\n"),
            "s.yml:1:8: error: illegal map value [STK001]");
}

TEST_F(YamlTest, AnchoredValueIsLocatedAtItsContent) {
  Parsed p = parse("a: &x\n  \"q\"\nb: &y [1]\n");
  ASSERT_TRUE(p.root) << p.text;
  EXPECT_EQ(where(p.root->find("a")->loc), "2:3");
  EXPECT_TRUE(p.root->find("a")->quoted);
  EXPECT_EQ(where(p.root->find("b")->loc), "3:7");
}

// Every row was checked against the reference: docker CLI 28.2.2, `docker stack config -c f.yml`
// with the value under a top-level `x-t:` mapping (the reference prints extension values back
// with their type: strings quoted when they would otherwise read as another type).
struct ScalarCase {
  const char* text;
  ScalarType type;
  int64_t int_value;
  double float_value;
};

TEST_F(YamlTest, PlainScalarsResolveLikeTheReference) {
  const ScalarCase cases[] = {
      {"0x1F", ScalarType::integer, 31, 0},
      {"0X1F", ScalarType::integer, 31, 0},
      {"-0x1F", ScalarType::integer, -31, 0},
      {"0440", ScalarType::integer, 288, 0},  // legacy octal: `mode: 0440`
      {"0o17", ScalarType::integer, 15, 0},
      {"0O17", ScalarType::integer, 15, 0},
      {"-0o17", ScalarType::integer, -15, 0},
      {"0b101", ScalarType::integer, 5, 0},
      {"0B11", ScalarType::integer, 3, 0},
      {"-0b101", ScalarType::integer, -5, 0},
      {"+12", ScalarType::integer, 12, 0},
      {"1_000", ScalarType::integer, 1000, 0},
      {"-1_000", ScalarType::integer, -1000, 0},
      {"012_3", ScalarType::integer, 83, 0},
      {"0x_1F", ScalarType::integer, 31, 0},
      {"1__0", ScalarType::integer, 10, 0},
      {"10_", ScalarType::integer, 10, 0},
      {"1_", ScalarType::integer, 1, 0},
      {"00", ScalarType::integer, 0, 0},
      {"0", ScalarType::integer, 0, 0},
      {"-0", ScalarType::integer, 0, 0},
      {"9223372036854775807", ScalarType::integer, INT64_MAX, 0},
      {"-9223372036854775808", ScalarType::integer, INT64_MIN, 0},
      {"0x7FFFFFFFFFFFFFFF", ScalarType::integer, INT64_MAX, 0},
      {"0777777777777777777777", ScalarType::integer, INT64_MAX, 0},
      {"true", ScalarType::boolean, 1, 0},
      {"True", ScalarType::boolean, 1, 0},
      {"TRUE", ScalarType::boolean, 1, 0},
      {"false", ScalarType::boolean, 0, 0},
      {"FALSE", ScalarType::boolean, 0, 0},
      {"1e3", ScalarType::floating, 0, 1000},
      {"1E3", ScalarType::floating, 0, 1000},
      {".5", ScalarType::floating, 0, 0.5},
      {"+.5", ScalarType::floating, 0, 0.5},
      {"-.5", ScalarType::floating, 0, -0.5},
      {".5_0", ScalarType::floating, 0, 0.5},
      {"1.5e-3", ScalarType::floating, 0, 0.0015},
      {"0.5e+3", ScalarType::floating, 0, 500},
      {"12e03", ScalarType::floating, 0, 12000},
      {"685.230_15e+03", ScalarType::floating, 0, 685230.15},
      {"1_0.5", ScalarType::floating, 0, 10.5},
      {"1e1_0", ScalarType::floating, 0, 1e10},
      {"1.", ScalarType::floating, 0, 1},
      {"08", ScalarType::floating, 0, 8},  // not octal, but a YAML float
      {"9223372036854775808", ScalarType::floating, 0, 9223372036854775808.0},  // uint64 there
      {"18446744073709551616", ScalarType::floating, 0, 18446744073709551616.0},
      {"-9223372036854775809", ScalarType::floating, 0, -9223372036854775809.0},
      {"yes", ScalarType::string, 0, 0},  // yaml.v3: yes/no/on/off are strings
      {"no", ScalarType::string, 0, 0},
      {"on", ScalarType::string, 0, 0},
      {"off", ScalarType::string, 0, 0},
      {"tRUE", ScalarType::string, 0, 0},
      {"nULL", ScalarType::string, 0, 0},
      {"_10", ScalarType::string, 0, 0},
      {"1e", ScalarType::string, 0, 0},
      {"0o", ScalarType::string, 0, 0},
      {"0x", ScalarType::string, 0, 0},
      {"0b", ScalarType::string, 0, 0},
      {"0o8", ScalarType::string, 0, 0},
      {"1,000", ScalarType::string, 0, 0},
      {"190:20:30", ScalarType::string, 0, 0},  // no sexagesimal in yaml.v3
      {"0x1p-2", ScalarType::string, 0, 0},
      {"Infinity", ScalarType::string, 0, 0},
      {"2001-12-14", ScalarType::string, 0, 0},  // a time.Time there; see is_yaml_timestamp
      {"1e400", ScalarType::string, 0, 0},       // overflows: Go's ParseFloat fails
      {"-", ScalarType::string, 0, 0},
      {"nginx:1.25", ScalarType::string, 0, 0},
  };
  for (const ScalarCase& c : cases) {
    SCOPED_TRACE(c.text);
    SNode node;
    node.text = c.text;
    node.quoted = true;
    resolve_plain_scalar(node);
    EXPECT_EQ(node.kind, NodeKind::scalar);
    EXPECT_EQ(node.type, c.type);
    EXPECT_FALSE(node.quoted);
    EXPECT_EQ(node.text, c.text);
    if (c.type == ScalarType::integer || c.type == ScalarType::boolean) {
      EXPECT_EQ(node.int_value, c.int_value);
    }
    if (c.type == ScalarType::floating) {
      EXPECT_DOUBLE_EQ(node.float_value, c.float_value);
    }
  }
}

TEST_F(YamlTest, SpecialFloatsAndNulls) {
  for (const char* text : {".inf", ".Inf", ".INF", "+.inf", "+.INF"}) {
    SNode node;
    node.text = text;
    resolve_plain_scalar(node);
    EXPECT_EQ(node.type, ScalarType::floating) << text;
    EXPECT_TRUE(std::isinf(node.float_value) && node.float_value > 0) << text;
  }
  for (const char* text : {"-.inf", "-.Inf", "-.INF"}) {
    SNode node;
    node.text = text;
    resolve_plain_scalar(node);
    EXPECT_TRUE(std::isinf(node.float_value) && node.float_value < 0) << text;
  }
  for (const char* text : {".nan", ".NaN", ".NAN"}) {
    SNode node;
    node.text = text;
    resolve_plain_scalar(node);
    EXPECT_EQ(node.type, ScalarType::floating) << text;
    EXPECT_TRUE(std::isnan(node.float_value)) << text;
  }
  for (const char* text : {"", "~", "null", "Null", "NULL"}) {
    SNode node;
    node.text = text;
    node.kind = NodeKind::scalar;
    resolve_plain_scalar(node);
    EXPECT_EQ(node.kind, NodeKind::null) << text;
    EXPECT_EQ(node.type, ScalarType::null) << text;
  }
}

TEST_F(YamlTest, Timestamps) {
  for (const char* text : {"2001-12-14", "2001-1-2", "2001-12-14T21:59:43Z",
                           "2001-12-14t21:59:43.10-05:00", "2001-12-14 21:59:43.1", "2000-02-29"}) {
    EXPECT_TRUE(is_yaml_timestamp(text)) << text;
  }
  for (const char* text : {"2001-13-14", "2001-02-30", "2001-02-29", "01-12-14", "2001-12",
                           "2001-12-14T21:59:43", "2001-12-14 21:59:43Z", "2001-12-14x", "nginx"}) {
    EXPECT_FALSE(is_yaml_timestamp(text)) << text;
  }
}

TEST_F(YamlTest, QuotedBlockAndTaggedScalars) {
  // Checked against docker 28.2.2: !!str 123 -> "123", !!int "42" -> 42, !!bool "true" ->
  // true, !!float 1 -> 1.0, ! 123 -> 123, !foo 123 -> "123", '12' -> "12", |/> -> strings.
  Parsed p = parse(
      "a: '12'\n"
      "b: \"true\"\n"
      "c: |\n  x\n"
      "d: >\n  y\n"
      "e: !!str 123\n"
      "f: !!int \"42\"\n"
      "g: !!bool \"true\"\n"
      "h: !!float 1\n"
      "i: ! 123\n"
      "j: !foo 123\n"
      "k: !!null ''\n"
      "l: !!str\n"
      "m: !!map {a: 1}\n");
  ASSERT_TRUE(p.root) << p.text;
  auto at = [&](const char* key) { return *p.root->find(key); };
  EXPECT_EQ(at("a").type, ScalarType::string);
  EXPECT_TRUE(at("a").quoted);
  EXPECT_EQ(at("b").type, ScalarType::string);
  EXPECT_EQ(at("c").text, "x\n");
  EXPECT_TRUE(at("c").quoted);
  EXPECT_EQ(at("d").type, ScalarType::string);
  EXPECT_EQ(at("e").type, ScalarType::string);
  EXPECT_EQ(at("e").text, "123");
  EXPECT_EQ(where(at("e").loc), "7:10");
  EXPECT_EQ(at("f").type, ScalarType::integer);
  EXPECT_EQ(at("f").int_value, 42);
  EXPECT_EQ(at("g").type, ScalarType::boolean);
  EXPECT_TRUE(at("g").as_bool());
  EXPECT_EQ(at("h").type, ScalarType::floating);
  EXPECT_DOUBLE_EQ(at("h").float_value, 1.0);
  EXPECT_EQ(at("i").type, ScalarType::integer);
  EXPECT_EQ(at("j").type, ScalarType::string);
  EXPECT_TRUE(at("k").is_null());
  EXPECT_EQ(at("l").type, ScalarType::string);
  EXPECT_EQ(at("l").text, "");
  EXPECT_TRUE(at("m").is_mapping());
}

TEST_F(YamlTest, TagThatDoesNotFitIsAnError) {
  // The reference: "yaml: cannot decode !!str `abc` as a !!int".
  EXPECT_EQ(error("a: !!int abc\n"),
            "s.yml:1:10: error: cannot use string 'abc' as !!int [STK008]");
  EXPECT_EQ(error("a: !!bool yes\n"),
            "s.yml:1:11: error: cannot use string 'yes' as !!bool [STK008]");
  EXPECT_EQ(error("a: !!int 1.5\n"),
            "s.yml:1:10: error: cannot use number '1.5' as !!int [STK008]");
}

TEST_F(YamlTest, DuplicateKeyIsAnErrorWithNote) {
  Parsed p = parse(
      "services:\n"
      "  web:\n"
      "    image: nginx\n"
      "    ports: []\n"
      "    image: redis\n");
  EXPECT_FALSE(p.root);
  EXPECT_EQ(p.text,
            "s.yml:5:5: error: duplicate key 'image' [STK002]\n"
            "    image: redis\n"
            "    ^\n"
            "s.yml:3:5: note: first defined here\n"
            "    image: nginx\n"
            "    ^\n");
}

TEST_F(YamlTest, DuplicateKeysInLargeMappingsAndFlowMappings) {
  std::string text = "x:\n";
  for (int i = 0; i < 100; ++i) {
    text += "  k" + std::to_string(i) + ": 1\n";
  }
  text += "  k42: 2\n";
  EXPECT_EQ(error(text), "s.yml:102:3: error: duplicate key 'k42' [STK002]");
  Parsed p = parse("a: {b: 1, b: 2, b: 3}\n");
  EXPECT_EQ(p.diags.error_count(), 2u) << p.text;
}

TEST_F(YamlTest, ManyRepeatedKeysStayFastAndStopAfterFiftyErrors) {
  std::string text = "x:\n";
  for (int i = 0; i < 50'000; ++i) {
    text += "  k: 1\n";
  }
  CpuTimer timer;
  Parsed p = parse(std::move(text));
  EXPECT_LT(timer.seconds(), k_cpu_budget);
  EXPECT_FALSE(p.root);
  ASSERT_EQ(p.diags.items().size(), 51u);
  EXPECT_EQ(p.diags.items()[0].message, "duplicate key 'k'");
  EXPECT_EQ(where(p.diags.items()[0].notes[0].loc), "2:3");
  EXPECT_EQ(p.diags.items()[50].message, "too many errors in this file; stopping here");
}

TEST_F(YamlTest, QuotedAndPlainSpellingsOfAKeyAreDuplicates) {
  EXPECT_EQ(error("a: 1\n\"a\": 2\n"), "s.yml:2:1: error: duplicate key 'a' [STK002]");
}

TEST_F(YamlTest, MergeKeyWithMapping) {
  Parsed p = parse(
      "x-base: &base\n"
      "  image: nginx\n"
      "  replicas: 1\n"
      "web:\n"
      "  <<: *base\n"
      "  replicas: 3\n");
  ASSERT_TRUE(p.root) << p.text;
  const SNode* web = p.root->find("web");
  EXPECT_EQ(keys(*web), "image,replicas");
  EXPECT_EQ(web->find("replicas")->int_value, 3);  // explicit wins, even after `<<`
  EXPECT_EQ(where(web->find("replicas")->loc), "6:13");
  // Merged entries keep where they were written.
  EXPECT_EQ(where(web->find_entry("image")->key_loc), "2:3");
  EXPECT_EQ(where(web->find("image")->loc), "2:10");
}

TEST_F(YamlTest, MergeKeyWithSequenceOfMappings) {
  // The reference gives x-a = {p: 9, q: 1, r: 2, s: 0} for this file (docker 28.2.2).
  Parsed p = parse(
      "x-b: &b {p: 1, q: 1}\n"
      "x-c: &c {q: 2, r: 2}\n"
      "x-a: {s: 0, <<: [*b, *c], p: 9}\n");
  ASSERT_TRUE(p.root) << p.text;
  const SNode* a = p.root->find("x-a");
  EXPECT_EQ(keys(*a), "s,q,r,p");
  EXPECT_EQ(a->find("p")->int_value, 9);
  EXPECT_EQ(a->find("q")->int_value, 1);  // earlier mappings win
  EXPECT_EQ(where(a->find("q")->loc), "1:19");
  EXPECT_EQ(a->find("r")->int_value, 2);
  EXPECT_EQ(where(a->find_entry("r")->key_loc), "2:16");
}

TEST_F(YamlTest, MergeKeyWithInlineMappingAndNestedMerge) {
  Parsed p = parse(
      "x-a: &a {k: 1}\n"
      "x-b: &b {<<: *a, l: 2}\n"
      "c: {<<: [*b, {m: 3}]}\n");
  ASSERT_TRUE(p.root) << p.text;
  EXPECT_EQ(keys(*p.root->find("c")), "k,l,m");
}

TEST_F(YamlTest, MergedKeyIsNotADuplicateButTwoMergeKeysAre) {
  Parsed ok = parse("x: &x {p: 1}\ny: {<<: *x, p: 2}\n");
  EXPECT_TRUE(ok.root) << ok.text;
  // The reference: 'mapping key "<<" already defined at line 5'.
  EXPECT_EQ(error("x: &x {p: 1}\ny: {<<: *x, <<: *x}\n"),
            "s.yml:2:13: error: duplicate key '<<' [STK002]");
}

TEST_F(YamlTest, QuotedMergeKeyIsAnOrdinaryKey) {
  Parsed p = parse("x: &x {p: 1}\ny: {\"<<\": *x}\n");
  ASSERT_TRUE(p.root) << p.text;
  EXPECT_EQ(keys(*p.root->find("y")), "<<");
}

TEST_F(YamlTest, MergeValueMustBeMappings) {
  // The reference: "map merge requires map or sequence of maps as the value".
  EXPECT_EQ(error("x: &x 1\ny: {<<: *x}\n"),
            "s.yml:2:9: error: merge key '<<' needs a mapping or a sequence of mappings, not an "
            "alias to an integer [STK003]");
  EXPECT_EQ(error("y:\n  <<:\n"),
            "s.yml:2:3: error: merge key '<<' needs a mapping or a sequence of mappings, not a "
            "null [STK003]");
  EXPECT_EQ(error("x: &x [{p: 1}]\ny: {<<: *x}\n"),
            "s.yml:2:9: error: merge key '<<' needs a mapping or a sequence of mappings, not an "
            "alias to a sequence [STK003]");
  EXPECT_EQ(error("y: {<<: [{p: 1}, 2]}\n"),
            "s.yml:1:18: error: merge key '<<' needs a sequence of mappings; this item is an "
            "integer [STK003]");
}

TEST_F(YamlTest, AliasCopiesLocatedAtTheAlias) {
  Parsed p = parse("a: &x [1, 2]\nb: *x\nc: &s hello\nd: *s\n");
  ASSERT_TRUE(p.root) << p.text;
  const SNode* b = p.root->find("b");
  ASSERT_TRUE(b->is_sequence());
  EXPECT_EQ(b->items.size(), 2u);
  EXPECT_EQ(where(b->loc), "2:4");
  EXPECT_EQ(where(b->items[1].loc), "1:11");
  EXPECT_EQ(p.root->find("d")->text, "hello");
  EXPECT_EQ(where(p.root->find("d")->loc), "4:4");
}

TEST_F(YamlTest, UnknownAndRecursiveAliases) {
  EXPECT_EQ(error("a: 1\nb: *nope\n"),
            "s.yml:2:4: error: unknown anchor 'nope' referenced [STK004]");
  EXPECT_EQ(error("a: &a [1, *a]\n"),
            "s.yml:1:11: error: anchor 'a' value contains itself (alias '*a' is inside it) "
            "[STK004]");
}

std::string alias_bomb(int levels) {
  std::string text =
      "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n";
  char prev = 'a';
  for (int i = 1; i < levels; ++i) {
    char name = static_cast<char>('a' + i);
    text += std::string(1, name) + ": &" + name + " [";
    for (int k = 0; k < 9; ++k) {
      text += std::string(k ? "," : "") + "*" + prev;
    }
    text += "]\n";
    prev = name;
  }
  return text;
}

TEST_F(YamlTest, AliasBombFailsFast) {
  CpuTimer timer;
  std::string message = error(alias_bomb(9));
  double elapsed = timer.seconds();
  EXPECT_EQ(message,
            "s.yml:6:11: error: alias '*e' expands the file beyond 200000 nodes made from "
            "aliases; is this an alias bomb (billion laughs)? [STK004]");
  EXPECT_LT(elapsed, k_cpu_budget);
}

TEST_F(YamlTest, ModestAliasUseIsFine) {
  Parsed p = parse(alias_bomb(4));  // 9^3 * 10 nodes
  EXPECT_TRUE(p.root) << p.text;
}

TEST_F(YamlTest, TooManyNodes) {
  YamlLimits limits;
  limits.max_nodes = 100;
  std::string text = "a: [";
  for (int i = 0; i < 200; ++i) {
    text += "1,";
  }
  text += "]\n";
  EXPECT_EQ(error(text, limits),
            "s.yml: error: file has more than 100 values; refusing to load it [STK005]");
}

TEST_F(YamlTest, DeepFlowNestingIsAClearError) {
  for (std::string open : {"[", "{a: "}) {
    std::string text = "a: ";
    for (int i = 0; i < 10000; ++i) {
      text += open;
    }
    CpuTimer timer;
    std::string message = error(text);
    EXPECT_LT(timer.seconds(), k_cpu_budget);
    EXPECT_EQ(message.substr(message.find("error:")),
              "error: values are nested more than 128 levels deep [STK005]");
  }
}

TEST_F(YamlTest, DeepBlockNestingIsAClearError) {
  std::string seqs = "a:\n";
  for (int i = 0; i < 10000; ++i) {
    seqs += "- ";
  }
  seqs += "x\n";
  EXPECT_EQ(error(seqs),
            "s.yml:2:255: error: values are nested more than 128 levels deep [STK005]");
  std::string maps;
  for (int i = 0; i < 1000; ++i) {
    maps += std::string(static_cast<size_t>(i), ' ') + "a:\n";
  }
  EXPECT_EQ(error(maps),
            "s.yml:129:129: error: values are nested more than 128 levels deep [STK005]");
}

TEST_F(YamlTest, AliasCannotBuildNestingPastTheLimit) {
  YamlLimits limits;
  limits.max_depth = 4;
  EXPECT_EQ(error("a: &a [[1]]\nb: [[*a]]\n", limits),
            "s.yml:2:6: error: alias '*a' nests values more than 4 levels deep [STK005]");
}

TEST_F(YamlTest, OneDocumentPerFile) {
  // The reference silently ignores everything after the first document; we refuse it.
  EXPECT_EQ(error("a: 1\n---\nb: 2\n"),
            "s.yml:2:1: error: a second YAML document starts here; a stack file holds one "
            "document [STK006]");
  EXPECT_EQ(error("a: 1\n---\nb: [\n"),
            "s.yml:2:1: error: a second YAML document starts here; a stack file holds one "
            "document [STK006]");
  // Explicit start and end markers, and a trailing empty document, are fine.
  EXPECT_TRUE(parse("---\na: 1\n...\n").root);
  EXPECT_TRUE(parse("a: 1\n---\n").root);
}

TEST_F(YamlTest, EmptyAndNonMappingFiles) {
  // The reference: "top-level object must be a mapping" for all of these.
  EXPECT_EQ(error(""),
            "s.yml: error: file is empty; a stack file must be a mapping (services: ...) "
            "[STK006]");
  EXPECT_EQ(error("# only a comment\n\n"),
            "s.yml: error: file is empty; a stack file must be a mapping (services: ...) "
            "[STK006]");
  EXPECT_EQ(error("---\n"),
            "s.yml: error: file is empty; a stack file must be a mapping (services: ...) "
            "[STK006]");
  EXPECT_EQ(error("- a\n"),
            "s.yml:1:1: error: top-level object must be a mapping, not a sequence [STK006]");
  EXPECT_EQ(error("\nhello\n"),
            "s.yml:2:1: error: top-level object must be a mapping, not a string [STK006]");
}

TEST_F(YamlTest, KeysMustBeStrings) {
  EXPECT_EQ(error("a: {? [1]: 1}\n"),
            "s.yml:1:7: error: a sequence cannot be a mapping key; keys must be strings [STK007]");
  EXPECT_EQ(error("? {b: 1}\n: 1\n"),
            "s.yml:1:3: error: a mapping cannot be a mapping key; keys must be strings [STK007]");
  // The reference fails on these with "json: unsupported type: map[interface {}]interface {}".
  EXPECT_EQ(error("a: {1: x}\n"),
            "s.yml:1:5: error: mapping key 1 is an integer, not a string; quote it (\"1\") "
            "[STK007]");
  EXPECT_EQ(error("a:\n  ~: x\n"),
            "s.yml:2:3: error: a mapping key cannot be null; keys must be strings [STK007]");
  EXPECT_EQ(error("true: x\n"),
            "s.yml:1:1: error: mapping key true is a boolean, not a string; quote it (\"true\") "
            "[STK007]");
  EXPECT_TRUE(parse("\"1\": x\n'true': y\n").root);
}

TEST_F(YamlTest, TabIndentation) {
  Parsed p = parse("services:\n\tweb:\n\t\timage: nginx\n");
  EXPECT_FALSE(p.root);
  ASSERT_EQ(p.diags.items().size(), 1u) << p.text;
  const Diagnostic& diag = p.diags.items()[0];
  EXPECT_EQ(diag.code, "STK001");
  EXPECT_TRUE(diag.loc.has_line());
  EXPECT_NE(diag.message.find("tab is used for indentation"), std::string::npos) << p.text;
}

TEST_F(YamlTest, UnclosedQuote) {
  EXPECT_EQ(error("a: \"abc\nb: 1\n"),
            "s.yml:1:4: error: quoted string is not closed before the end of the file [STK001]");
  EXPECT_EQ(error("a: 'it''s\n"),
            "s.yml:1:4: error: quoted string is not closed before the end of the file [STK001]");
  EXPECT_TRUE(parse("a: 'it''s'\nb: \"q\\\"\"\n").root);
}

TEST_F(YamlTest, SyntaxErrorsCarryLocationsAndCleanMessages) {
  std::string message = error("a: [1, 2\nb: 3\n");
  EXPECT_EQ(message.find("yaml-cpp"), std::string::npos) << message;
  EXPECT_EQ(message.rfind("s.yml:", 0), 0u) << message;
  EXPECT_NE(message.find("[STK001]"), std::string::npos) << message;
  EXPECT_EQ(error("a: b: c\n"), "s.yml:1:5: error: illegal map value [STK001]");
}

TEST_F(YamlTest, StrayCharacterThatStallsYamlCppIsAnError) {
  // yaml-cpp 0.7, the parser before libyaml, returned empty documents at this ',' forever
  // (found by fuzz/yaml_fuzz); the message stayed.
  EXPECT_EQ(error(",version: \"3.9\"\nservices: {}\n"),
            "s.yml:1:1: error: unexpected ','; the YAML parser cannot continue here [STK001]");
}

// go-yaml v3 (the reference) is a port of libyaml and rejects these; yaml-cpp took them.
// Checked with docker CLI 28.2.2: "could not find expected ':'", "found character that cannot
// start any token", "found undefined tag handle".
TEST_F(YamlTest, RejectsWhatTheReferenceRejects) {
  EXPECT_EQ(error("a: b\nc\n"), "s.yml:2:1: error: could not find expected ':' [STK001]");
  EXPECT_EQ(error("a:\n  -\tx\n"), "s.yml:2:4: error: unknown token [STK001]");
  EXPECT_EQ(error("a: !e!x 1\n"), "s.yml:1:4: error: found undefined tag handle [STK001]");
}

TEST_F(YamlTest, SyntaxErrorsPointAtTheCulprit) {
  EXPECT_EQ(error("a: \"\\q\"\n"), "s.yml:1:5: error: unknown escape character: q [STK001]");
  EXPECT_EQ(error("a: &x &y 1\n"),
            "s.yml:1:7: error: cannot assign multiple anchors to the same node [STK001]");
  EXPECT_EQ(error("a: ]\n"), "s.yml:1:4: error: illegal flow end [STK001]");
  EXPECT_EQ(error("a: 1\n...\nb: 2\n"),
            "s.yml:3:1: error: a second YAML document starts here; a stack file holds one "
            "document [STK006]");
  // Columns count bytes although libyaml counts characters.
  EXPECT_EQ(error("\xc3\xa9: b: c\n"), "s.yml:1:6: error: illegal map value [STK001]");
}

TEST_F(YamlTest, BinaryGarbageAndInvalidUtf8) {
  std::string binary("a: 1\nb: \x7f\x45\x4c\x46\x02\x01\x01\x00\x00", 14);
  EXPECT_EQ(error(binary),
            "s.yml:2:4: error: control character 0x7f is not allowed in YAML (binary file?) "
            "[STK001]");
  EXPECT_EQ(error("a: caf\xe9\n"),
            "s.yml:1:7: error: invalid UTF-8 byte 0xe9 (stack files must be UTF-8 text) [STK001]");
  EXPECT_EQ(error("a: \xed\xa0\x80\n"),  // a UTF-16 surrogate
            "s.yml:1:4: error: invalid UTF-8 byte 0xed (stack files must be UTF-8 text) [STK001]");
  EXPECT_EQ(error("\xff\xfe"
                  "a\0:\0"),
            "s.yml: error: file is UTF-16 encoded; stack files must be UTF-8 [STK001]");
  EXPECT_TRUE(parse("\xef\xbb\xbf"
                    "a: caf\xc3\xa9 \xf0\x9f\x90\xb3\n")
                  .root);
}

TEST_F(YamlTest, HugeFileIsRejectedQuickly) {
  std::string text = "x-big: |\n";
  while (text.size() < 50u * 1024 * 1024) {
    text += "  aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n";
  }
  text.resize(50u * 1024 * 1024);
  const SourceFile* file = m_sources.add("big.yml", std::move(text));
  Diagnostics diags;
  CpuTimer timer;
  EXPECT_FALSE(parse_yaml(*file, diags));
  EXPECT_LT(timer.seconds(), k_cpu_budget);
  ASSERT_EQ(diags.items().size(), 1u);
  EXPECT_EQ(format_diagnostic(diags.items()[0], Color::off),
            "big.yml: error: file is too large (52428800 bytes; stack files are limited to 16 "
            "MiB) [STK001]\n");
}

TEST_F(YamlTest, SeveralSemanticErrorsAreAllReported) {
  Parsed p = parse("a: 1\na: 2\nb: {1: x}\nc: {<<: 3}\n");
  EXPECT_FALSE(p.root);
  EXPECT_EQ(p.diags.error_count(), 3u) << p.text;
}

}  // namespace
}  // namespace stackc
