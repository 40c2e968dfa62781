#include "backends/swarm/apply.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fmt/format.h>

#include <mutex>
#include <set>
#include <nlohmann/json.hpp>

#include "backends/swarm/curl_transport.h"
#include "backends/swarm/fake_engine.h"
#include "backends/swarm/fake_swarm.h"
#include "backends/swarm/live.h"
#include "backends/swarm/plan.h"
#include "backends/swarm/sha256.h"

namespace stackc::swarm {
namespace {

using nlohmann::json;
using testing::FakeEngine;
using testing::FakeSwarm;
using ::testing::HasSubstr;

std::string service_spec(const std::string& name, const std::string& image,
                         const std::string& config = "") {
  json spec = {
      {"Name", "st_" + name},
      {"Labels", {{"com.docker.stack.namespace", "st"}, {"com.docker.stack.image", image}}},
      {"TaskTemplate",
       {{"ContainerSpec", {{"Image", image}}},
        {"Networks", {{{"Target", "st_default"}, {"Aliases", {name}}}}}}}};
  if (!config.empty()) {
    spec["TaskTemplate"]["ContainerSpec"]["Configs"] = {
        {{"File", {{"Name", "/c"}, {"UID", "0"}, {"GID", "0"}, {"Mode", 292}}},
         {"ConfigName", config}}};
  }
  return spec.dump();
}

// st: a network, a config, and db <- api <- web (depends_on), plus a lone worker.
DesiredStack desired_stack(const std::string& web_image = "nginx:1.19") {
  DesiredStack stack;
  stack.stack = "st";
  stack.networks.push_back(
      {"default", "st_default", false,
       R"({"Name":"st_default","Driver":"overlay","Labels":{"com.docker.stack.namespace":"st"}})"});
  json config = {{"Name", "st_conf"},
                 {"Labels", {{"com.docker.stack.namespace", "st"}}},
                 {"Data", base64_encode("x=1\n")}};
  stack.configs.push_back({"conf", "st_conf", false, config.dump(), sha256_hex("x=1\n"), 4});
  auto service = [&](const std::string& key, const std::string& image,
                     std::vector<std::string> deps, const std::string& config_name = "") {
    stack.services.push_back(
        {key, "st_" + key, std::move(deps), image, service_spec(key, image, config_name)});
  };
  service("api", "redis:6.0-alpine", {"db"}, "st_conf");
  service("db", "redis:6.2.5-alpine", {});
  service("web", web_image, {"api"});
  service("worker", "redis:6.0-alpine", {});
  return stack;
}

struct DeployRun {
  ApplyResult result;
  std::vector<ApplyEvent> events;
  Plan plan;
};

// One deploy: read live, plan, apply (what `stackc deploy` does).
DeployRun deploy(FakeSwarm& swarm, const DesiredStack& desired, int parallel = 4) {
  DeployRun run;
  Engine engine = swarm.engine();
  auto live = read_live_stack(engine, "st");
  EXPECT_TRUE(live) << live.error().describe();
  auto plan = make_plan(desired, *live, {});
  EXPECT_TRUE(plan) << plan.error().front();
  run.plan = *plan;
  ApplyOptions options;
  options.parallel = parallel;
  std::mutex mutex;
  run.result = apply_plan(*plan, engine, swarm.factory(), options, [&](const ApplyEvent& event) {
    std::lock_guard lock(mutex);
    run.events.push_back(event);
  });
  return run;
}

TEST(Apply, CreatesInOrderThenANoOpRedeployWritesNothing) {
  FakeSwarm swarm;
  DeployRun first = deploy(swarm, desired_stack());
  ASSERT_FALSE(first.result.error) << first.result.error->describe();
  EXPECT_EQ(first.result.count(Action::create), 6u);
  std::vector<std::string> writes = swarm.writes();
  ASSERT_EQ(writes.size(), 6u);
  EXPECT_EQ(writes[0], "POST /networks/create");
  EXPECT_EQ(writes[1], "POST /configs/create");
  // db and worker (wave 1, either order), then api, then web.
  auto position = [&](const std::string& name) {
    for (size_t i = 0; i < first.events.size(); ++i) {
      if (first.events[i].name == name) {
        return i;
      }
    }
    return size_t{99};
  };
  EXPECT_LT(position("st_db"), position("st_api"));
  EXPECT_LT(position("st_api"), position("st_web"));

  DeployRun second = deploy(swarm, desired_stack());
  ASSERT_FALSE(second.result.error);
  EXPECT_EQ(second.result.count(Action::unchanged), 6u);
  EXPECT_EQ(swarm.writes().size(), 6u) << "an unchanged stack must not be written";
}

TEST(Apply, AFailureMidwayIsReportedAndARerunConverges) {
  FakeSwarm swarm;
  swarm.fail_create("st_api");
  DeployRun failed = deploy(swarm, desired_stack(), /*parallel=*/1);
  ASSERT_TRUE(failed.result.error);
  EXPECT_EQ(failed.result.error->status, 500);
  EXPECT_THAT(failed.result.error->describe(), HasSubstr("raft lost quorum"));
  // Network, config, db and worker were made; web (after api) was never attempted.
  EXPECT_EQ(failed.result.count(Action::create), 4u);
  EXPECT_EQ(swarm.count("services"), 2u);
  bool reported = false;
  for (const ApplyEvent& event : failed.events) {
    EXPECT_NE(event.name, "st_web");
    if (event.name == "st_api") {
      reported = !event.ok;
    }
  }
  EXPECT_TRUE(reported);

  DeployRun rerun = deploy(swarm, desired_stack());
  ASSERT_FALSE(rerun.result.error) << rerun.result.error->describe();
  EXPECT_EQ(rerun.result.count(Action::create), 2u);    // api, web
  EXPECT_EQ(rerun.result.count(Action::unchanged), 4u);  // network, config, db, worker
  EXPECT_EQ(swarm.count("services"), 4u);
  DeployRun after = deploy(swarm, desired_stack());
  EXPECT_EQ(after.result.count(Action::unchanged), 6u);
}

TEST(Apply, AnOutOfSequenceUpdateIsReinspectedAndRetried) {
  FakeSwarm swarm;
  ASSERT_FALSE(deploy(swarm, desired_stack()).result.error);
  swarm.race_updates(2);
  DeployRun run = deploy(swarm, desired_stack("nginx:1.21"));
  ASSERT_FALSE(run.result.error) << run.result.error->describe();
  EXPECT_EQ(run.result.count(Action::update), 1u);
  size_t updates = 0;
  for (const std::string& write : swarm.writes()) {
    updates += write.find("/update") != std::string::npos ? 1 : 0;
  }
  EXPECT_EQ(updates, 3u);  // two stale attempts, then the one with the re-inspected index
  DeployRun after = deploy(swarm, desired_stack("nginx:1.21"));
  EXPECT_EQ(after.result.count(Action::unchanged), 6u);
}

TEST(Apply, RetriesAreBounded) {
  FakeSwarm swarm;
  ASSERT_FALSE(deploy(swarm, desired_stack()).result.error);
  swarm.race_updates(100);
  DeployRun run = deploy(swarm, desired_stack("nginx:1.21"));
  ASSERT_TRUE(run.result.error);
  EXPECT_EQ(run.result.error->kind, EngineErrorKind::out_of_sequence);
}

TEST(Apply, ConnectionRefusedIsAClearTransportError) {
  DockerHost host;
  host.socket_path = "/tmp/stackc-no-such-engine.sock";
  Engine engine(make_curl_transport(host));
  auto live = read_live_stack(engine, "st");
  ASSERT_FALSE(live);
  EXPECT_EQ(live.error().kind, EngineErrorKind::transport);
  EXPECT_THAT(live.error().describe(), HasSubstr("/tmp/stackc-no-such-engine.sock"));
}

TEST(Apply, RotatedConfigIsCreatedBeforeTheServiceAndTheOldOneRemovedAfter) {
  FakeSwarm swarm;
  ASSERT_FALSE(deploy(swarm, desired_stack()).result.error);
  DesiredStack changed = desired_stack();
  json config = json::parse(changed.configs[0].spec_json);
  config["Data"] = base64_encode("x=2\n");
  changed.configs[0].spec_json = config.dump();
  changed.configs[0].data_sha256 = sha256_hex("x=2\n");
  DeployRun run = deploy(swarm, changed);
  ASSERT_FALSE(run.result.error) << run.result.error->describe();
  std::vector<std::string> order;
  for (const ApplyEvent& event : run.events) {
    if (event.action != Action::unchanged) {
      order.push_back(std::string(to_string(event.action)) + " " + event.name);
    }
  }
  std::string hashed = "st_conf-" + sha256_hex("x=2\n").substr(0, 10);
  EXPECT_THAT(order, ::testing::ElementsAre("create " + hashed, "update st_api", "remove st_conf"));
  EXPECT_EQ(swarm.count("configs"), 1u);
}

TEST(ResolveImages, PinsToTheRegistryDigestOrWarnsLikeTheReference) {
  FakeEngine fake;
  fake.serve_version();
  const std::string digest = "sha256:" + std::string(64, 'c');
  fake.server().Get(R"(/v1\.41/distribution/(.+)/json)",
                    [&](const httplib::Request& request, httplib::Response& response) {
                      if (request.matches[1] == "nginx:1.19") {
                        // A manifest list: "arm" loses its architecture, variants are dropped.
                        response.set_content(
                            json{{"Descriptor", {{"digest", digest}}},
                                 {"Platforms",
                                  {{{"architecture", "amd64"}, {"os", "linux"}},
                                   {{"architecture", "ARM"}, {"os", "linux"}, {"variant", "v7"}}}}}
                                .dump(),
                            "application/json");
                      } else if (request.matches[1] == "redis:6.0-alpine") {
                        response.set_content(json{{"Descriptor", {{"digest", digest}}}}.dump(),
                                             "application/json");
                      } else {
                        response.status = 401;
                        response.set_content(R"({"message":"no basic auth credentials"})",
                                             "application/json");
                      }
                    });
  fake.start();
  DockerHost host;
  host.socket_path = fake.socket_path();
  Engine engine(make_curl_transport(host));

  DesiredStack stack = desired_stack();
  LiveStack live;
  live.stack = "st";
  std::vector<std::string> warnings;
  const std::map<std::string, std::string> no_auth;
  resolve_images(engine, stack, live, ResolveImage::never, no_auth, warnings);
  EXPECT_TRUE(warnings.empty());
  EXPECT_TRUE(fake.requests().empty()) << "never asks no registry";
  for (const DesiredService& service : stack.services) {
    EXPECT_TRUE(service.reuse_live_image);
  }

  resolve_images(engine, stack, live, ResolveImage::always, {{"nginx:1.19", "HDR"}}, warnings);
  auto task_of = [&](const std::string& key) {
    for (const DesiredService& service : stack.services) {
      if (service.key == key) {
        EXPECT_FALSE(service.reuse_live_image) << "always sends what the registry said";
        return json::parse(service.spec_json)["TaskTemplate"];
      }
    }
    return json();
  };
  EXPECT_EQ(task_of("web")["ContainerSpec"]["Image"], "nginx:1.19@" + digest);
  EXPECT_EQ(task_of("web")["Placement"]["Platforms"],
            json::parse(R"([{"Architecture":"amd64","OS":"linux"},{"OS":"linux"}])"));
  // No platforms in the answer: no Platforms key at all.
  EXPECT_EQ(task_of("api")["ContainerSpec"]["Image"], "redis:6.0-alpine@" + digest);
  EXPECT_FALSE(task_of("api").contains("Placement"));
  EXPECT_EQ(task_of("db")["ContainerSpec"]["Image"], "redis:6.2.5-alpine");
  ASSERT_EQ(warnings.size(), 1u);  // db
  EXPECT_EQ(warnings[0], digest_warning("redis:6.2.5-alpine"));
  EXPECT_THAT(warnings[0], HasSubstr("could not be accessed on a registry to record its digest"));
  auto requests = fake.requests();
  // The ping, then one question per image: api and worker share redis:6.0-alpine.
  EXPECT_EQ(task_of("worker")["ContainerSpec"]["Image"], "redis:6.0-alpine@" + digest);
  ASSERT_EQ(requests.size(), 4u);
  for (const auto& request : requests) {
    bool web = request.target.find("nginx") != std::string::npos;
    EXPECT_EQ(request.registry_auth, web ? "HDR" : "") << request.target;
  }
}

TEST(ResolveImages, ChangedAsksOnlyForNewServicesAndChangedImages) {
  FakeEngine fake;
  fake.serve_version();
  const std::string digest = "sha256:" + std::string(64, 'd');
  fake.server().Get(R"(/v1\.41/distribution/(.+)/json)",
                    [&](const httplib::Request&, httplib::Response& response) {
                      response.set_content(json{{"Descriptor", {{"digest", digest}}}}.dump(),
                                           "application/json");
                    });
  fake.start();
  DockerHost host;
  host.socket_path = fake.socket_path();
  Engine engine(make_curl_transport(host));

  DesiredStack stack = desired_stack("nginx:1.21@sha256:" + std::string(64, 'e'));
  LiveStack live;
  live.stack = "st";
  // api runs the image of the file, worker an older one (its label says so); db, web are new.
  auto live_service = [&](const std::string& key, const std::string& image) {
    LiveObject object;
    object.name = "st_" + key;
    object.labels = {{"com.docker.stack.image", image}, {"com.docker.stack.namespace", "st"}};
    live.services.push_back(object);
  };
  live_service("api", "redis:6.0-alpine");
  live_service("worker", "redis:5");
  std::vector<std::string> warnings;
  resolve_images(engine, stack, live, ResolveImage::changed, {}, warnings);
  std::set<std::string> asked;
  for (const auto& request : fake.requests()) {
    if (request.target.find("/distribution/") != std::string::npos) {
      asked.insert(request.target);
    }
  }
  EXPECT_EQ(asked, (std::set<std::string>{
                       "/v1.41/distribution/redis:6.2.5-alpine/json",
                       "/v1.41/distribution/redis:6.0-alpine/json",
                       "/v1.41/distribution/nginx:1.21@sha256:" + std::string(64, 'e') + "/json"}));
  for (const DesiredService& service : stack.services) {
    EXPECT_TRUE(service.reuse_live_image);
    std::string image =
        json::parse(service.spec_json)["TaskTemplate"]["ContainerSpec"]["Image"].get<std::string>();
    if (service.key == "api") {
      EXPECT_EQ(image, "redis:6.0-alpine") << "kept for the planner to take the live image";
    } else if (service.key == "web") {
      // A reference with a digest stays as written (imageWithDigestString).
      EXPECT_EQ(image, "nginx:1.21@sha256:" + std::string(64, 'e'));
    } else {
      EXPECT_EQ(image, service.image + "@" + digest) << service.key;
    }
  }
}

TEST(Apply, SendsEachServiceItsImagesRegistryAuth) {
  FakeSwarm swarm;
  Engine engine = swarm.engine();
  auto run = [&](const DesiredStack& desired, std::map<std::string, std::string> auth) {
    auto live = read_live_stack(engine, "st");
    ASSERT_TRUE(live);
    auto plan = make_plan(desired, *live, {});
    ASSERT_TRUE(plan);
    ApplyOptions options;
    options.registry_auth = std::move(auth);
    auto result = apply_plan(*plan, engine, swarm.factory(), options, [](const ApplyEvent&) {});
    ASSERT_FALSE(result.error);
  };
  run(desired_stack(), {{"nginx:1.19", "HDR-web"}, {"redis:6.0-alpine", "HDR-redis"}});
  run(desired_stack("nginx:1.21"), {{"nginx:1.21", "HDR-new"}});
  std::map<std::string, std::string> sent;  // "create st_web" -> header
  for (const auto& request : swarm.requests()) {
    if (request.method != "POST" || request.target.find("/services/") == std::string::npos) {
      continue;
    }
    std::string what = request.target.find("/create") != std::string::npos ? "create " : "update ";
    sent[what + json::parse(request.body)["Name"].get<std::string>()] = request.registry_auth;
  }
  EXPECT_EQ(sent, (std::map<std::string, std::string>{{"create st_api", "HDR-redis"},
                                                      {"create st_db", ""},
                                                      {"create st_web", "HDR-web"},
                                                      {"create st_worker", "HDR-redis"},
                                                      {"update st_web", "HDR-new"}}));
}

}  // namespace
}  // namespace stackc::swarm
