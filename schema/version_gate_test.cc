#include "schema/version_gate.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "compiler/diag.h"
#include "compiler/source.h"
#include "compiler/yaml.h"
#include "schema/schema.h"

namespace stackc {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

// The whole structural check (schema, then the gates) of `body` under `version` ("" = none).
std::vector<std::string> check(const std::string& version, const std::string& body) {
  SourceManager sources;
  std::string text = version.empty() ? body : "version: \"" + version + "\"\n" + body;
  const SourceFile* file = sources.add("stack.yml", text);
  Diagnostics diags;
  std::optional<SNode> root = parse_yaml(*file, diags);
  EXPECT_TRUE(root.has_value());
  if (!root) {
    return {"YAML error"};
  }
  validate_schema(*root, diags);
  std::vector<std::string> out;
  for (const Diagnostic& d : diags.items()) {
    out.push_back(std::to_string(d.loc.line) + ":" + std::to_string(d.loc.col) + ": " + d.code +
                  " " + d.message);
  }
  return out;
}

const char* const k_start_interval =
    "services:\n  api:\n    image: x\n    healthcheck:\n      start_interval: 5s\n";
const char* const k_oom = "services:\n  api:\n    image: x\n    oom_score_adj: 100\n";
const char* const k_driver_opts =
    "services:\n  api:\n    image: x\n    networks:\n      n:\n        driver_opts: {a: 1}\n"
    "networks:\n  n: {}\n";
const char* const k_build =
    "services:\n  api:\n    image: x\n    build:\n      context: .\n      ssh: [default]\n";
const char* const k_cluster =
    "services:\n  api:\n    image: x\n    volumes:\n      - {type: cluster, source: v, target: "
    "/d}\n"
    "volumes:\n  v:\n    x-cluster-spec:\n      group: g\n      capacity_range: {required_bytes: "
    "1G}\n";

// Each key is refused exactly where docker 28.2.2 refuses it (checked with docker stack config
// for 3.9 to 3.13 and no version), with the version that brought it.
TEST(VersionGate, StartIntervalFrom312) {
  EXPECT_THAT(check("3.11", k_start_interval),
              ElementsAre("6:7: STK050 services.api.healthcheck has no key 'start_interval' in "
                          "compose 3.11: it came with version 3.12 (a file without `version:` is "
                          "read as 3.13)"));
  EXPECT_THAT(check("3.9", k_start_interval), testing::SizeIs(1));
  EXPECT_THAT(check("3.0", k_start_interval), testing::SizeIs(1));
  EXPECT_THAT(check("3.12", k_start_interval), IsEmpty());
  EXPECT_THAT(check("3.13", k_start_interval), IsEmpty());
  EXPECT_THAT(check("3", k_start_interval), IsEmpty());
  EXPECT_THAT(check("", k_start_interval), IsEmpty());
}

TEST(VersionGate, OomScoreAdjAndDriverOptsFrom313) {
  for (const char* version : {"3.9", "3.10", "3.11", "3.12"}) {
    EXPECT_THAT(
        check(version, k_oom),
        ElementsAre(testing::HasSubstr("services.api has no key 'oom_score_adj' in compose " +
                                       std::string(version) + ": it came with version 3.13")))
        << version;
    EXPECT_THAT(check(version, k_driver_opts),
                ElementsAre(testing::HasSubstr("7:9: STK050 services.api.networks.n has no key "
                                               "'driver_opts'")))
        << version;
  }
  EXPECT_THAT(check("3.13", k_oom), IsEmpty());
  EXPECT_THAT(check("", k_driver_opts), IsEmpty());
  // Still typed: an integer, and string or number options.
  EXPECT_THAT(check("3.13", "services:\n  api:\n    image: x\n    oom_score_adj: high\n"),
              ElementsAre(testing::HasSubstr("STK051")));
}

TEST(VersionGate, AnyBuildKeyFrom311) {
  EXPECT_THAT(check("3.10", k_build),
              ElementsAre("7:7: STK050 services.api.build has no key 'ssh' in compose 3.10: it "
                          "came with version 3.11 (a file without `version:` is read as 3.13)"));
  EXPECT_THAT(check("3.11", k_build), IsEmpty());
  EXPECT_THAT(check("", k_build), IsEmpty());
}

// Cluster volumes: accepted at every version (the reference's schemas never restricted the
// mount type, and its loader types x-cluster-spec even in a 3.9 file), typed as 3.10 types it.
TEST(VersionGate, ClusterVolumesAtEveryVersion) {
  for (const char* version : {"3.9", "3.10", "3.13", ""}) {
    EXPECT_THAT(check(version, k_cluster), IsEmpty()) << version;
  }
  EXPECT_THAT(check("3.10",
                    "services:\n  api:\n    image: x\nvolumes:\n  v:\n"
                    "    x-cluster-spec:\n      capacity_range: {required_bytes: 5}\n"),
              ElementsAre(testing::HasSubstr("STK051")));
  EXPECT_THAT(check("3.10",
                    "services:\n  api:\n    image: x\nvolumes:\n  v:\n"
                    "    x-cluster-spec: 5\n"),
              ElementsAre(testing::HasSubstr("STK051")));
}

}  // namespace
}  // namespace stackc
