#include "compiler/volumespec.h"

#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace stackc {
namespace {

// Rows checked against docker 28.2.2: each input was written as `volumes: ["<input>"]` in a stack
// file in /tmp/u, run with HOME=/home/me, and the fields are what `docker stack config -c f.yml`
// printed (bind sources after the loader's resolution), or its error after "error decoding
// 'Volumes[0]': ".
TEST(VolumeSpec, ShortSyntaxLikeTheReference) {
  struct Row {
    const char* input;
    const char* type;
    const char* printed_source;
    const char* target;
    bool read_only;
    const char* propagation;
    bool nocopy;
    const char* error;
  };
  const std::vector<Row> rows = {
      {"./data:/data:ro", "bind", "/tmp/u/data", "/data", true, "", false, ""},
      {"~/x:/x", "bind", "/home/me/x", "/x", false, "", false, ""},
      {"vol:/v:nocopy", "volume", "vol", "/v", false, "", true, ""},
      {"/a:/b:rshared", "bind", "/a", "/b", false, "rshared", false, ""},
      {"/a:/b:z", "bind", "/a", "/b", false, "", false, ""},
      {"data", "volume", "", "data", false, "", false, ""},
      {"C:\\x:/x", "bind", "C:\\x", "/x", false, "", false, ""},
      {"a:b:c:d", "bind", "/tmp/u/a:b", "c:d", false, "", false, ""},
      {"a::b", "bind", "/tmp/u/a:", "b", false, "", false, ""},
      {":/x", "", "", "", false, "", false, "invalid spec: :/x: empty section between colons"},
      {"/x:", "", "", "", false, "", false, "invalid spec: /x:: empty section between colons"},
      {"ab", "volume", "", "ab", false, "", false, ""},
      {"a", "volume", "", "a", false, "", false, ""},
      {"1:/x", "volume", "1", "/x", false, "", false, ""},
      {"x:/y", "volume", "", "x:/y", false, "", false, ""},
      {"/a:/b:ro,rw", "bind", "/a", "/b", false, "", false, ""},
      {"/a:/b:rw,ro", "bind", "/a", "/b", true, "", false, ""},
      {"/a:/b:nocopy,rslave,ro", "bind", "/a", "/b", true, "rslave", true, ""},
      {"v:/b:rshared,private", "bind", "v:/b", "rshared,private", false, "", false, ""},
      {"\\\\srv\\share:/x", "bind", "/tmp/u/\\\\srv\\share", "/x", false, "", false, ""},
      {"\\\\srv\\share\\d:/x", "bind", "\\\\srv\\share\\d", "/x", false, "", false, ""},
      {"~:/x", "bind", "/home/me", "/x", false, "", false, ""},
      {"~user/x:/x", "bind", "/home/meuser/x", "/x", false, "", false, ""},
      {"../up:/x", "bind", "/tmp/up", "/x", false, "", false, ""},
      {".:/x", "bind", "/tmp/u", "/x", false, "", false, ""},
      {"./a/../b/:/x/", "bind", "/tmp/u/b", "/x/", false, "", false, ""},
      {"a/b:/x", "volume", "a/b", "/x", false, "", false, ""},
      {"/a:/b:ro,", "bind", "/a", "/b", true, "", false, ""},
      {"/a:/b:,", "bind", "/a", "/b", false, "", false, ""},
      {"é:/x:ro", "bind", "/tmp/u/é:/x", "ro", false, "", false, ""},
      {"abc", "volume", "", "abc", false, "", false, ""},
      {"/abc", "volume", "", "/abc", false, "", false, ""},
      {"a:b:c:d:e", "bind", "/tmp/u/a:b", "c:d", false, "", false, ""},
      {"/a:/b:ro:x", "", "", "", false, "", false, "invalid spec: /a:/b:ro:x: too many colons"},
      {"/a/../b:/x", "bind", "/a/../b", "/x", false, "", false, ""},
      {"C:/x:/x", "bind", "C:/x", "/x", false, "", false, ""},
      {"C:x:/x", "bind", "/tmp/u/C:x", "/x", false, "", false, ""},
      {"c:\\:/x", "bind", "c:\\", "/x", false, "", false, ""},
      {"1:/x:ro", "volume", "1", "/x", true, "", false, ""},
      {"ab:/x", "volume", "ab", "/x", false, "", false, ""},
      {"::", "volume", "", "::", false, "", false, ""},
      {":::", "", "", "", false, "", false, "invalid spec: :::: empty section between colons"},
      {"a::", "", "", "", false, "", false, "invalid spec: a::: empty section between colons"},
      {"/a:b", "bind", "/a", "b", false, "", false, ""},
      {"v:b:ro", "bind", "/tmp/u/v:b", "ro", false, "", false, ""},
      {"\\\\?\\C:\\x:/x", "bind", "/tmp/u/\\\\?\\C", "\\x", false, "", false, ""},
      {"vol:/v:ro,nocopy,shared,Z,cached", "volume", "vol", "/v", true, "shared", true, ""},
      {"/a:/b:private,rprivate", "bind", "/a", "/b", false, "rprivate", false, ""},
      {"/a:/b:RO", "bind", "/a", "/b", false, "", false, ""},
      {"é", "volume", "", "é", false, "", false, ""},
      {"éa:/x", "volume", "éa", "/x", false, "", false, ""},
      {"./x:/y:delegated", "bind", "/tmp/u/x", "/y", false, "", false, ""},
      {"..:/x", "bind", "/tmp", "/x", false, "", false, ""},
      {"./../../../../x:/y", "bind", "/x", "/y", false, "", false, ""},
      {"/:/x", "bind", "/", "/x", false, "", false, ""},
      {"~/../x:/y", "bind", "/home/me/../x", "/y", false, "", false, ""},
      {"vol:/v:rw", "volume", "vol", "/v", false, "", false, ""},
      {"/a:/b:slave", "bind", "/a", "/b", false, "slave", false, ""},
      {"/a:/b:rslave", "bind", "/a", "/b", false, "rslave", false, ""},
      {"x:", "volume", "", "x:", false, "", false, ""},
      {":x", "volume", "", ":x", false, "", false, ""},
      {"a:b", "volume", "", "a:b", false, "", false, ""},
      {"ab:", "", "", "", false, "", false, "invalid spec: ab:: empty section between colons"},
      {"a/:/b", "volume", "a/", "/b", false, "", false, ""},
      {"\\\\x:/y", "bind", "/tmp/u/\\\\x", "/y", false, "", false, ""},
      {"\\x:/y", "volume", "\\x", "/y", false, "", false, ""},
      {"~", "volume", "", "~", false, "", false, ""},
      {"~~:/x", "bind", "/home/me~", "/x", false, "", false, ""},
      {"Z:\\:/x", "bind", "Z:\\", "/x", false, "", false, ""},
      {"1:2", "volume", "1", "2", false, "", false, ""},
      {"12:/x", "volume", "12", "/x", false, "", false, ""},
  };
  for (const Row& row : rows) {
    auto parsed = parse_volume_spec(row.input);
    if (row.error[0] != '\0') {
      ASSERT_FALSE(parsed) << row.input;
      EXPECT_EQ(parsed.error(), row.error) << row.input;
      continue;
    }
    ASSERT_TRUE(parsed) << row.input << ": " << parsed.error();
    EXPECT_EQ(parsed->type, row.type) << row.input;
    std::string source = parsed->source;
    if (parsed->type == "bind") {
      auto resolved = resolve_bind_source(source, "/tmp/u", "/home/me");
      ASSERT_TRUE(resolved) << row.input;
      EXPECT_FALSE(resolved->warning) << row.input;
      source = resolved->path;
    }
    EXPECT_EQ(source, row.printed_source) << row.input;
    EXPECT_EQ(parsed->target, row.target) << row.input;
    EXPECT_EQ(parsed->read_only, row.read_only) << row.input;
    EXPECT_EQ(parsed->propagation, row.propagation) << row.input;
    EXPECT_EQ(parsed->nocopy, row.nocopy) << row.input;
  }
}

TEST(VolumeSpec, EmptySpec) {
  EXPECT_EQ(parse_volume_spec("").error(), "invalid empty volume spec");
}

TEST(VolumeSpec, RawSourceBeforeResolution) {
  auto parsed = parse_volume_spec("./data:/data:ro");
  ASSERT_TRUE(parsed);
  EXPECT_EQ(*parsed, (VolumeSpec{"bind", "./data", "/data", true, "", false}));
  parsed = parse_volume_spec("~/x:/x");
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->source, "~/x");
}

// Checked against docker 28.2.2 with HOME unset: "~/x:/x" printed source /tmp/u/~/x and the
// warning "cannot expand '~', because the environment lacks HOME".
TEST(VolumeSpec, ResolveWithoutHome) {
  auto resolved = resolve_bind_source("~/x", "/tmp/u", std::nullopt);
  ASSERT_TRUE(resolved);
  EXPECT_EQ(resolved->path, "/tmp/u/~/x");
  EXPECT_EQ(resolved->warning, "cannot expand '~', because the environment lacks HOME");
}

TEST(VolumeSpec, ResolveEdgeCases) {
  EXPECT_EQ(resolve_bind_source("", "/w", "/h").error(),
            "invalid mount config for type \"bind\": field Source must not be empty");
  EXPECT_EQ(resolve_bind_source("x", "", "/h")->path, "x");
  EXPECT_EQ(resolve_bind_source("./x/../y", "", "/h")->path, "y");
  EXPECT_EQ(resolve_bind_source("~", "/w", "/h/")->path, "/h/");  // absolute: not cleaned
  EXPECT_EQ(resolve_bind_source("~x", "/w", "rel")->path, "/w/relx");
  EXPECT_EQ(resolve_bind_source("C:\\x", "/w", "/h")->path, "C:\\x");
  EXPECT_EQ(resolve_bind_source("\\\\srv\\share\\d", "/w", "/h")->path, "\\\\srv\\share\\d");
  EXPECT_EQ(resolve_bind_source("\\\\srv\\share", "/w", "/h")->path, "/w/\\\\srv\\share");
  EXPECT_EQ(resolve_bind_source("\\\\.\\pipe\\x", "/w", "/h")->path, "/w/\\\\.\\pipe\\x");
}

TEST(VolumeSpec, CleanPathLikeGo) {
  struct Row {
    const char* input;
    const char* cleaned;
  };
  const std::vector<Row> rows = {
      {"", "."},
      {"/", "/"},
      {"a/b", "a/b"},
      {"a//b", "a/b"},
      {"a/./b", "a/b"},
      {"a/../b", "b"},
      {"/../a", "/a"},
      {"../a", "../a"},
      {"a/../..", ".."},
      {"../../a/..", "../.."},
      {"/a/b/..", "/a"},
      {"/a/b/../..", "/"},
      {"a/", "a"},
      {"./", "."},
      {"abc/def/../../..", ".."},
      {"/abc/..", "/"},
      {"a/b/c/../../d", "a/d"},
  };
  for (const Row& row : rows) {
    EXPECT_EQ(clean_path(row.input), row.cleaned) << row.input;
  }
}

}  // namespace
}  // namespace stackc

namespace stackc {
namespace {

// Arbitrary input never crashes (this runs under ASan/UBSan); accepted specs have a target and
// a known type, and resolved bind sources are absolute.
TEST(VolumeSpec, ArbitraryInputIsHandled) {
  std::mt19937_64 rng(13);
  const std::string_view alphabet = "ab:/.~\\,rowncpyZ\xC3\xA9";
  for (int i = 0; i < 20000; ++i) {
    std::string text;
    for (size_t n = rng() % 14; n > 0; --n) {
      text += alphabet[rng() % alphabet.size()];
    }
    auto parsed = parse_volume_spec(text);
    if (!parsed) {
      continue;
    }
    EXPECT_FALSE(parsed->target.empty()) << text;
    EXPECT_TRUE(parsed->type == "bind" || parsed->type == "volume") << text;
    if (parsed->type == "bind") {
      auto resolved = resolve_bind_source(parsed->source, "/w", "/h");
      ASSERT_TRUE(resolved) << text;
      EXPECT_TRUE(resolved->path[0] == '/' || resolved->path[1] == ':' ||
                  resolved->path.substr(0, 2) == "\\\\")
          << text;
    }
  }
}

}  // namespace
}  // namespace stackc
