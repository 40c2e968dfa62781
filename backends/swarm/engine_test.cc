#include "backends/swarm/engine.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "backends/swarm/curl_transport.h"
#include "backends/swarm/fake_engine.h"

namespace stackc::swarm {
namespace {

using nlohmann::json;
using ::testing::ElementsAre;
using testing::FakeEngine;
using ::testing::HasSubstr;

// The real curl transport talking to the fake engine.
Engine engine_for(const FakeEngine& fake) {
  DockerHost host;
  host.socket_path = fake.socket_path();
  return Engine(make_curl_transport(host));
}

void reply_json(httplib::Response& response, int status, const json& body) {
  response.status = status;
  response.set_content(body.dump(), "application/json");
}

TEST(Engine, NegotiatesOnceThroughPingAndVersionsEveryPath) {
  FakeEngine fake;
  fake.serve_version("1.41", "1.12");
  fake.server().Get("/v1.41/info", [](const httplib::Request&, httplib::Response& response) {
    reply_json(response, 200, {{"Name", "manager1"}});
  });
  fake.start();
  Engine engine = engine_for(fake);
  EXPECT_FALSE(engine.api_version());
  auto info = engine.info();
  ASSERT_TRUE(info) << info.error().describe();
  EXPECT_EQ((*info)["Name"], "manager1");
  ASSERT_TRUE(engine.api_version());
  EXPECT_EQ(*engine.api_version(), "1.41");
  ASSERT_TRUE(engine.info());
  // The engine's full version answer is still there for whoever asks.
  auto version = engine.negotiate();
  ASSERT_TRUE(version);
  EXPECT_EQ(version->engine_version, "20.10.24+dfsg1");
  EXPECT_EQ(version->engine_min_api, "1.12");

  auto requests = fake.requests();
  ASSERT_EQ(requests.size(), 4u);
  EXPECT_EQ(requests[0].target, "/_ping");
  EXPECT_EQ(requests[1].target, "/v1.41/info");
  EXPECT_EQ(requests[2].target, "/v1.41/info");
  EXPECT_EQ(requests[3].target, "/version");
}

TEST(Engine, FallsBackToVersionWhenThePingHasNoApiVersion) {
  FakeEngine fake;
  fake.server().Get("/_ping", [](const httplib::Request&, httplib::Response& response) {
    response.set_content("OK", "text/plain");  // a proxy that drops the header
  });
  fake.server().Get("/version", [](const httplib::Request&, httplib::Response& response) {
    reply_json(response, 200, {{"Version", "24.0.7"}, {"ApiVersion", "1.43"}});
  });
  fake.server().Get("/v1.43/nodes", [](const httplib::Request&, httplib::Response& response) {
    reply_json(response, 200, json::array());
  });
  fake.start();
  Engine engine = engine_for(fake);
  auto nodes = engine.list_nodes();
  ASSERT_TRUE(nodes) << nodes.error().describe();
  auto requests = fake.requests();
  ASSERT_EQ(requests.size(), 3u);
  EXPECT_EQ(requests[0].target, "/_ping");
  EXPECT_EQ(requests[1].target, "/version");
  EXPECT_EQ(requests[2].target, "/v1.43/nodes");
}

struct VersionCase {
  std::string engine_api;
  std::string engine_min;
  std::string chosen;  // empty: expect an error containing `error`
  EngineErrorKind kind = EngineErrorKind::api_version;
  std::string error = {};
};

TEST(Engine, VersionNegotiationTable) {
  const VersionCase cases[] = {
      {"1.41", "1.12", "1.41"},
      {"1.50", "1.24", "1.50"},
      {"1.51", "1.24", "1.50"},  // newer engine: we stay at the reference CLI's 1.50
      {"1.30", "", "1.30"},
      {"1.9", "", "", EngineErrorKind::api_version, "speaks API 1.9; stackc needs API 1.30"},
      {"1.29", "1.12", "", EngineErrorKind::api_version, "needs API 1.30 or newer"},
      {"1.52", "1.51", "", EngineErrorKind::api_version,
       "requires API 1.51 or newer; stackc speaks up to 1.50"},
      {"one.two", "", "", EngineErrorKind::protocol, "no usable ApiVersion"},
  };
  for (const auto& c : cases) {
    FakeEngine fake;
    fake.serve_version(c.engine_api, c.engine_min);
    fake.start();
    Engine engine = engine_for(fake);
    auto version = engine.negotiate();
    if (c.chosen.empty()) {
      ASSERT_FALSE(version) << c.engine_api;
      EXPECT_EQ(version.error().kind, c.kind) << c.engine_api;
      EXPECT_THAT(version.error().describe(), HasSubstr(c.error)) << c.engine_api;
      // Later calls fail the same way instead of using an unnegotiated version; except that the
      // ping carries no minimum version, so there the engine itself refuses our newest version.
      auto info = engine.info();
      ASSERT_FALSE(info);
      if (c.engine_min == "1.51") {
        EXPECT_EQ(fake.requests().back().target, "/v1.50/info");
      } else {
        EXPECT_EQ(info.error().kind, c.kind);
      }
    } else {
      ASSERT_TRUE(version) << c.engine_api << ": " << version.error().describe();
      EXPECT_EQ(version->api_version, c.chosen);
      EXPECT_EQ(version->engine_api, c.engine_api);
    }
  }
}

TEST(Engine, PresetVersionSkipsNegotiation) {
  FakeEngine fake;
  fake.server().Get("/v1.44/nodes", [](const httplib::Request&, httplib::Response& response) {
    reply_json(response, 200, json::array());
  });
  fake.start();
  Engine engine = engine_for(fake);
  engine.set_api_version("1.44");
  auto nodes = engine.list_nodes();
  ASSERT_TRUE(nodes) << nodes.error().describe();
  ASSERT_EQ(fake.requests().size(), 1u);
  EXPECT_EQ(fake.requests()[0].target, "/v1.44/nodes");
}

TEST(Engine, RequiresASwarmManager) {
  FakeEngine fake;
  fake.serve_version();
  std::string state = "inactive";
  fake.server().Get("/v1.41/swarm", [&](const httplib::Request&, httplib::Response& response) {
    // The engine's own words for each case (20.10).
    if (state == "inactive") {
      reply_json(response, 503,
                 {{"message",
                   "This node is not a swarm manager. Use \"docker swarm init\" or \"docker "
                   "swarm join\" to connect this node to swarm and try again."}});
    } else if (state == "worker") {
      reply_json(response, 503,
                 {{"message",
                   "This node is not a swarm manager. Worker nodes can't be used to view or "
                   "modify cluster state."}});
    } else if (state == "no quorum") {
      reply_json(response, 503, {{"message", "The swarm does not have a leader."}});
    } else {
      reply_json(response, 200, {{"ID", "swarm1"}});
    }
  });
  fake.start();
  Engine engine = engine_for(fake);
  auto refused = engine.require_swarm_manager();
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().kind, EngineErrorKind::not_manager);
  EXPECT_THAT(refused.error().describe(), HasSubstr("cannot deploy stacks: This node is not a "
                                                    "swarm manager. Use \"docker swarm init\""));
  state = "worker";
  refused = engine.require_swarm_manager();
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().kind, EngineErrorKind::not_manager);
  EXPECT_THAT(refused.error().describe(), HasSubstr("Worker nodes can't be used"));
  state = "no quorum";
  refused = engine.require_swarm_manager();
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().kind, EngineErrorKind::unavailable);
  EXPECT_THAT(refused.error().describe(), HasSubstr("HTTP 503, GET /v1.41/swarm"));
  state = "manager";
  auto accepted = engine.require_swarm_manager();
  ASSERT_TRUE(accepted) << accepted.error().describe();
  EXPECT_EQ((*accepted)["ID"], "swarm1");
}

TEST(Engine, ErrorsCarryTheEngineMessageAndKind) {
  FakeEngine fake;
  fake.serve_version();
  fake.server().Get("/v1.41/services/ghost",
                    [](const httplib::Request&, httplib::Response& response) {
                      reply_json(response, 404, {{"message", "service ghost not found"}});
                    });
  fake.server().Post("/v1.41/services/create", [](const httplib::Request&,
                                                  httplib::Response& response) {
    reply_json(response, 409,
               {{"message",
                 "rpc error: code = AlreadyExists desc = name conflicts with an existing object"}});
  });
  fake.server().Post(
      R"(/v1\.41/services/(\w+)/update)", [](const httplib::Request&, httplib::Response& response) {
        reply_json(response, 500,
                   {{"message", "rpc error: code = Unknown desc = update out of sequence"}});
      });
  fake.server().Delete("/v1.41/networks/web_default",
                       [](const httplib::Request&, httplib::Response& response) {
                         response.status = 500;
                         response.set_content("proxy exploded\n", "text/plain");
                       });
  fake.server().Delete(
      "/v1.41/secrets/s", [](const httplib::Request&, httplib::Response& response) {
        reply_json(response, 400,
                   {{"message", "secret 's' is in use by the following service: web_app"}});
      });
  fake.server().Delete(
      "/v1.41/configs/c",
      [](const httplib::Request&, httplib::Response& response) { response.status = 503; });
  fake.start();
  Engine engine = engine_for(fake);
  std::string where = "unix://" + fake.socket_path();

  auto missing = engine.inspect_service("ghost");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().kind, EngineErrorKind::not_found);
  EXPECT_EQ(missing.error().status, 404);
  EXPECT_EQ(missing.error().message, "service ghost not found");
  EXPECT_FALSE(missing.error().retryable());
  EXPECT_EQ(missing.error().describe(), "error response from the Docker engine at " + where +
                                            " (HTTP 404, GET /v1.41/services/ghost): service ghost "
                                            "not found");

  auto conflict = engine.create_service({{"Name", "web_app"}});
  ASSERT_FALSE(conflict);
  EXPECT_EQ(conflict.error().kind, EngineErrorKind::conflict);
  EXPECT_THAT(conflict.error().message, HasSubstr("name conflicts"));

  auto stale = engine.update_service("abc123", 17, {{"Name", "web_app"}});
  ASSERT_FALSE(stale);
  EXPECT_EQ(stale.error().kind, EngineErrorKind::out_of_sequence);
  EXPECT_EQ(stale.error().status, 500);
  EXPECT_TRUE(stale.error().retryable());
  EXPECT_EQ(stale.error().request, "POST /v1.41/services/abc123/update?version=17");

  auto plain = engine.remove_network("web_default");
  ASSERT_FALSE(plain);
  EXPECT_EQ(plain.error().kind, EngineErrorKind::server);
  EXPECT_EQ(plain.error().message, "proxy exploded");

  auto in_use = engine.remove_secret("s");
  ASSERT_FALSE(in_use);
  EXPECT_EQ(in_use.error().kind, EngineErrorKind::bad_request);
  EXPECT_THAT(in_use.error().message, HasSubstr("in use by the following service"));

  auto unavailable = engine.remove_config("c");
  ASSERT_FALSE(unavailable);
  EXPECT_EQ(unavailable.error().kind, EngineErrorKind::unavailable);
  EXPECT_EQ(unavailable.error().message, "HTTP status 503 with no message");
}

TEST(Engine, ListsWithLabelFilters) {
  FakeEngine fake;
  fake.serve_version();
  for (const char* path :
       {"/v1.41/services", "/v1.41/networks", "/v1.41/secrets", "/v1.41/configs", "/v1.41/tasks"}) {
    fake.server().Get(path, [](const httplib::Request&, httplib::Response& response) {
      reply_json(response, 200, json::array({{{"ID", "x1"}}}));
    });
  }
  fake.server().Get("/v1.41/nodes", [](const httplib::Request&, httplib::Response& response) {
    reply_json(response, 200, {{"not", "a list"}});
  });
  fake.start();
  Engine engine = engine_for(fake);
  Filters filters = namespace_filter("web");
  for (auto list : {&Engine::list_services, &Engine::list_networks, &Engine::list_secrets,
                    &Engine::list_configs, &Engine::list_tasks}) {
    auto result = (engine.*list)(filters);
    ASSERT_TRUE(result) << result.error().describe();
    ASSERT_EQ(result->size(), 1u);
    EXPECT_EQ((*result)[0]["ID"], "x1");
  }
  auto nodes = engine.list_nodes({});
  ASSERT_FALSE(nodes);
  EXPECT_EQ(nodes.error().kind, EngineErrorKind::protocol);

  auto requests = fake.requests();
  ASSERT_EQ(requests.size(), 7u);
  EXPECT_EQ(
      requests[1].target,
      "/v1.41/services?filters=%7B%22label%22%3A%5B%22com.docker.stack.namespace%3Dweb%22%5D%7D");
  auto decoded = requests[4].params.find("filters");
  ASSERT_NE(decoded, requests[4].params.end());
  EXPECT_EQ(json::parse(decoded->second),
            json::parse(R"({"label":["com.docker.stack.namespace=web"]})"));
  EXPECT_EQ(requests[6].target, "/v1.41/nodes");  // no filters, no query
}

TEST(Engine, CreateUpdateRemoveRequests) {
  FakeEngine fake;
  fake.serve_version();
  auto& server = fake.server();
  server.Post("/v1.41/services/create", [](const httplib::Request&, httplib::Response& response) {
    reply_json(response, 201, {{"ID", "svc1"}, {"Warnings", {"image could not be accessed"}}});
  });
  server.Post(R"(/v1\.41/services/(\w+)/update)",
              [](const httplib::Request&, httplib::Response& response) {
                reply_json(response, 200, {{"Warnings", nullptr}});
              });
  server.Post("/v1.41/networks/create", [](const httplib::Request&, httplib::Response& response) {
    reply_json(response, 201, {{"Id", "net1"}, {"Warning", ""}});
  });
  server.Post("/v1.41/secrets/create", [](const httplib::Request&, httplib::Response& response) {
    reply_json(response, 201, {{"ID", "sec1"}});
  });
  server.Post("/v1.41/configs/create", [](const httplib::Request&, httplib::Response& response) {
    reply_json(response, 201, {{"Nope", "no id"}});
  });
  server.Post(R"(/v1\.41/secrets/(\w+)/update)",
              [](const httplib::Request&, httplib::Response& response) { response.status = 200; });
  server.Delete(
      R"(/v1\.41/services/(.+))",
      [](const httplib::Request&, httplib::Response& response) { response.status = 200; });
  server.Get(R"(/v1\.41/distribution/(.+)/json)",
             [](const httplib::Request&, httplib::Response& response) {
               reply_json(response, 200, {{"Descriptor", {{"digest", "sha256:abc"}}}});
             });
  fake.start();
  Engine engine = engine_for(fake);

  json spec = {{"Name", "web_app"},
               {"Labels", {{"com.docker.stack.namespace", "web"}}},
               {"TaskTemplate", {{"ContainerSpec", {{"Image", "nginx:1.25"}}}}}};
  auto created = engine.create_service(spec, {.header = "eyJ1c2VybmFtZSI6ImEifQ=="});
  ASSERT_TRUE(created) << created.error().describe();
  EXPECT_EQ(created->id, "svc1");
  EXPECT_THAT(created->warnings, ElementsAre("image could not be accessed"));

  auto updated = engine.update_service("svc1", 42, spec);
  ASSERT_TRUE(updated) << updated.error().describe();
  EXPECT_TRUE(updated->empty());

  auto network = engine.create_network({{"Name", "web_default"}, {"Driver", "overlay"}});
  ASSERT_TRUE(network) << network.error().describe();
  EXPECT_EQ(network->id, "net1");
  EXPECT_TRUE(network->warnings.empty());

  auto secret = engine.create_secret({{"Name", "web_pw"}, {"Data", "aHVudGVyMg=="}});
  ASSERT_TRUE(secret) << secret.error().describe();
  EXPECT_EQ(secret->id, "sec1");
  ASSERT_TRUE(engine.update_secret("sec1", 7, {{"Name", "web_pw"}}));

  auto config = engine.create_config({{"Name", "web_conf"}});
  ASSERT_FALSE(config);
  EXPECT_EQ(config.error().kind, EngineErrorKind::protocol);
  EXPECT_THAT(config.error().message, HasSubstr("no ID in the answer"));

  ASSERT_TRUE(engine.remove_service("web app"));
  auto digest = engine.distribution_inspect("registry.local:5000/team/app:1.0");
  ASSERT_TRUE(digest) << digest.error().describe();
  EXPECT_EQ((*digest)["Descriptor"]["digest"], "sha256:abc");

  auto requests = fake.requests();
  ASSERT_EQ(requests.size(), 9u);
  EXPECT_EQ(requests[1].method, "POST");
  EXPECT_EQ(json::parse(requests[1].body), spec);
  EXPECT_EQ(requests[1].content_type, "application/json");
  EXPECT_EQ(requests[1].registry_auth, "eyJ1c2VybmFtZSI6ImEifQ==");
  EXPECT_EQ(requests[2].target, "/v1.41/services/svc1/update?version=42");
  EXPECT_EQ(requests[2].registry_auth, "");
  EXPECT_EQ(requests[5].target, "/v1.41/secrets/sec1/update?version=7");
  EXPECT_EQ(requests[7].method, "DELETE");
  EXPECT_EQ(requests[7].target, "/v1.41/services/web%20app");
  EXPECT_EQ(requests[8].target, "/v1.41/distribution/registry.local:5000/team/app:1.0/json");
}

TEST(Engine, InvalidJsonIsAProtocolError) {
  FakeEngine fake;
  fake.serve_version();
  fake.server().Get("/v1.41/info", [](const httplib::Request&, httplib::Response& response) {
    response.set_content("{\"Swarm\": ", "application/json");
  });
  fake.start();
  Engine engine = engine_for(fake);
  auto info = engine.info();
  ASSERT_FALSE(info);
  EXPECT_EQ(info.error().kind, EngineErrorKind::protocol);
  EXPECT_THAT(info.error().message, HasSubstr("answered GET /info with invalid JSON (10 bytes)"));
}

TEST(Engine, InvalidUtf8InASpecIsRefusedBeforeSending) {
  FakeEngine fake;
  fake.serve_version();
  fake.start();
  Engine engine = engine_for(fake);
  auto created = engine.create_secret({{"Name", std::string("bad\xff")}});
  ASSERT_FALSE(created);
  EXPECT_EQ(created.error().kind, EngineErrorKind::bad_request);
  EXPECT_THAT(created.error().message, HasSubstr("cannot encode the request body"));
  EXPECT_EQ(fake.requests().size(), 1u);  // only GET /_ping went out
}

TEST(Engine, TransportFailuresKeepTheirMessage) {
  FakeEngine fake;  // never started: nothing listens
  DockerHost host;
  host.socket_path = fake.dir() + "/docker.sock";
  Engine engine(make_curl_transport(host));
  auto info = engine.info();
  ASSERT_FALSE(info);
  EXPECT_EQ(info.error().kind, EngineErrorKind::transport);
  EXPECT_EQ(info.error().transport_kind, TransportErrorKind::connect);
  EXPECT_EQ(info.error().describe(), "cannot connect to the Docker engine at unix://" +
                                         host.socket_path +
                                         ": No such file or directory (is dockerd running?)");
}

TEST(UrlEncode, KeepsOnlyUnreserved) {
  EXPECT_EQ(url_encode("AZaz09-._~"), "AZaz09-._~");
  EXPECT_EQ(url_encode("a b/c?d=e&f"), "a%20b%2Fc%3Fd%3De%26f");
  EXPECT_EQ(url_encode("\xc3\xa9"), "%C3%A9");
}

}  // namespace
}  // namespace stackc::swarm
