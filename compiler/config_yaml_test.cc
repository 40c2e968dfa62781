// The compose 3.10–3.13 keys through the front end and `stackc config`'s printer, offline. The
// expected texts are what `docker stack config` (docker CLI 28.2.2) printed for the same files;
// tests/integration/config_compare_test.cc checks the same against the live CLI.

#include "compiler/config_yaml.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "compiler/interpolate.h"
#include "compiler/load.h"

namespace stackc {
namespace {

struct Loaded {
  std::string config;  // `stackc config` output, empty when loading failed
  std::string errors;  // the messages, one per line
};

Loaded load(const std::string& text, const std::string& override_text = "") {
  static int counter = 0;
  std::filesystem::path dir =
      std::filesystem::temp_directory_path() /
      ("stackc-config-yaml-test-" + std::to_string(::getpid()) + "-" + std::to_string(++counter));
  std::filesystem::create_directories(dir);
  LoadOptions options;
  int index = 0;
  for (const std::string* file : {&text, &override_text}) {
    if (file->empty()) {
      continue;
    }
    std::filesystem::path path = dir / ("stack" + std::to_string(index++) + ".yml");
    std::ofstream(path) << *file;
    options.files.push_back(path.string());
  }
  MapEnv env;
  options.env = &env;
  SourceManager sources;
  Diagnostics diags;
  Loaded out;
  auto stack = load_stack(options, sources, diags);
  if (stack) {
    out.config = format_config_yaml(*stack);
  }
  for (const Diagnostic& d : diags.items()) {
    out.errors += d.message + "\n";
  }
  std::filesystem::remove_all(dir);
  return out;
}

TEST(ComposeVersions, TheReferencesTable) {
  const std::string body = "services:\n  web:\n    image: nginx\n";
  for (const char* version : {"3.0", "3.9", "3.10", "3.11", "3.12", "3.13"}) {
    Loaded loaded = load(std::string("version: \"") + version + "\"\n" + body);
    EXPECT_THAT(loaded.config, testing::StartsWith(std::string("version: \"") + version + "\"\n"))
        << loaded.errors;
  }
  for (const char* newest : {"version: \"3\"\n", "version: \"\"\n", ""}) {
    EXPECT_THAT(load(newest + body).config, testing::StartsWith("version: \"3.13\"\n")) << newest;
  }
  for (const char* refused : {"3.14", "4", "3.010", "3.01", "2.4", "3.1x"}) {
    Loaded loaded = load(std::string("version: \"") + refused + "\"\n" + body);
    EXPECT_TRUE(loaded.config.empty()) << refused;
    EXPECT_THAT(loaded.errors,
                testing::HasSubstr(std::string("unsupported compose file version \"") + refused +
                                   "\": stackc reads versions 3.0 to 3.13"));
  }
  EXPECT_EQ(compose_minor("3.13"), 13);
  EXPECT_EQ(compose_minor("3.0"), 0);
  EXPECT_EQ(compose_minor("3.14"), -1);
  EXPECT_EQ(compose_minor("3"), -1);
}

TEST(ComposeVersions, EveryFileNeedsTheSameVersion) {
  Loaded loaded = load("version: \"3.9\"\nservices:\n  web:\n    image: nginx\n",
                       "services:\n  web:\n    image: nginx\n");
  EXPECT_THAT(loaded.errors,
              testing::HasSubstr("version mismatched between compose files: 3.9 and 3.13"));
}

// x-cluster-spec typed as the reference's ClusterVolumeSpec (docker 28.2.2's output).
TEST(ConfigYaml, ClusterSpecIsTyped) {
  Loaded loaded = load(R"(version: "3.10"
services:
  db:
    image: postgres
    volumes:
      - type: cluster
        source: v
        target: /d
volumes:
  v:
    driver: d
    labels: {a: b}
    x-cluster-spec:
      availability: pause
      secrets: []
      capacity_range:
        limit_bytes: "0"
        required_bytes: 1.5k
      access_mode:
        mount_volume:
          mount_flags: [a, b]
          fs_type: ext4
        block_volume: {}
      accessibility_requirements:
        preferred: []
        requisite:
          - segments: {}
          - segments: [a=b, c]
  w:
    x-cluster-spec: {}
)");
  EXPECT_EQ(loaded.config, R"(version: "3.10"
services:
  db:
    image: postgres
    volumes:
      - type: cluster
        source: v
        target: /d
volumes:
  v:
    driver: d
    labels:
      a: b
    x-cluster-spec:
      access_mode:
        mount_volume:
          fs_type: ext4
          mount_flags:
            - a
            - b
        block_volume: {}
      accessibility_requirements:
        requisite:
          - {}
          - segments:
              a: b
              c: ""
      capacity_range:
        required_bytes: "1536"
      availability: pause
  w:
    x-cluster-spec: {}
)") << loaded.errors;
}

TEST(ConfigYaml, StartIntervalDriverOptsAndOomScoreAdj) {
  Loaded loaded = load(R"(services:
  a:
    image: nginx
    oom_score_adj: -5
    networks:
      n:
        ipv6_address: ::1
        driver_opts:
          z: 1
          a: "x"
        aliases: [q]
    healthcheck:
      disable: true
      start_interval: 0s
      start_period: 0s
  b:
    image: nginx
    healthcheck:
      start_interval: 90s
networks:
  n:
)");
  EXPECT_EQ(loaded.config, R"(version: "3.13"
services:
  a:
    healthcheck:
      start_period: 0s
      start_interval: 0s
      disable: true
    image: nginx
    networks:
      "n":
        aliases:
          - q
        driver_opts:
          a: x
          z: "1"
        ipv6_address: ::1
  b:
    healthcheck:
      start_interval: 1m30s
    image: nginx
networks:
  "n": {}
)") << loaded.errors;
}

// An override's driver_opts for an attachment the base configures are dropped; its
// start_interval replaces the base's (docker 28.2.2).
TEST(ConfigYaml, MergedFiles) {
  Loaded loaded = load(R"(services:
  a:
    image: nginx
    healthcheck:
      start_interval: 5s
    networks:
      n:
        driver_opts: {a: "1"}
      m:
networks:
  n:
  m:
)",
                       R"(services:
  a:
    healthcheck:
      start_interval: 7s
    networks:
      n:
        driver_opts: {b: "2"}
      m:
        driver_opts: {b: "2"}
)");
  EXPECT_EQ(loaded.config, R"(version: "3.13"
services:
  a:
    healthcheck:
      start_interval: 7s
    image: nginx
    networks:
      m:
        driver_opts:
          b: "2"
      "n":
        driver_opts:
          a: "1"
networks:
  m: {}
  "n": {}
)") << loaded.errors;
}

}  // namespace
}  // namespace stackc
