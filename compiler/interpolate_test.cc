#include "compiler/interpolate.h"
#include "compiler/go_quote.h"

#include <cmath>
#include <cstdlib>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace stackc {
namespace {

// Rows marked "docker 28.2.2" were checked with `docker stack config` of docker CLI 28.2.2,
// writing the template as `x-t: {v: '<template>'}` and running it with S=v, S= and S unset.

// ---------------------------------------------------------------------------------------------
// substitute(): every form x set / empty / unset

enum class Outcome { value, invalid, required };

struct Row {
  const char* templ;
  // For S=v, S="" and S unset: the value, or "!invalid" / "!required: <message>".
  const char* set;
  const char* empty;
  const char* unset;
};

std::string run(const char* templ, const Env& env) {
  Substitution sub = substitute(templ, env);
  if (!sub.error) {
    return sub.value;
  }
  if (sub.error->kind == TemplateFinding::Kind::invalid) {
    return "!invalid";
  }
  return "!" + sub.error->detail;
}

const Row k_rows[] = {
    // docker 28.2.2 (all rows of this table)
    {"$S", "v", "", ""},
    {"${S}", "v", "", ""},
    {"a${S}b", "avb", "ab", "ab"},
    {"${S:-d}", "v", "d", "d"},
    {"${S-d}", "v", "", "d"},
    {"${S:-}", "v", "", ""},
    {"${S:?m}", "v", "!required variable S is missing a value: m",
     "!required variable S is missing a value: m"},
    {"${S?m}", "v", "", "!required variable S is missing a value: m"},
    {"${S:?}", "v",
     "!required variable S is missing a value: ", "!required variable S is missing a value: "},
    {"${S?}", "v", "", "!required variable S is missing a value: "},
    {"$$", "$", "$", "$"},
    {"$$S", "$S", "$S", "$S"},
    {"$$$S", "$v", "$", "$"},
    // compose-spec operators docker stack 28 does not know.
    {"${S:+x}", "!invalid", "!invalid", "!invalid"},
    {"${S+x}", "!invalid", "!invalid", "!invalid"},
    {"${S:=x}", "!invalid", "!invalid", "!invalid"},
    // A `$` that starts no template.
    {"$1", "!invalid", "!invalid", "!invalid"},
    {"$ x", "!invalid", "!invalid", "!invalid"},
    {"a$", "!invalid", "!invalid", "!invalid"},
    {"$-", "!invalid", "!invalid", "!invalid"},
    {"${}", "!invalid", "!invalid", "!invalid"},
    {"${ S}", "!invalid", "!invalid", "!invalid"},
    {"${S }", "!invalid", "!invalid", "!invalid"},
    {"${S", "!invalid", "!invalid", "!invalid"},
    {"${9}", "!invalid", "!invalid", "!invalid"},
    {"$1 $$", "!invalid", "!invalid", "!invalid"},
    {"$T $1", "!invalid", "!invalid", "!invalid"},
    // Names: letters, digits, '_'; the longest run is the name.
    {"$Sabc", "", "", ""},
    {"$S.abc", "v.abc", ".abc", ".abc"},
    {"$_x", "", "", ""},
    {"$S:x", "v:x", ":x", ":x"},
    // Unbraced modifiers run to the next '}' or the end.
    {"$S-x y", "v", "", "x y"},
    {"$S-x}y", "v}y", "}y", "x}y"},
    // No nesting: the default is "${B" (B=b is set in these runs), then a literal '}'.
    {"${A:-${B}}", "a}", "a}", "a}"},
    {"${S:-a}b}", "vb}", "ab}", "ab}"},
    // "-" is tried before ":?": the name is "S:?must", which is never set.
    {"${S:?must-be}", "be", "be", "be"},
    {"${S-a:-b}", "b", "b", "b"},
    // The last error wins ...
    {"${S:?m}${S:?n}", "vv", "!required variable S is missing a value: n",
     "!required variable S is missing a value: n"},
    {"$1${S:?n}", "1v", "!required variable S is missing a value: n",
     "!required variable S is missing a value: n"},
    {"${S:?m}$$", "v$", "!required variable S is missing a value: m",
     "!required variable S is missing a value: m"},
    // ... and a later successful variable forgets it.
    {"${S:?m} $T", "v t", " t", " t"},
    {"$1 $T", "1 t", "1 t", "1 t"},
    {"a${T}b $S:x ${S:x}", "!invalid", "!invalid", "!invalid"},
};

TEST(Substitute, EveryFormSetEmptyUnset) {
  MapEnv set{{"S", "v"}, {"A", "a"}, {"B", "b"}, {"T", "t"}};
  MapEnv empty{{"S", ""}, {"A", "a"}, {"B", "b"}, {"T", "t"}};
  MapEnv unset{{"A", "a"}, {"B", "b"}, {"T", "t"}};
  for (const Row& row : k_rows) {
    SCOPED_TRACE(row.templ);
    EXPECT_EQ(run(row.templ, set), row.set);
    EXPECT_EQ(run(row.templ, empty), row.empty);
    EXPECT_EQ(run(row.templ, unset), row.unset);
  }
}

TEST(Substitute, ErrorOffsetIsTheDollarOfTheLastError) {
  MapEnv env;
  Substitution sub = substitute("ab $1 ${X:?y} cd", env);
  ASSERT_TRUE(sub.error);
  EXPECT_EQ(sub.error->kind, TemplateFinding::Kind::required);
  EXPECT_EQ(sub.error->offset, 6u);
  EXPECT_EQ(sub.error->templ, "${X:?y}");
  EXPECT_EQ(sub.error->variable, "X");

  sub = substitute("xyz${", env);
  ASSERT_TRUE(sub.error);
  EXPECT_EQ(sub.error->kind, TemplateFinding::Kind::invalid);
  EXPECT_EQ(sub.error->offset, 3u);
}

TEST(Substitute, WarningsForUnsetAndQuirks) {
  MapEnv env{{"T", "t"}};
  Substitution sub = substitute("$U ${T} ${V-d} ${X:?a-b} $1 $T $W-x", env);
  ASSERT_FALSE(sub.error);
  EXPECT_EQ(sub.value, " t d b 1 t x");
  using Kind = TemplateFinding::Kind;
  std::vector<std::pair<Kind, size_t>> got;
  for (const TemplateFinding& finding : sub.warnings) {
    got.emplace_back(finding.kind, finding.offset);
  }
  EXPECT_THAT(got, testing::ElementsAre(std::pair{Kind::unset, 0u},                 // $U
                                        std::pair{Kind::odd_name, 15u},             // ${X:?a-b}
                                        std::pair{Kind::hidden_error, 25u},         // $1
                                        std::pair{Kind::unbraced_modifier, 31u}));  // $W-x
  ASSERT_EQ(sub.warnings.size(), 4u);
  EXPECT_EQ(sub.warnings[0].variable, "U");
  EXPECT_EQ(sub.warnings[1].variable, "X:?a");
  EXPECT_EQ(sub.warnings[1].detail, "b");
  EXPECT_EQ(sub.warnings[2].hidden_kind, Kind::invalid);
  EXPECT_EQ(sub.warnings[3].variable, "W");
}

TEST(Substitute, UnbracedModifierRunsToTheNextBrace) {
  // docker 28.2.2: $W-x takes "x ${X-y" as its default and the '}' stays ...
  MapEnv env;
  EXPECT_EQ(run("$W-x ${X-y} z", env), "x ${X-y} z");
  // ... and with ":-" inside, that operator wins: the name is "W-x ${X", the default "y".
  EXPECT_EQ(run("$W-x ${X:-y} z", env), "y} z");
}

TEST(Substitute, NoWarningsWhenAnErrorRemains) {
  MapEnv env;
  Substitution sub = substitute("$U ${X?}", env);
  ASSERT_TRUE(sub.error);
  EXPECT_TRUE(sub.warnings.empty());
}

TEST(Substitute, ValuesAreNotRescanned) {
  MapEnv env{{"A", "${B}"}, {"B", "b"}, {"D", "$"}};
  EXPECT_EQ(run("$A", env), "${B}");
  EXPECT_EQ(run("${X:-$B}", env), "$B");
  EXPECT_EQ(run("${D}1", env), "$1");
}

TEST(Substitute, NamesAreCaseSensitiveAndMayBeLong) {
  MapEnv env{{"foo", "lower"}, {"FOO", "upper"}, {"a_b_9", "x"}};
  EXPECT_EQ(run("$foo/$FOO/${a_b_9}", env), "lower/upper/x");
  EXPECT_EQ(run("$foo9", env), "");
}

// ---------------------------------------------------------------------------------------------
// Env

TEST(Env, MapEnvDistinguishesEmptyFromUnset) {
  MapEnv env{{"E", ""}};
  EXPECT_EQ(env.get("E"), std::optional<std::string>(""));
  EXPECT_EQ(env.get("F"), std::nullopt);
}

TEST(Env, FromEnvironSplitsAtTheFirstEquals) {
  const char* envp[] = {"A=1", "B==2=", "C=", "NOEQ", "=hidden", "A=3", nullptr};
  MapEnv env = MapEnv::from_environ(envp);
  EXPECT_EQ(env.get("A"), "3");
  EXPECT_EQ(env.get("B"), "=2=");
  EXPECT_EQ(env.get("C"), "");
  EXPECT_EQ(env.get("NOEQ"), std::nullopt);
  EXPECT_EQ(env.size(), 3u);
}

TEST(Env, ProcessEnvSnapshotsTheEnvironment) {
  ASSERT_EQ(setenv("STACKC_INTERP_TEST", "before", 1), 0);
  ProcessEnv env;
  ASSERT_EQ(setenv("STACKC_INTERP_TEST", "after", 1), 0);
  EXPECT_EQ(env.get("STACKC_INTERP_TEST"), "before");
  unsetenv("STACKC_INTERP_TEST");
}

TEST(Env, LayeredEnvPrefersTheFirst) {
  MapEnv process{{"A", "proc"}, {"E", ""}};
  MapEnv files{{"A", "file"}, {"B", "file"}, {"E", "file"}};
  LayeredEnv env(process, files);
  EXPECT_EQ(env.get("A"), "proc");
  EXPECT_EQ(env.get("B"), "file");
  EXPECT_EQ(env.get("E"), "");  // set-but-empty in the process still wins
  EXPECT_EQ(env.get("C"), std::nullopt);
}

// ---------------------------------------------------------------------------------------------
// go_quote

TEST(GoQuote, EscapesAsGo) {
  EXPECT_EQ(go_quote("plain"), "\"plain\"");
  EXPECT_EQ(go_quote("a\"b\\c"), "\"a\\\"b\\\\c\"");
  EXPECT_EQ(go_quote("\n\t\x01\x7f"), "\"\\n\\t\\x01\\x7f\"");
  EXPECT_EQ(go_quote("h\xc3\xa9"), "\"h\xc3\xa9\"");  // printable UTF-8 is kept
  EXPECT_EQ(go_quote("\xff"), "\"\\xff\"");
  EXPECT_EQ(go_quote("\xc2\xa0"), "\"\\u00a0\"");
}

// ---------------------------------------------------------------------------------------------
// interpolate(): the tree walk, with trees built by hand.

SNode str(std::string text, SourceLoc loc = {}, bool quoted = false) {
  SNode node;
  node.kind = NodeKind::scalar;
  node.type = ScalarType::string;
  node.quoted = quoted;
  node.text = std::move(text);
  node.loc = loc;
  return node;
}

SNode integer(int64_t value) {
  SNode node;
  node.kind = NodeKind::scalar;
  node.type = ScalarType::integer;
  node.text = std::to_string(value);
  node.int_value = value;
  return node;
}

SNode map(std::vector<std::pair<std::string, SNode>> entries) {
  SNode node;
  node.kind = NodeKind::mapping;
  for (auto& [key, value] : entries) {
    node.entries.push_back(SEntry{key, {}, std::move(value)});
  }
  return node;
}

SNode seq(std::vector<SNode> items) {
  SNode node;
  node.kind = NodeKind::sequence;
  node.items = std::move(items);
  return node;
}

// A stack with one service `web` whose body is `body`.
SNode service(SNode body) { return map({{"services", map({{"web", std::move(body)}})}}); }

std::vector<std::string> messages(const Diagnostics& diags) {
  std::vector<std::string> out;
  for (const Diagnostic& d : diags.items()) {
    out.push_back(d.code + " " + d.message);
  }
  return out;
}

TEST(Interpolate, KeysAreNeverInterpolated) {
  // docker 28.2.2: labels: {"${T}": "${T}"} gives `${T}: t`.
  SNode root = service(map({{"labels", map({{"${T}", str("${T}")}})}}));
  MapEnv env{{"T", "t"}};
  Diagnostics diags;
  interpolate(root, env, diags);
  const SNode& labels = *root.find("services")->find("web")->find("labels");
  ASSERT_EQ(labels.entries.size(), 1u);
  EXPECT_EQ(labels.entries[0].key, "${T}");
  EXPECT_EQ(labels.entries[0].value.text, "t");
  EXPECT_TRUE(labels.entries[0].value.quoted);
  EXPECT_TRUE(diags.items().empty());
}

TEST(Interpolate, ExtensionsVersionAndSequencesAreInterpolated) {
  // docker 28.2.2: `x-foo: {bar: ${TAG}}` with TAG=1 gives bar: "1" (a string).
  SNode root = map({{"version", str("${V}")},
                    {"x-foo", map({{"bar", str("${TAG}")}})},
                    {"services", map({{"web", map({{"environment", seq({str("A=$TAG")})}})}})}});
  MapEnv env{{"TAG", "1"}, {"V", "3.9"}};
  Diagnostics diags;
  interpolate(root, env, diags);
  EXPECT_EQ(root.find("version")->text, "3.9");
  const SNode& bar = *root.find("x-foo")->find("bar");
  EXPECT_EQ(bar.text, "1");
  EXPECT_EQ(bar.type, ScalarType::string);
  EXPECT_EQ(root.find("services")->find("web")->find("environment")->items[0].text, "A=1");
}

TEST(Interpolate, NonStringScalarsAndUnchangedValuesAreLeftAlone) {
  SNode root = service(map(
      {{"deploy", map({{"replicas", integer(3)}})}, {"image", str("plain")}, {"tty", str("$X")}}));
  root.find("services")->find("web")->find("image")->quoted = false;
  MapEnv env{{"X", "$X"}};  // substitutes to itself: unchanged, so not cast (docker 28.2.2)
  Diagnostics diags;
  interpolate(root, env, diags);
  const SNode& web = *root.find("services")->find("web");
  EXPECT_EQ(web.find("deploy")->find("replicas")->int_value, 3);
  EXPECT_FALSE(web.find("image")->quoted);
  EXPECT_EQ(web.find("tty")->type, ScalarType::string);
  EXPECT_EQ(web.find("tty")->text, "$X");
  EXPECT_FALSE(diags.has_errors());
}

struct CastRow {
  const char* path;  // dotted, "[]" for a sequence item
  const char* value;
  ScalarType type;  // expected type; string = not cast
  double number;    // expected int/float/bool value
};

// Builds a tree holding str("${X}") at `path`.
SNode tree_at(std::string_view path) {
  size_t dot = path.find('.');
  std::string part(path.substr(0, dot));
  SNode leaf = str("${X}");
  if (dot == std::string_view::npos) {
    return map({{part, std::move(leaf)}});
  }
  SNode child = tree_at(path.substr(dot + 1));
  if (path.substr(dot + 1, 2) == "[]") {
    // The child of a "[]" step: unwrap the map built for "[]".
    SNode inner = std::move(child.entries[0].value);
    return map({{part, seq({std::move(inner)})}});
  }
  return map({{part, std::move(child)}});
}

const SNode* leaf_of(const SNode& node) {
  if (node.is_scalar()) {
    return &node;
  }
  if (node.is_mapping() && !node.entries.empty()) {
    return leaf_of(node.entries[0].value);
  }
  if (node.is_sequence() && !node.items.empty()) {
    return leaf_of(node.items[0]);
  }
  return nullptr;
}

const CastRow k_cast_rows[] = {
    // docker 28.2.2: every path of the table with I=+7 B=Yes F=0.5e1.
    {"services.web.deploy.replicas", "+7", ScalarType::integer, 7},
    {"services.web.deploy.replicas", "007", ScalarType::integer, 7},
    {"services.web.deploy.replicas", "9223372036854775807", ScalarType::integer,
     9223372036854775807.0},
    {"services.web.deploy.update_config.parallelism", "7", ScalarType::integer, 7},
    {"services.web.deploy.rollback_config.parallelism", "7", ScalarType::integer, 7},
    {"services.web.deploy.restart_policy.max_attempts", "7", ScalarType::integer, 7},
    {"services.web.deploy.placement.max_replicas_per_node", "7", ScalarType::integer, 7},
    {"services.web.healthcheck.retries", "7", ScalarType::integer, 7},
    {"services.web.oom_score_adj", "-5", ScalarType::integer, -5},
    {"services.web.configs.[].mode", "7", ScalarType::integer, 7},
    {"services.web.secrets.[].mode", "7", ScalarType::integer, 7},
    {"services.web.ports.[].target", "7", ScalarType::integer, 7},
    {"services.web.ports.[].published", "7", ScalarType::integer, 7},
    {"services.web.ulimits.nproc", "7", ScalarType::integer, 7},
    {"services.web.ulimits.nofile.soft", "7", ScalarType::integer, 7},
    {"services.web.ulimits.nofile.hard", "7", ScalarType::integer, 7},
    {"services.web.deploy.update_config.max_failure_ratio", "0.5e1", ScalarType::floating, 5},
    {"services.web.deploy.rollback_config.max_failure_ratio", ".5", ScalarType::floating, 0.5},
    {"services.web.deploy.update_config.max_failure_ratio", "1_0", ScalarType::floating, 10},
    {"services.web.deploy.update_config.max_failure_ratio", "0x1p2", ScalarType::floating, 4},
    {"services.web.deploy.update_config.max_failure_ratio", "0x_1p2", ScalarType::floating, 4},
    {"services.web.deploy.update_config.max_failure_ratio", "5.", ScalarType::floating, 5},
    {"services.web.deploy.update_config.max_failure_ratio", "1.5e+3", ScalarType::floating, 1500},
    {"services.web.deploy.update_config.max_failure_ratio", "1e-400", ScalarType::floating, 0},
    {"services.web.deploy.update_config.max_failure_ratio", "-Inf", ScalarType::floating,
     -HUGE_VAL},
    {"services.web.read_only", "Yes", ScalarType::boolean, 1},
    {"services.web.read_only", "y", ScalarType::boolean, 1},
    {"services.web.read_only", "ON", ScalarType::boolean, 1},
    {"services.web.read_only", "TRUE", ScalarType::boolean, 1},
    {"services.web.read_only", "No", ScalarType::boolean, 0},
    {"services.web.read_only", "n", ScalarType::boolean, 0},
    {"services.web.read_only", "OFF", ScalarType::boolean, 0},
    {"services.web.privileged", "true", ScalarType::boolean, 1},
    {"services.web.stdin_open", "false", ScalarType::boolean, 0},
    {"services.web.tty", "on", ScalarType::boolean, 1},
    {"services.web.healthcheck.disable", "yes", ScalarType::boolean, 1},
    {"services.web.volumes.[].read_only", "yes", ScalarType::boolean, 1},
    {"services.web.volumes.[].volume.nocopy", "yes", ScalarType::boolean, 1},
    {"networks.n.external", "yes", ScalarType::boolean, 1},
    {"networks.n.internal", "yes", ScalarType::boolean, 1},
    {"networks.n.attachable", "yes", ScalarType::boolean, 1},
    {"volumes.v.external", "yes", ScalarType::boolean, 1},
    {"secrets.s.external", "yes", ScalarType::boolean, 1},
    {"configs.c.external", "yes", ScalarType::boolean, 1},
    // Not cast (docker 28.2.2 then fails schema validation: "must be a boolean/integer").
    {"services.web.init", "true", ScalarType::string, 0},
    {"services.web.deploy.resources.limits.pids", "5", ScalarType::string, 0},
    {"services.web.volumes.[].tmpfs.size", "5", ScalarType::string, 0},
    {"x-foo.replicas", "5", ScalarType::string, 0},
    // A dotted service name splits the reference's path: no cast (docker 28.2.2 says
    // "services.a.b.deploy.replicas must be a integer").
    {"services.a.b.deploy.replicas", "5", ScalarType::string, 0},
};

TEST(Interpolate, ChangedValuesAreCastByPath) {
  for (const CastRow& row : k_cast_rows) {
    SCOPED_TRACE(std::string(row.path) + " = " + row.value);
    std::string_view path = row.path;
    SNode root;
    if (path.substr(0, 13) == "services.a.b.") {
      // Build it with a real "a.b" key.
      root = map({{"services", map({{"a.b", tree_at(path.substr(13))}})}});
    } else {
      root = tree_at(path);
    }
    MapEnv env{{"X", row.value}};
    Diagnostics diags;
    interpolate(root, env, diags);
    EXPECT_TRUE(diags.items().empty()) << testing::PrintToString(messages(diags));
    const SNode* leaf = leaf_of(root);
    ASSERT_NE(leaf, nullptr);
    EXPECT_EQ(leaf->type, row.type);
    EXPECT_EQ(leaf->text, row.value);
    switch (row.type) {
      case ScalarType::integer:
        EXPECT_EQ(static_cast<double>(leaf->int_value), row.number);
        EXPECT_FALSE(leaf->quoted);
        break;
      case ScalarType::boolean:
        EXPECT_EQ(leaf->as_bool(), row.number != 0);
        EXPECT_FALSE(leaf->quoted);
        break;
      case ScalarType::floating:
        EXPECT_EQ(leaf->float_value, row.number);
        EXPECT_FALSE(leaf->quoted);
        break;
      default:
        EXPECT_TRUE(leaf->quoted);
    }
  }
}

TEST(Interpolate, SpecialFloatsCastToo) {
  for (const char* value : {"inf", "+Infinity", "NaN"}) {
    SNode root = tree_at("services.web.deploy.update_config.max_failure_ratio");
    MapEnv env{{"X", value}};
    Diagnostics diags;
    interpolate(root, env, diags);
    EXPECT_FALSE(diags.has_errors()) << value;
    EXPECT_EQ(leaf_of(root)->type, ScalarType::floating) << value;
    EXPECT_FALSE(std::isfinite(leaf_of(root)->float_value)) << value;
  }
}

struct CastErrorRow {
  const char* path;
  const char* value;
  const char* message;
};

const CastErrorRow k_cast_error_rows[] = {
    // docker 28.2.2 (exact text)
    {"services.web.deploy.replicas", "abc",
     "error while interpolating services.web.deploy.replicas: failed to cast to expected type: "
     "strconv.Atoi: parsing \"abc\": invalid syntax"},
    {"services.web.deploy.replicas", "",
     "error while interpolating services.web.deploy.replicas: failed to cast to expected type: "
     "strconv.Atoi: parsing \"\": invalid syntax"},
    {"services.web.deploy.replicas", " 3",
     "error while interpolating services.web.deploy.replicas: failed to cast to expected type: "
     "strconv.Atoi: parsing \" 3\": invalid syntax"},
    {"services.web.deploy.replicas", "0x10",
     "error while interpolating services.web.deploy.replicas: failed to cast to expected type: "
     "strconv.Atoi: parsing \"0x10\": invalid syntax"},
    {"services.web.deploy.replicas", "1_000",
     "error while interpolating services.web.deploy.replicas: failed to cast to expected type: "
     "strconv.Atoi: parsing \"1_000\": invalid syntax"},
    {"services.web.deploy.replicas", "9223372036854775808",
     "error while interpolating services.web.deploy.replicas: failed to cast to expected type: "
     "strconv.Atoi: parsing \"9223372036854775808\": value out of range"},
    {"services.web.ports.[].target", "9a",
     "error while interpolating services.web.ports.[].target: failed to cast to expected type: "
     "strconv.Atoi: parsing \"9a\": invalid syntax"},
    {"services.web.oom_score_adj", "abc",
     "error while interpolating services.web.oom_score_adj: failed to cast to expected type: "
     "strconv.Atoi: parsing \"abc\": invalid syntax"},
    {"services.web.deploy.update_config.max_failure_ratio", "1e400",
     "error while interpolating services.web.deploy.update_config.max_failure_ratio: failed to "
     "cast to expected type: strconv.ParseFloat: parsing \"1e400\": value out of range"},
    {"services.web.deploy.update_config.max_failure_ratio", "0x10",
     "error while interpolating services.web.deploy.update_config.max_failure_ratio: failed to "
     "cast to expected type: strconv.ParseFloat: parsing \"0x10\": invalid syntax"},
    {"services.web.deploy.update_config.max_failure_ratio", "1e",
     "error while interpolating services.web.deploy.update_config.max_failure_ratio: failed to "
     "cast to expected type: strconv.ParseFloat: parsing \"1e\": invalid syntax"},
    {"services.web.deploy.update_config.max_failure_ratio", "1 ",
     "error while interpolating services.web.deploy.update_config.max_failure_ratio: failed to "
     "cast to expected type: strconv.ParseFloat: parsing \"1 \": invalid syntax"},
    {"configs.c.external", "1",
     "error while interpolating configs.c.external: failed to cast to expected type: invalid "
     "boolean: 1"},
    {"volumes.v.external", "t",
     "error while interpolating volumes.v.external: failed to cast to expected type: invalid "
     "boolean: t"},
    {"services.web.read_only", "",
     "error while interpolating services.web.read_only: failed to cast to expected type: invalid "
     "boolean: "},
    // Go syntax details not run through docker (strconv rules).
    {"services.web.deploy.replicas", "+",
     "error while interpolating services.web.deploy.replicas: failed to cast to expected type: "
     "strconv.Atoi: parsing \"+\": invalid syntax"},
    {"services.web.deploy.replicas", "99999999999999999999x",
     "error while interpolating services.web.deploy.replicas: failed to cast to expected type: "
     "strconv.Atoi: parsing \"99999999999999999999x\": value out of range"},
    {"services.web.deploy.update_config.max_failure_ratio", "1__0",
     "error while interpolating services.web.deploy.update_config.max_failure_ratio: failed to "
     "cast to expected type: strconv.ParseFloat: parsing \"1__0\": invalid syntax"},
    {"services.web.deploy.update_config.max_failure_ratio", "+nan",
     "error while interpolating services.web.deploy.update_config.max_failure_ratio: failed to "
     "cast to expected type: strconv.ParseFloat: parsing \"+nan\": invalid syntax"},
    {"services.web.deploy.update_config.max_failure_ratio", "1.2.3",
     "error while interpolating services.web.deploy.update_config.max_failure_ratio: failed to "
     "cast to expected type: strconv.ParseFloat: parsing \"1.2.3\": invalid syntax"},
};

TEST(Interpolate, CastFailuresAreErrorsAtTheScalar) {
  SourceManager sources;
  const SourceFile* file = sources.add("stack.yml", "x: ${X}\n");
  for (const CastErrorRow& row : k_cast_error_rows) {
    SCOPED_TRACE(std::string(row.path) + " = '" + row.value + "'");
    SNode root = tree_at(row.path);
    SNode* leaf = const_cast<SNode*>(leaf_of(root));
    leaf->loc = SourceLoc{file, 1, 4};
    MapEnv env{{"X", row.value}};
    Diagnostics diags;
    interpolate(root, env, diags);
    ASSERT_EQ(diags.error_count(), 1u);
    const Diagnostic& d = diags.items().back();
    EXPECT_EQ(d.code, "STK012");
    EXPECT_EQ(d.message, row.message);
    EXPECT_EQ(d.loc.line, 1u);
    EXPECT_EQ(d.loc.col, 4u);
    EXPECT_EQ(leaf->text, "${X}");  // kept, as in the reference
    EXPECT_EQ(leaf->type, ScalarType::string);
  }
}

struct ErrorRow {
  const char* line;     // "k: <value>" as written in the file
  const char* value;    // the scalar's text (after YAML unescaping)
  uint32_t scalar_col;  // where the YAML layer says the value starts
  bool quoted;
  const char* message;
  uint32_t col;  // expected column
};

const ErrorRow k_error_rows[] = {
    // docker 28.2.2 for the messages; columns are ours.
    {"k: ab${S", "ab${S", 4, false,
     "invalid interpolation format for k: \"ab${S\"; you may need to escape any $ with another $",
     6},
    {"k: 'ab $1'", "ab $1", 4, true,
     "invalid interpolation format for k: \"ab $1\"; you may need to escape any $ with another $",
     8},
    {"k: \"x ${S:?need it}\"", "x ${S:?need it}", 4, true,
     "invalid interpolation format for k: \"required variable S is missing a value: need it\"; "
     "you may need to escape any $ with another $",
     7},
    // An escape before the template: the source no longer matches, so the scalar's start.
    {"k: \"a\\tb $1\"", "a\tb $1", 4, true,
     "invalid interpolation format for k: \"a\\tb $1\"; you may need to escape any $ with "
     "another $",
     4},
    // Single-quote escaping before the template also falls back.
    {"k: 'it''s $1'", "it's $1", 4, true,
     "invalid interpolation format for k: \"it's $1\"; you may need to escape any $ with "
     "another $",
     4},
    // A block scalar: the value starts on a later line; fall back to the scalar's start.
    {"k: |", "$1\n", 4, true,
     "invalid interpolation format for k: \"$1\\n\"; you may need to escape any $ with another $",
     4},
};

TEST(Interpolate, TemplateErrorsPointAtTheDollar) {
  for (const ErrorRow& row : k_error_rows) {
    SCOPED_TRACE(row.line);
    SourceManager sources;
    const SourceFile* file = sources.add("stack.yml", std::string(row.line) + "\n");
    SNode root = map({{"k", str(row.value, SourceLoc{file, 1, row.scalar_col}, row.quoted)}});
    MapEnv env;
    Diagnostics diags;
    interpolate(root, env, diags);
    ASSERT_EQ(diags.items().size(), 1u) << testing::PrintToString(messages(diags));
    const Diagnostic& d = diags.items()[0];
    EXPECT_EQ(d.severity, Severity::error);
    EXPECT_EQ(d.message, row.message);
    EXPECT_EQ(d.loc.col, row.col);
    EXPECT_EQ(root.find("k")->text, row.value);  // unchanged on error
  }
}

TEST(Interpolate, ErrorCodesAndComposeOperatorNote) {
  SourceManager sources;
  const SourceFile* file = sources.add("s.yml", "a: ${X:+y}\nb: ${X:?}\n");
  SNode root = map(
      {{"a", str("${X:+y}", SourceLoc{file, 1, 4})}, {"b", str("${X:?}", SourceLoc{file, 2, 4})}});
  MapEnv env;
  Diagnostics diags;
  interpolate(root, env, diags);
  ASSERT_EQ(diags.items().size(), 2u);
  EXPECT_EQ(diags.items()[0].code, "STK010");
  ASSERT_EQ(diags.items()[0].notes.size(), 1u);
  EXPECT_THAT(diags.items()[0].notes[0].message, testing::HasSubstr("\":+\" operator"));
  EXPECT_EQ(diags.items()[1].code, "STK011");
  EXPECT_EQ(diags.items()[1].loc.line, 2u);
}

TEST(Interpolate, PathsUseListMarkers) {
  // docker 28.2.2: environment: ["A=$1"] reports services.web.environment.[].
  SNode root = service(map({{"environment", seq({str("A=$1")})}}));
  MapEnv env;
  Diagnostics diags;
  interpolate(root, env, diags);
  EXPECT_THAT(messages(diags),
              testing::ElementsAre("STK010 invalid interpolation format for "
                                   "services.web.environment.[]: \"A=$1\"; you may need to "
                                   "escape any $ with another $"));
}

TEST(Interpolate, UnsetVariablesWarnOncePerNameWithNotes) {
  SourceManager sources;
  const SourceFile* file = sources.add("s.yml", "a: x$U\nb: $U\nc: ${V}\nd: ${U-x}\n");
  SNode root = map({{"a", str("x$U", SourceLoc{file, 1, 4})},
                    {"b", str("$U", SourceLoc{file, 2, 4})},
                    {"c", str("${V}", SourceLoc{file, 3, 4})},
                    {"d", str("${U-x}", SourceLoc{file, 4, 4})}});
  MapEnv env;
  Diagnostics diags;
  interpolate(root, env, diags);
  EXPECT_FALSE(diags.has_errors());
  ASSERT_EQ(diags.items().size(), 2u);
  const Diagnostic& u = diags.items()[0];
  EXPECT_EQ(u.severity, Severity::warning);
  EXPECT_EQ(u.code, "STK013");
  EXPECT_EQ(u.message, "The \"U\" variable is not set. Defaulting to a blank string.");
  EXPECT_EQ(u.loc.line, 1u);
  EXPECT_EQ(u.loc.col, 5u);
  ASSERT_EQ(u.notes.size(), 1u);
  EXPECT_EQ(u.notes[0].loc.line, 2u);
  EXPECT_EQ(diags.items()[1].message,
            "The \"V\" variable is not set. Defaulting to a blank string.");
  EXPECT_EQ(root.find("a")->text, "x");
  EXPECT_EQ(root.find("d")->text, "x");
}

TEST(Interpolate, UnsetWarningAccompaniesACastError) {
  SNode root = tree_at("services.web.deploy.replicas");
  MapEnv env;
  Diagnostics diags;
  interpolate(root, env, diags);
  EXPECT_THAT(messages(diags),
              testing::ElementsAre(testing::StartsWith("STK012 error while interpolating"),
                                   testing::StartsWith("STK013 The \"X\" variable")));
}

TEST(Interpolate, QuirkWarnings) {
  SourceManager sources;
  const SourceFile* file =
      sources.add("s.yml", "a: ${X:?must-be-set}\nb: $REG-x/app\nc: $1 $T\nd: ${Y?m} $T\n");
  SNode root = map({{"a", str("${X:?must-be-set}", SourceLoc{file, 1, 4})},
                    {"b", str("$REG-x/app", SourceLoc{file, 2, 4})},
                    {"c", str("$1 $T", SourceLoc{file, 3, 4})},
                    {"d", str("${Y?m} $T", SourceLoc{file, 4, 4})}});
  MapEnv env{{"X", "x"}, {"REG", "reg.io"}, {"T", "t"}};
  Diagnostics diags;
  interpolate(root, env, diags);
  EXPECT_FALSE(diags.has_errors());
  EXPECT_THAT(
      messages(diags),
      testing::ElementsAre(
          "STK014 docker stack deploy reads \"${X:?must-be-set}\" as the variable \"X:?must\" "
          "with the default \"be-set\" (it splits at the first \"-\"); no variable has that "
          "name, so the default is always used",
          "STK014 without braces, \"$REG-x/app\" is read as \"${REG-x/app}\" (an operator after "
          "the name takes the rest of the value up to a \"}\"); write \"${REG}-x/app\" if the "
          "rest is text",
          testing::StartsWith("STK014 this \"$\" starts no valid template"),
          testing::StartsWith("STK014 required variable Y is missing a value: m; docker stack")));
  // The values are still the reference's.
  EXPECT_EQ(root.find("a")->text, "be-set");
  EXPECT_EQ(root.find("b")->text, "reg.io");
  EXPECT_EQ(root.find("c")->text, "1 t");
  EXPECT_EQ(root.find("d")->text, " t");
  EXPECT_EQ(diags.items()[2].loc.col, 4u);
  EXPECT_EQ(diags.items()[3].loc.col, 4u);
}

}  // namespace
}  // namespace stackc
