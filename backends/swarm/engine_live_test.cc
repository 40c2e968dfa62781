// Live tests against the real engine (the swarm lab in CI): label "integration", binary
// swarm_live_tests. They resolve the endpoint like the docker CLI (DOCKER_HOST, contexts,
// /var/run/docker.sock) and FAIL when no swarm manager answers: nothing is skipped.
// Every object they create has a unique name and the stack namespace label, and is removed.

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <nlohmann/json.hpp>

#include "backends/swarm/curl_transport.h"
#include "backends/swarm/engine.h"

namespace stackc::swarm {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;

std::string unique_stack() {
  auto now = std::chrono::system_clock::now().time_since_epoch();
  return fmt::format(
      "stackc-live-{}-{}", getpid(),
      std::chrono::duration_cast<std::chrono::microseconds>(now).count() % 100000000);
}

class LiveEngine : public ::testing::Test {
 protected:
  void SetUp() override {
    auto host = resolve_docker_host({}, process_env());
    ASSERT_TRUE(host) << host.error();
    auto transport = std::make_unique<CurlTransport>(*host);
    m_transport = transport.get();
    m_engine = std::make_unique<Engine>(std::move(transport));
    auto version = m_engine->negotiate();
    ASSERT_TRUE(version) << "the live tests need a running engine (the swarm lab): "
                         << version.error().describe();
    m_version = *version;
    m_stack = unique_stack();
  }

  Engine& engine() { return *m_engine; }
  json labels() const { return {{std::string(k_namespace_label), m_stack}}; }

  CurlTransport* m_transport = nullptr;
  std::unique_ptr<Engine> m_engine;
  VersionInfo m_version;
  std::string m_stack;
};

std::pair<int, int> numbers(const std::string& version) {
  auto dot = version.find('.');
  return {std::stoi(version.substr(0, dot)), std::stoi(version.substr(dot + 1))};
}

TEST_F(LiveEngine, NegotiatesTheLowerOfBothVersions) {
  auto engine_api = numbers(m_version.engine_api);
  auto ours = numbers(std::string(k_max_api_version));
  auto expected = std::min(engine_api, ours);
  EXPECT_EQ(numbers(m_version.api_version), expected) << "engine API " << m_version.engine_api;
  EXPECT_FALSE(m_version.engine_version.empty());
}

TEST_F(LiveEngine, IsASwarmManagerWithNodes) {
  auto info = engine().require_swarm_manager();
  ASSERT_TRUE(info) << info.error().describe();
  EXPECT_FALSE((*info)["ID"].get<std::string>().empty());
  auto nodes = engine().list_nodes();
  ASSERT_TRUE(nodes) << nodes.error().describe();
  ASSERT_GE(nodes->size(), 1u);
  bool leader = false;
  for (const auto& node : *nodes) {
    leader |= node.contains("ManagerStatus") && node["ManagerStatus"].value("Leader", false);
  }
  EXPECT_TRUE(leader);
  // A fresh namespace has no tasks or services.
  auto tasks = engine().list_tasks(namespace_filter(m_stack));
  ASSERT_TRUE(tasks) << tasks.error().describe();
  EXPECT_TRUE(tasks->empty());
  auto services = engine().list_services(namespace_filter(m_stack));
  ASSERT_TRUE(services) << services.error().describe();
  EXPECT_TRUE(services->empty());
}

TEST_F(LiveEngine, NetworkLifecycle) {
  std::string name = m_stack + "_default";
  json spec = {
      {"Name", name}, {"Driver", "overlay"}, {"CheckDuplicate", true}, {"Labels", labels()}};
  auto created = engine().create_network(spec);
  ASSERT_TRUE(created) << created.error().describe();
  ASSERT_FALSE(created->id.empty());

  auto inspected = engine().inspect_network(created->id);
  ASSERT_TRUE(inspected) << inspected.error().describe();
  EXPECT_EQ((*inspected)["Name"], name);
  EXPECT_EQ((*inspected)["Scope"], "swarm");
  EXPECT_EQ((*inspected)["Labels"][std::string(k_namespace_label)], m_stack);

  auto listed = engine().list_networks(namespace_filter(m_stack));
  ASSERT_TRUE(listed) << listed.error().describe();
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ((*listed)[0]["Id"], created->id);

  auto again = engine().create_network(spec);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().kind, EngineErrorKind::conflict) << again.error().describe();
  EXPECT_THAT(again.error().message, HasSubstr(name));

  ASSERT_TRUE(engine().remove_network(created->id));
  auto gone = engine().inspect_network(created->id);
  ASSERT_FALSE(gone);
  EXPECT_EQ(gone.error().kind, EngineErrorKind::not_found) << gone.error().describe();
  auto none = engine().list_networks(namespace_filter(m_stack));
  ASSERT_TRUE(none);
  EXPECT_TRUE(none->empty());
}

TEST_F(LiveEngine, SecretLifecycleAndStaleVersion) {
  std::string name = m_stack + "_password";
  json spec = {{"Name", name}, {"Labels", labels()}, {"Data", "aHVudGVyMg=="}};
  auto created = engine().create_secret(spec);
  ASSERT_TRUE(created) << created.error().describe();
  // From here on, remove the secret even when an assertion fails.
  struct Cleanup {
    Engine& engine;
    std::string id;
    ~Cleanup() { static_cast<void>(engine.remove_secret(id)); }
  } cleanup{engine(), created->id};

  auto inspected = engine().inspect_secret(name);  // by name, as deploy does
  ASSERT_TRUE(inspected) << inspected.error().describe();
  EXPECT_EQ((*inspected)["ID"], created->id);
  EXPECT_FALSE((*inspected)["Spec"].contains("Data"));  // the engine never returns secret data
  std::uint64_t version = (*inspected)["Version"]["Index"].get<std::uint64_t>();

  json relabelled = (*inspected)["Spec"];
  relabelled["Labels"]["stackc.test"] = "1";
  ASSERT_TRUE(engine().update_secret(created->id, version, relabelled));

  // The same, now stale, version index: what a concurrent deploy would hit.
  relabelled["Labels"]["stackc.test"] = "2";
  auto stale = engine().update_secret(created->id, version, relabelled);
  ASSERT_FALSE(stale);
  EXPECT_EQ(stale.error().kind, EngineErrorKind::out_of_sequence) << stale.error().describe();
  EXPECT_TRUE(stale.error().retryable());

  auto listed = engine().list_secrets(namespace_filter(m_stack));
  ASSERT_TRUE(listed) << listed.error().describe();
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ((*listed)[0]["Spec"]["Labels"]["stackc.test"], "1");

  auto duplicate = engine().create_secret(spec);
  ASSERT_FALSE(duplicate);
  EXPECT_EQ(duplicate.error().kind, EngineErrorKind::conflict) << duplicate.error().describe();

  ASSERT_TRUE(engine().remove_secret(created->id));
  auto gone = engine().inspect_secret(created->id);
  ASSERT_FALSE(gone);
  EXPECT_EQ(gone.error().kind, EngineErrorKind::not_found) << gone.error().describe();
}

TEST_F(LiveEngine, OneConnectionForManyCalls) {
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(engine().info());
    ASSERT_TRUE(engine().list_networks(namespace_filter(m_stack)));
  }
  EXPECT_EQ(m_transport->connections_opened(), 1);
}

}  // namespace
}  // namespace stackc::swarm
