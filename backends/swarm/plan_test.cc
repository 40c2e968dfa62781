#include "backends/swarm/plan.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "backends/swarm/sha256.h"

namespace stackc::swarm {
namespace {

using nlohmann::json;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

// What `docker stack deploy --resolve-image never` (docker 28.2.2) left on the lab's 20.10
// engine for `web: {image: nginx:1.19, ports: ["8081:80"], environment: {B: "2", A: "1"},
// deploy: {replicas: 2, update_config: {delay: 5s}}}` in stack depref1 (docker service inspect).
const char* const k_live_web = R"({
  "Name": "depref1_web",
  "Labels": {"com.docker.stack.image": "nginx:1.19", "com.docker.stack.namespace": "depref1"},
  "TaskTemplate": {
    "ContainerSpec": {
      "Image": "nginx:1.19",
      "Labels": {"com.docker.stack.namespace": "depref1"},
      "Env": ["A=1", "B=2"],
      "Privileges": {"CredentialSpec": null, "SELinuxContext": null, "NoNewPrivileges": false},
      "StopGracePeriod": 10000000000,
      "DNSConfig": {},
      "Isolation": "default"
    },
    "Resources": {},
    "RestartPolicy": {"Condition": "any", "Delay": 5000000000, "MaxAttempts": 0},
    "Placement": {},
    "Networks": [{"Target": "q43dzryun8lz3qtij4g5y3okf", "Aliases": ["web"]}],
    "ForceUpdate": 0,
    "Runtime": "container"
  },
  "Mode": {"Replicated": {"Replicas": 2}},
  "UpdateConfig": {"Parallelism": 1, "Delay": 5000000000, "FailureAction": "pause",
                   "Monitor": 5000000000, "MaxFailureRatio": 0, "Order": "stop-first"},
  "RollbackConfig": {"Parallelism": 1, "FailureAction": "pause", "Monitor": 5000000000,
                     "MaxFailureRatio": 0, "Order": "stop-first"},
  "EndpointSpec": {"Mode": "vip", "Ports": [{"Protocol": "tcp", "TargetPort": 80,
                   "PublishedPort": 8081, "PublishMode": "ingress"}]}
})";

// The ServiceSpec the reference client sends for the same service (convert/service.go): only
// what the file says, plus the client's own defaults.
const char* const k_desired_web = R"({
  "Name": "depref1_web",
  "Labels": {"com.docker.stack.image": "nginx:1.19", "com.docker.stack.namespace": "depref1"},
  "TaskTemplate": {
    "ContainerSpec": {
      "Image": "nginx:1.19",
      "Labels": {"com.docker.stack.namespace": "depref1"},
      "Env": ["B=2", "A=1"]
    },
    "Resources": {},
    "Placement": {},
    "Networks": [{"Target": "depref1_default", "Aliases": ["web"]}]
  },
  "Mode": {"Replicated": {"Replicas": 2}},
  "UpdateConfig": {"Parallelism": 1, "Delay": 5000000000},
  "EndpointSpec": {"Mode": "vip", "Ports": [{"Protocol": "tcp", "TargetPort": 80,
                   "PublishedPort": 8081, "PublishMode": "ingress"}]}
})";

// A service with a secret and a config, as left by the reference (IDs filled by the client).
const char* const k_live_cache = R"({
  "Name": "depref1_cache",
  "Labels": {"com.docker.stack.image": "redis:6.0-alpine", "com.docker.stack.namespace": "depref1"},
  "TaskTemplate": {
    "ContainerSpec": {
      "Image": "redis:6.0-alpine",
      "Labels": {"com.docker.stack.namespace": "depref1"},
      "Privileges": {"CredentialSpec": null, "SELinuxContext": null, "NoNewPrivileges": false},
      "StopGracePeriod": 10000000000,
      "DNSConfig": {},
      "Secrets": [{"File": {"Name": "s1", "UID": "0", "GID": "0", "Mode": 292},
                   "SecretID": "0pguvdu2djk0qxqpqvab7pecp", "SecretName": "depref1_s1"}],
      "Configs": [{"File": {"Name": "/etc/c1", "UID": "0", "GID": "0", "Mode": 292},
                   "ConfigID": "axl0pyo20q1be7ponemqpv4iy", "ConfigName": "depref1_c1"}],
      "Isolation": "default"
    },
    "Resources": {},
    "RestartPolicy": {"Condition": "any", "Delay": 5000000000, "MaxAttempts": 0},
    "Placement": {},
    "Networks": [{"Target": "q43dzryun8lz3qtij4g5y3okf", "Aliases": ["cache"]}],
    "ForceUpdate": 0,
    "Runtime": "container"
  },
  "Mode": {"Replicated": {"Replicas": 1}},
  "UpdateConfig": {"Parallelism": 1, "FailureAction": "pause", "Monitor": 5000000000,
                   "MaxFailureRatio": 0, "Order": "stop-first"},
  "RollbackConfig": {"Parallelism": 1, "FailureAction": "pause", "Monitor": 5000000000,
                     "MaxFailureRatio": 0, "Order": "stop-first"},
  "EndpointSpec": {"Mode": "vip"}
})";

const char* const k_desired_cache = R"({
  "Name": "depref1_cache",
  "Labels": {"com.docker.stack.image": "redis:6.0-alpine", "com.docker.stack.namespace": "depref1"},
  "TaskTemplate": {
    "ContainerSpec": {
      "Image": "redis:6.0-alpine",
      "Labels": {"com.docker.stack.namespace": "depref1"},
      "Secrets": [{"File": {"Name": "s1", "UID": "0", "GID": "0", "Mode": 292},
                   "SecretName": "depref1_s1"}],
      "Configs": [{"File": {"Name": "/etc/c1", "UID": "0", "GID": "0", "Mode": 292},
                   "ConfigName": "depref1_c1"}]
    },
    "Resources": {},
    "Placement": {},
    "Networks": [{"Target": "depref1_default", "Aliases": ["cache"]}]
  },
  "EndpointSpec": {"Mode": "vip"}
})";

const NetworkNames k_names = {{"q43dzryun8lz3qtij4g5y3okf", "depref1_default"}};

LiveObject live_service(const std::string& id, const char* spec, std::uint64_t version = 439) {
  json object = {{"ID", id}, {"Version", {{"Index", version}}}, {"Spec", json::parse(spec)}};
  return live_object_from(object);
}

DesiredService desired_service(const std::string& key, const std::string& spec,
                               std::vector<std::string> depends_on = {}) {
  json parsed = json::parse(spec);
  DesiredService service;
  service.key = key;
  service.name = parsed.value("Name", "");
  service.image = parsed["Labels"].value("com.docker.stack.image", "");
  service.spec_json = spec;
  service.depends_on = std::move(depends_on);
  return service;
}

std::string with(const char* spec, const std::function<void(json&)>& edit) {
  json parsed = json::parse(spec);
  edit(parsed);
  return parsed.dump();
}

TEST(PlanService, WhatTheReferenceDeployedIsUnchanged) {
  for (auto [key, live_spec, desired_spec] : {std::tuple{"web", k_live_web, k_desired_web},
                                              std::tuple{"cache", k_live_cache, k_desired_cache}}) {
    LiveObject live = live_service("id1", live_spec);
    DesiredService desired = desired_service(key, desired_spec);
    PlannedObject planned = plan_service(desired, desired.spec_json, &live, k_names);
    EXPECT_EQ(planned.action, Action::unchanged) << key;
    EXPECT_TRUE(planned.changes.empty())
        << key << ": " << planned.changes.front().path << " " << planned.changes.front().old_value
        << " -> " << planned.changes.front().new_value;
  }
}

TEST(PlanService, NormalizationFillsServerDefaults) {
  // The desired side (sparse) and the live side (filled) normalize to the same document.
  EXPECT_EQ(normalize_service_spec(k_live_web, k_names),
            normalize_service_spec(k_desired_web, k_names));
  json normalized = json::parse(normalize_service_spec(k_desired_cache, k_names));
  EXPECT_EQ(normalized["Mode"]["Replicated"]["Replicas"], 1);
  EXPECT_EQ(normalized["TaskTemplate"]["RestartPolicy"]["Condition"], "any");
  EXPECT_EQ(normalized["UpdateConfig"]["Order"], "stop-first");
  EXPECT_FALSE(normalized["TaskTemplate"].contains("Resources"));
  // Zero replicas is not "no replicas field".
  std::string zero = with(k_desired_web, [](json& s) { s["Mode"]["Replicated"]["Replicas"] = 0; });
  EXPECT_EQ(json::parse(normalize_service_spec(zero, k_names))["Mode"]["Replicated"]["Replicas"],
            0);
  EXPECT_EQ(normalize_service_spec("not json", k_names), "");
}

TEST(PlanService, ChangedImageIsAFieldChangeWithOldAndNew) {
  LiveObject live = live_service("id1", k_live_web);
  std::string spec = with(k_desired_web, [](json& s) {
    s["TaskTemplate"]["ContainerSpec"]["Image"] = "nginx:1.21";
    s["Labels"]["com.docker.stack.image"] = "nginx:1.21";
  });
  DesiredService desired = desired_service("web", spec);
  PlannedObject planned = plan_service(desired, spec, &live, k_names);
  ASSERT_EQ(planned.action, Action::update);
  EXPECT_EQ(planned.version, 439u);
  ASSERT_EQ(planned.changes.size(), 2u);
  EXPECT_EQ(planned.changes[0].path, "Labels[\"com.docker.stack.image\"]");
  EXPECT_EQ(planned.changes[1].path, "TaskTemplate.ContainerSpec.Image");
  EXPECT_EQ(planned.changes[1].old_value, "\"nginx:1.19\"");
  EXPECT_EQ(planned.changes[1].new_value, "\"nginx:1.21\"");
}

TEST(PlanService, ReplicasAndEnvValuesAreChangesButEnvOrderIsNot) {
  LiveObject live = live_service("id1", k_live_web);
  std::string spec = with(k_desired_web, [](json& s) {
    s["Mode"]["Replicated"]["Replicas"] = 3;
    s["TaskTemplate"]["ContainerSpec"]["Env"] = {"B=3", "A=1"};
  });
  PlannedObject planned = plan_service(desired_service("web", spec), spec, &live, k_names);
  ASSERT_EQ(planned.action, Action::update);
  std::vector<std::string> paths;
  for (const FieldChange& change : planned.changes) {
    paths.push_back(change.path);
  }
  EXPECT_THAT(paths, ElementsAre("Mode.Replicated.Replicas", "TaskTemplate.ContainerSpec.Env[1]"));
}

TEST(PlanService, CredentialLikeEnvValuesAreRedactedInChanges) {
  LiveObject live = live_service(
      "id1", with(k_live_web, [](json& s) {
               s["TaskTemplate"]["ContainerSpec"]["Env"] = {"A=1", "DB_PASSWORD=hunter2"};
             }).c_str());
  std::string spec = with(k_desired_web, [](json& s) {
    s["TaskTemplate"]["ContainerSpec"]["Env"] = {"A=2", "DB_PASSWORD=swordfish"};
  });
  PlannedObject planned = plan_service(desired_service("web", spec), spec, &live, k_names);
  ASSERT_EQ(planned.changes.size(), 2u);
  EXPECT_EQ(planned.changes[0].new_value, "\"A=2\"");
  EXPECT_EQ(planned.changes[1].old_value, "\"DB_PASSWORD=<redacted, 7 bytes>\"");
  EXPECT_EQ(planned.changes[1].new_value, "\"DB_PASSWORD=<redacted, 9 bytes>\"");
}

TEST(PlanService, DigestPinnedImageAndForceUpdateAreCarriedOver) {
  std::string live_spec = with(k_live_web, [](json& s) {
    s["TaskTemplate"]["ContainerSpec"]["Image"] = "nginx:1.19@sha256:" + std::string(64, 'a');
    s["TaskTemplate"]["ForceUpdate"] = 3;
  });
  LiveObject live = live_service("id1", live_spec.c_str());
  DesiredService desired = desired_service("web", k_desired_web);
  PlannedObject planned = plan_service(desired, desired.spec_json, &live, k_names);
  EXPECT_EQ(planned.action, Action::unchanged);
  json sent = json::parse(planned.spec_json);
  EXPECT_EQ(sent["TaskTemplate"]["ContainerSpec"]["Image"],
            "nginx:1.19@sha256:" + std::string(64, 'a'));
  EXPECT_EQ(sent["TaskTemplate"]["ForceUpdate"], 3);

  // A desired digest that differs from the live one is a change (digest drift).
  std::string pinned = with(k_desired_web, [](json& s) {
    s["TaskTemplate"]["ContainerSpec"]["Image"] = "nginx:1.19@sha256:" + std::string(64, 'b');
  });
  EXPECT_EQ(plan_service(desired, pinned, &live, k_names).action, Action::update);
}

TEST(PlanService, NoLiveServiceMeansCreate) {
  DesiredService desired = desired_service("web", k_desired_web);
  PlannedObject planned = plan_service(desired, desired.spec_json, nullptr, k_names);
  EXPECT_EQ(planned.action, Action::create);
  EXPECT_EQ(planned.spec_json, desired.spec_json);
}

TEST(DiffJson, PathsForAddedRemovedAndNestedFields) {
  auto changes = diff_json(R"({"a": {"b": 1, "c": [1, 2]}, "gone": true})",
                           R"({"a": {"b": 2, "c": [1, 2, 3]}, "new": "x"})");
  ASSERT_EQ(changes.size(), 4u);
  EXPECT_EQ(changes[0].path, "a.b");
  EXPECT_EQ(changes[1].path, "a.c");
  EXPECT_EQ(changes[1].new_value, "[1,2,3]");
  EXPECT_EQ(changes[2].path, "gone");
  EXPECT_EQ(changes[2].new_value, "");
  EXPECT_EQ(changes[3].path, "new");
  EXPECT_EQ(changes[3].old_value, "");
}

TEST(DependencyWaves, IndependentServicesShareAWave) {
  std::vector<DesiredService> services = {
      desired_service("a", k_desired_web, {"b"}), desired_service("b", k_desired_web),
      desired_service("c", k_desired_web, {"a", "unknown"}), desired_service("d", k_desired_web)};
  auto waves = dependency_waves(services);
  ASSERT_TRUE(waves) << waves.error();
  EXPECT_THAT(*waves, ElementsAre(ElementsAre("b", "d"), ElementsAre("a"), ElementsAre("c")));
}

TEST(DependencyWaves, CyclesAreRejectedAndNamed) {
  std::vector<DesiredService> services = {
      desired_service("a", k_desired_web, {"b"}), desired_service("b", k_desired_web, {"c"}),
      desired_service("c", k_desired_web, {"a"}), desired_service("d", k_desired_web)};
  auto waves = dependency_waves(services);
  ASSERT_FALSE(waves);
  EXPECT_EQ(waves.error(), "depends_on cycle: a -> b -> c -> a");
  auto self = dependency_waves({desired_service("x", k_desired_web, {"x"})});
  ASSERT_FALSE(self);
  EXPECT_EQ(self.error(), "depends_on cycle: x -> x");
}

// A whole stack: the lab's depref1 as the reference deployed it.
struct StackFixture {
  DesiredStack desired;
  LiveStack live;

  StackFixture() {
    desired.stack = "depref1";
    desired.networks.push_back(
        {"default", "depref1_default", false,
         R"({"Name":"depref1_default","Driver":"overlay","Labels":{"com.docker.stack.namespace":"depref1"}})"});
    desired.configs.push_back(file_object("c1", "depref1_c1", "hello\n"));
    desired.secrets.push_back(file_object("s1", "depref1_s1", "secret\n"));
    desired.services.push_back(desired_service("cache", k_desired_cache));
    desired.services.push_back(desired_service("web", k_desired_web, {"cache"}));

    live.stack = "depref1";
    live.networks.push_back({"q43dzryun8lz3qtij4g5y3okf",
                             "depref1_default",
                             "swarm",
                             "overlay",
                             false,
                             false,
                             {{"com.docker.stack.namespace", "depref1"}},
                             {}});
    live.networks.push_back({"ingressid", "ingress", "swarm", "overlay", false, false, {}, {}});
    live.services.push_back(live_service("cacheid", k_live_cache, 444));
    live.services.push_back(live_service("webid", k_live_web, 439));
    // Configs come back with their data; secrets never do.
    live.configs.push_back(
        live_object_from(json{{"ID", "axl0pyo20q1be7ponemqpv4iy"},
                              {"Version", {{"Index", 437}}},
                              {"Spec",
                               {{"Name", "depref1_c1"},
                                {"Labels", {{"com.docker.stack.namespace", "depref1"}}},
                                {"Data", "aGVsbG8K"}}}}));
    live.secrets.push_back(live_object_from(
        json{{"ID", "0pguvdu2djk0qxqpqvab7pecp"},
             {"Version", {{"Index", 436}}},
             {"Spec",
              {{"Name", "depref1_s1"}, {"Labels", {{"com.docker.stack.namespace", "depref1"}}}}}}));
  }

  static DesiredFileObject file_object(const std::string& key, const std::string& name,
                                       const std::string& data) {
    json spec = {{"Name", name},
                 {"Labels", {{"com.docker.stack.namespace", "depref1"}}},
                 {"Data", base64_encode(data)}};
    return {key, name, false, spec.dump(), sha256_hex(data), data.size()};
  }
};

TEST(MakePlan, TheReferenceDeploymentNeedsNoChange) {
  StackFixture fixture;
  auto plan = make_plan(fixture.desired, fixture.live, {});
  ASSERT_TRUE(plan) << plan.error().front();
  EXPECT_FALSE(plan->has_changes());
  EXPECT_EQ(plan->count(Action::unchanged), 5u);
  // cache first: web depends on it.
  ASSERT_EQ(plan->service_waves.size(), 2u);
  EXPECT_EQ(plan->service_waves[0][0].name, "depref1_cache");
  EXPECT_EQ(plan->service_waves[1][0].name, "depref1_web");
}

TEST(MakePlan, ChangedConfigGetsAHashedNameAndTheOldRevisionGoes) {
  StackFixture fixture;
  fixture.desired.configs[0] = StackFixture::file_object("c1", "depref1_c1", "hello again\n");
  auto plan = make_plan(fixture.desired, fixture.live, {});
  ASSERT_TRUE(plan) << plan.error().front();
  std::string hashed = "depref1_c1-" + sha256_hex("hello again\n").substr(0, 10);
  ASSERT_EQ(plan->configs.size(), 1u);
  EXPECT_EQ(plan->configs[0].action, Action::create);
  EXPECT_EQ(plan->configs[0].name, hashed);
  json spec = json::parse(plan->configs[0].spec_json);
  EXPECT_EQ(spec["Name"], hashed);
  EXPECT_EQ(spec["Labels"][std::string(k_content_hash_label)], sha256_hex("hello again\n"));
  // The service that uses it is repointed...
  const PlannedObject& cache = plan->service_waves[0][0];
  ASSERT_EQ(cache.action, Action::update);
  ASSERT_EQ(cache.changes.size(), 1u);
  EXPECT_EQ(cache.changes[0].path, "TaskTemplate.ContainerSpec.Configs[0].ConfigName");
  // ...and the old revision is removed afterwards, without --prune.
  ASSERT_EQ(plan->removals.size(), 1u);
  EXPECT_EQ(plan->removals[0].name, "depref1_c1");
  EXPECT_EQ(plan->removals[0].reason, "old revision");
}

TEST(MakePlan, ASecretWithoutContentHashIsTakenAsUnchanged) {
  StackFixture fixture;
  fixture.desired.secrets[0] = StackFixture::file_object("s1", "depref1_s1", "other\n");
  auto plan = make_plan(fixture.desired, fixture.live, {});
  ASSERT_TRUE(plan);
  EXPECT_EQ(plan->secrets[0].action, Action::unchanged);
  // One stackc created (with the label) is compared by hash.
  fixture.live.secrets[0].labels[std::string(k_content_hash_label)] = sha256_hex("secret\n");
  fixture.live.secrets[0].content_sha256 = sha256_hex("secret\n");
  plan = make_plan(fixture.desired, fixture.live, {});
  ASSERT_TRUE(plan);
  EXPECT_EQ(plan->secrets[0].action, Action::create);
}

TEST(MakePlan, PruneRemovesOnlyTheStacksUndeclaredObjects) {
  StackFixture fixture;
  fixture.live.services.push_back(
      live_service("oldid", with(k_live_web, [](json& s) { s["Name"] = "depref1_old"; }).c_str()));
  fixture.live.networks.push_back({"n2",
                                   "depref1_back",
                                   "swarm",
                                   "overlay",
                                   false,
                                   false,
                                   {{"com.docker.stack.namespace", "depref1"}},
                                   {}});
  fixture.live.networks.push_back({"n3", "unrelated", "swarm", "overlay", false, false, {}, {}});
  fixture.live.configs.push_back(
      live_object_from(json{{"ID", "x"}, {"Spec", {{"Name", "someone_elses"}}}}));
  auto plan = make_plan(fixture.desired, fixture.live, {});
  ASSERT_TRUE(plan);
  EXPECT_TRUE(plan->removals.empty());
  plan = make_plan(fixture.desired, fixture.live, {.prune = true});
  ASSERT_TRUE(plan);
  std::vector<std::string> removed;
  for (const PlannedObject& object : plan->removals) {
    removed.push_back(std::string(to_string(object.kind)) + " " + object.name);
  }
  EXPECT_THAT(removed, ElementsAre("service depref1_old", "network depref1_back"));
}

TEST(MakePlan, PreflightReportsEveryProblemBeforeAnyWrite) {
  StackFixture fixture;
  fixture.desired.networks.push_back({"outside", "missing_net", true, ""});
  fixture.desired.networks.push_back({"local", "bridge_like", true, ""});
  fixture.live.networks.push_back({"b1", "bridge_like", "local", "bridge", false, false, {}, {}});
  fixture.desired.services[1].spec_json = with(k_desired_web, [](json& s) {
    s["Mode"] = {{"Global", json::object()}};
  });
  fixture.live.foreign_ports.push_back({8081, "tcp", "other_web"});
  auto plan = make_plan(fixture.desired, fixture.live, {});
  ASSERT_FALSE(plan);
  const auto& errors = plan.error();
  ASSERT_EQ(errors.size(), 4u);
  EXPECT_THAT(errors[0], HasSubstr("network \"missing_net\" is declared as external, but could "
                                   "not be found"));
  EXPECT_THAT(errors[1], HasSubstr("\"local\" instead of \"swarm\""));
  EXPECT_THAT(errors[2], HasSubstr("cannot change the mode from replicated to global"));
  EXPECT_THAT(errors[3], HasSubstr("port 8081/tcp is already published by service other_web"));
}

// Healthcheck.StartInterval (API 1.44): the docker CLI 28 sends it to a 1.41 engine, which
// drops it. Against such an engine it is no change; against a current one it is.
TEST(PlanService, StartIntervalAnOlderEngineDroppedIsNoChange) {
  const json check = {{"Test", {"CMD", "true"}}, {"StartPeriod", 10000000000}};
  std::string live_spec =
      with(k_live_web, [&](json& s) { s["TaskTemplate"]["ContainerSpec"]["Healthcheck"] = check; });
  LiveObject live = live_service("id1", live_spec.c_str());
  DesiredService desired = desired_service("web", with(k_desired_web, [&](json& s) {
                                             json sent = check;
                                             sent["StartInterval"] = 2000000000;
                                             s["TaskTemplate"]["ContainerSpec"]["Healthcheck"] =
                                                 sent;
                                           }));
  PlannedObject old_engine = plan_service(desired, desired.spec_json, &live, k_names, "1.41");
  EXPECT_EQ(old_engine.action, Action::unchanged);
  PlannedObject current = plan_service(desired, desired.spec_json, &live, k_names, "1.47");
  EXPECT_EQ(current.action, Action::update);
  PlannedObject unknown = plan_service(desired, desired.spec_json, &live, k_names);
  EXPECT_EQ(unknown.action, Action::update);
}

// Cluster volumes need API 1.42: refused before any write, where the reference fails half-way.
TEST(MakePlan, ClusterMountOnAnOlderEngineIsRefusedFirst) {
  StackFixture fixture;
  fixture.desired.services[1].spec_json = with(k_desired_web, [](json& s) {
    s["TaskTemplate"]["ContainerSpec"]["Mounts"] = {
        {{"Type", "cluster"}, {"Source", "group:g"}, {"Target", "/g"}}};
  });
  fixture.live.api_version = "1.41";
  auto plan = make_plan(fixture.desired, fixture.live, {});
  ASSERT_FALSE(plan);
  EXPECT_THAT(plan.error()[0], HasSubstr("service depref1_web: mount /g is a cluster volume, "
                                         "which needs an engine with API 1.42 or later"));
  fixture.live.api_version = "1.45";
  EXPECT_TRUE(make_plan(fixture.desired, fixture.live, {}));
}

TEST(MakePlan, ANetworkOfTheSameNameOutsideTheStackIsRefused) {
  StackFixture fixture;
  fixture.live.networks[0].labels.clear();
  auto plan = make_plan(fixture.desired, fixture.live, {});
  ASSERT_FALSE(plan);
  EXPECT_THAT(plan.error()[0], HasSubstr("does not belong to stack \"depref1\""));
}

}  // namespace
}  // namespace stackc::swarm
