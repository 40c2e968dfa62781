// Field origins: stack files through the real front end and convert, then the planner's
// changes against a live spec that differs in one place, checked for the compose path and the
// file:line that set the field.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>

#include "backends/swarm/convert.h"
#include "backends/swarm/live.h"
#include "backends/swarm/plan.h"
#include "compiler/interpolate.h"
#include "compiler/load.h"

namespace stackc::swarm {
namespace {

using nlohmann::json;

using Files = std::vector<std::pair<std::string, std::string>>;

// `files` written to a fresh folder and loaded as one -c stack, converted as "st".
class Stack {
 public:
  explicit Stack(const Files& files) {
    static int counter = 0;
    m_dir = std::filesystem::temp_directory_path() /
            ("stackc-origins-test-" + std::to_string(::getpid()) + "-" + std::to_string(++counter));
    std::filesystem::create_directories(m_dir);
    LoadOptions options;
    for (const auto& [name, text] : files) {
      std::ofstream(m_dir / name, std::ios::binary) << text;
      if (name.ends_with(".yml")) {  // the others are secret files
        options.files.push_back((m_dir / name).string());
      }
    }
    MapEnv env;
    options.env = &env;
    auto stack = load_stack(options, m_sources, m_diags);
    if (!stack) {
      std::string messages;
      for (const Diagnostic& d : m_diags.items()) {
        messages += std::to_string(d.loc.line) + ": " + d.message + "\n";
      }
      ADD_FAILURE() << "front end failed:\n" << messages;
      return;
    }
    auto converted = convert_stack(*stack, ConvertOptions{"st"}, m_diags);
    if (!converted) {
      ADD_FAILURE() << converted.error();
      return;
    }
    desired = std::move(*converted);
  }
  ~Stack() {
    std::error_code ignored;
    std::filesystem::remove_all(m_dir, ignored);
  }
  std::string file(const std::string& name) const { return (m_dir / name).string(); }

  const DesiredService& service(const std::string& key) const {
    for (const DesiredService& service : desired.services) {
      if (service.key == key) {
        return service;
      }
    }
    throw std::runtime_error("no service " + key);
  }

  // The planner's changes when the live spec is the desired one edited by `edit`.
  std::vector<FieldChange> changes(const std::string& key,
                                   const std::function<void(json&)>& edit) const {
    const DesiredService& wanted = service(key);
    json live_spec = json::parse(wanted.spec_json);
    edit(live_spec);
    LiveObject live =
        live_object_from({{"ID", "x"}, {"Version", {{"Index", 1}}}, {"Spec", live_spec}});
    return plan_service(wanted, wanted.spec_json, &live, {}).changes;
  }

  DesiredStack desired;

 private:
  std::filesystem::path m_dir;
  SourceManager m_sources;
  Diagnostics m_diags;
};

const char* const k_base = R"(version: "3.9"
services:
  web:
    image: nginx:1.19
    environment:
      ZED: "1"
      ALPHA: "2"
    ports:
      - "8080:80"
      - "53:53/udp"
    deploy:
      replicas: 2
      placement:
        constraints: [node.role == worker, node.labels.zone == a]
      update_config:
        delay: 5s
)";

const char* const k_override = R"(version: "3.9"
# the release
services:
  web:
    image: nginx:1.21
)";

std::string where(const FieldChange& change) {
  return change.origin.compose_path + " " + change.origin.file + ":" +
         std::to_string(change.origin.line) + " " + change.origin.derived;
}

TEST(FieldOrigins, TheImageIsSetByTheOverrideFileThatWonTheMerge) {
  Stack stack(Files{{"base.yml", k_base}, {"release.yml", k_override}});
  auto changes = stack.changes(
      "web", [](json& live) { live["TaskTemplate"]["ContainerSpec"]["Image"] = "nginx:1.19"; });
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(changes[0].path, "TaskTemplate.ContainerSpec.Image");
  EXPECT_EQ(changes[0].origin.compose_path, "services.web.image");
  EXPECT_EQ(changes[0].origin.file, stack.file("release.yml"));
  EXPECT_EQ(changes[0].origin.line, 5u);
}

TEST(FieldOrigins, EnvironmentEntriesAreFoundInTheSortedList) {
  Stack stack(Files{{"base.yml", k_base}});
  // Sorted, Env is ["ALPHA=2", "ZED=1"]: ZED's value is the second element.
  auto changes = stack.changes("web", [](json& live) {
    live["TaskTemplate"]["ContainerSpec"]["Env"] = {"ALPHA=2", "ZED=0"};
  });
  ASSERT_EQ(changes.size(), 1u) << changes[0].path;
  EXPECT_EQ(changes[0].path, "TaskTemplate.ContainerSpec.Env[1]");
  EXPECT_EQ(where(changes[0]), "services.web.environment.ZED " + stack.file("base.yml") + ":6 ");
}

TEST(FieldOrigins, PortsAndConstraintsFollowThePlannersOrder) {
  Stack stack(Files{{"base.yml", k_base}});
  // Sent by published port (53/udp first); compared in the planner's order (tcp 8080 first).
  auto ports = stack.changes("web", [](json& live) {
    for (json& port : live["EndpointSpec"]["Ports"]) {
      if (port["TargetPort"] == 80) {
        port["PublishedPort"] = 8081;
      }
    }
  });
  ASSERT_EQ(ports.size(), 1u);
  EXPECT_EQ(ports[0].path, "EndpointSpec.Ports[0].PublishedPort");
  EXPECT_EQ(where(ports[0]), "services.web.ports[0] " + stack.file("base.yml") + ":9 ");

  // Sorted, the constraints are [labels.zone, role]: the role one is written first.
  auto constraints = stack.changes("web", [](json& live) {
    live["TaskTemplate"]["Placement"]["Constraints"] = {"node.labels.zone == a",
                                                        "node.role == manager"};
  });
  ASSERT_EQ(constraints.size(), 1u);
  EXPECT_EQ(constraints[0].path, "TaskTemplate.Placement.Constraints[1]");
  EXPECT_EQ(constraints[0].origin.compose_path, "services.web.deploy.placement.constraints[0]");
  EXPECT_EQ(constraints[0].origin.line, 14u);
}

TEST(FieldOrigins, FieldsNoLineSetsAreDerivedOrEngineDefaults) {
  Stack stack(Files{{"base.yml", k_base}});
  auto changes = stack.changes("web", [](json& live) {
    live["Labels"]["com.docker.stack.namespace"] = "other";
    live["TaskTemplate"]["Networks"][0]["Aliases"] = {"web", "www"};
    live["UpdateConfig"]["Order"] = "start-first";              // the file sets no order
    live["TaskTemplate"]["ContainerSpec"]["Hostname"] = "old";  // nor a hostname
  });
  std::map<std::string, std::string> by_path;
  for (const FieldChange& change : changes) {
    by_path[change.path] = where(change);
  }
  EXPECT_EQ(by_path["Labels[\"com.docker.stack.namespace\"]"],
            "services.web :0 the stack's namespace label");
  EXPECT_EQ(by_path["TaskTemplate.Networks[0].Aliases"],
            "services.web :0 the stack's default network");
  EXPECT_EQ(by_path["UpdateConfig.Order"], " :0 engine default");
  EXPECT_EQ(by_path["TaskTemplate.ContainerSpec.Hostname"], " :0 not set in the files");
  EXPECT_EQ(changes.size(), 4u);
}

TEST(FieldOrigins, AnAliasOfTheServiceNameIsTheReferences) {
  Stack stack(Files{{"base.yml", R"(version: "3.9"
services:
  api:
    image: nginx
    networks:
      back:
        aliases: [zz-api]
networks:
  back: {}
)"}});
  auto changes = stack.changes("api", [](json& live) {
    live["TaskTemplate"]["Networks"][0]["Aliases"] = {"old", "zz-api"};
  });
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(changes[0].path, "TaskTemplate.Networks[0].Aliases[0]");
  EXPECT_EQ(changes[0].origin.derived, "the reference's alias: the service's own name");
  EXPECT_EQ(changes[0].origin.compose_path, "services.api.networks.back");
}

// Every path the recorder names exists in the converted spec, so that a change of convert's
// layout cannot leave the origins pointing nowhere.
json::json_pointer pointer_of(const std::string& path) {
  std::string pointer;
  size_t i = 0;
  while (i < path.size()) {
    if (path[i] == '.') {
      ++i;
    }
    if (path.compare(i, 2, "[\"") == 0) {
      size_t end = path.find("\"]", i);
      pointer += "/" + path.substr(i + 2, end - i - 2);
      i = end + 2;
    } else if (path[i] == '[') {
      size_t end = path.find(']', i);
      pointer += "/" + path.substr(i + 1, end - i - 1);
      i = end + 1;
    } else {
      size_t end = path.find_first_of(".[", i);
      end = end == std::string::npos ? path.size() : end;
      pointer += "/" + path.substr(i, end - i);
      i = end;
    }
  }
  return json::json_pointer(pointer);
}

TEST(FieldOrigins, EveryRecordedPathIsInTheSpec) {
  Stack stack(Files{{"base.yml", R"(version: "3.9"
services:
  web:
    image: nginx:1.19
    command: [nginx, -g, daemon off;]
    entrypoint: [/docker-entrypoint.sh]
    hostname: web
    user: "101"
    working_dir: /srv
    init: true
    stop_signal: SIGQUIT
    stop_grace_period: 20s
    read_only: true
    labels: [com.example.role=front]
    environment: [A=1]
    extra_hosts: ["db:10.0.0.2"]
    dns: [10.0.0.1]
    cap_add: [NET_ADMIN]
    sysctls: {net.core.somaxconn: "1024"}
    ulimits: {nofile: {soft: 1024, hard: 2048}}
    volumes: [data:/data]
    secrets: [s1]
    configs: [c1]
    healthcheck: {test: [CMD, "true"], interval: 10s, retries: 2}
    logging: {driver: json-file, options: {max-size: 1m}}
    networks: {back: {aliases: [w]}}
    ports: ["80:80"]
    deploy:
      mode: replicated
      replicas: 2
      endpoint_mode: vip
      labels: [com.example.tier=web]
      resources: {limits: {cpus: "0.5", memory: 64M}, reservations: {memory: 32M}}
      restart_policy: {condition: on-failure, delay: 5s, max_attempts: 3, window: 1m}
      placement: {constraints: [node.role == worker], max_replicas_per_node: 1,
                  preferences: [spread: node.labels.zone]}
      update_config: {parallelism: 2, delay: 1s, order: start-first}
      rollback_config: {monitor: 2s}
networks: {back: {}}
volumes: {data: {}}
secrets: {s1: {file: ./s1.txt}}
configs: {c1: {file: ./s1.txt}}
)"},
                    {"s1.txt", "x"}});
  const DesiredService& web = stack.service("web");
  json spec = json::parse(web.spec_json);
  EXPECT_GT(web.origins.size(), 50u);
  for (const FieldOrigin& origin : web.origins) {
    EXPECT_TRUE(spec.contains(pointer_of(origin.spec_path))) << origin.spec_path;
    EXPECT_TRUE(origin.origin.compose_path.rfind("services.web", 0) == 0) << origin.spec_path;
    EXPECT_TRUE(origin.origin.line > 0 || !origin.origin.derived.empty()) << origin.spec_path;
  }
  EXPECT_EQ(web.origin.compose_path, "services.web");
  EXPECT_EQ(web.origin.line, 3u);
  ASSERT_EQ(stack.desired.secrets.size(), 1u);
  EXPECT_EQ(stack.desired.secrets[0].origin.compose_path, "secrets.s1.file");
  EXPECT_EQ(stack.desired.secrets[0].origin.line, 41u);
}

TEST(FindOrigin, LongestCoveringPathWinsAndBlocksDoNotCoverTheirChildren) {
  Origins origins = {
      {"UpdateConfig", {"services.a.deploy.update_config", "f", 3, ""}, false},
      {"UpdateConfig.Delay", {"services.a.deploy.update_config.delay", "f", 4, ""}, true},
      {"TaskTemplate.ContainerSpec.Env", {"services.a.environment", "f", 5, ""}, true},
      {"TaskTemplate.ContainerSpec.Env[0]", {"services.a.environment.A", "f", 6, ""}, true},
  };
  EXPECT_EQ(find_origin(origins, "UpdateConfig.Delay")->origin.line, 4u);
  EXPECT_EQ(find_origin(origins, "UpdateConfig.Order"), nullptr);
  EXPECT_EQ(find_origin(origins, "UpdateConfig")->origin.line, 3u);
  EXPECT_EQ(find_origin(origins, "TaskTemplate.ContainerSpec.Env[0]")->origin.line, 6u);
  EXPECT_EQ(find_origin(origins, "TaskTemplate.ContainerSpec.Env[3]")->origin.line, 5u);
  // A path merely starting with a recorded one is not below it.
  EXPECT_EQ(find_origin(origins, "TaskTemplate.ContainerSpec.EnvX"), nullptr);
  // A whole object added: the first recorded field below it.
  EXPECT_EQ(find_origin(origins, "TaskTemplate")->origin.line, 5u);
}

}  // namespace
}  // namespace stackc::swarm
