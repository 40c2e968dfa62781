// Stack rollback (rollback.h) against the in-memory fake swarm: order, filtering, services
// without a previous spec, services already rolled back, and the outcome of the wait.

#include "backends/swarm/rollback.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "backends/swarm/fake_swarm.h"

namespace stackc::swarm {
namespace {

using nlohmann::json;
using ::testing::ElementsAre;
using testing::FakeSwarm;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

json spec(const std::string& key, const std::string& release) {
  return {{"Name", "rb_" + key},
          {"Labels", {{"com.docker.stack.namespace", "rb"}}},
          {"Mode", {{"Replicated", {{"Replicas", 0}}}}},
          {"TaskTemplate", {{"ContainerSpec", {{"Image", "nginx"}, {"Env", {"R=" + release}}}}}}};
}

class RollbackTest : public ::testing::Test {
 protected:
  // api, web and db at release 1; api and web then updated to release 2 (db has no previous
  // spec).
  void SetUp() override {
    for (const char* key : {"api", "db", "web"}) {
      ASSERT_TRUE(m_engine.create_service(spec(key, "1")));
    }
    for (const char* key : {"api", "web"}) {
      json live = *m_swarm.service(std::string("rb_") + key);
      ASSERT_TRUE(m_engine.update_service(live["ID"].get<std::string>(),
                                          live["Version"]["Index"].get<std::uint64_t>(),
                                          spec(key, "2")));
    }
  }

  std::string release(const std::string& key) {
    return m_swarm.service("rb_" + key)->at("Spec")["TaskTemplate"]["ContainerSpec"]["Env"][0];
  }
  std::string id(const std::string& key) {
    return m_swarm.service("rb_" + key)->at("ID").get<std::string>();
  }
  // The services asked to roll back, by compose name, in order.
  std::vector<std::string> rolled(size_t skip_writes) {
    std::vector<std::string> out;
    auto writes = m_swarm.writes();
    for (size_t i = skip_writes; i < writes.size(); ++i) {
      EXPECT_THAT(writes[i], HasSubstr("rollback=previous"));
      for (const char* key : {"api", "db", "web"}) {
        if (writes[i].find("/services/" + id(key) + "/update") != std::string::npos) {
          out.push_back(key);
        }
      }
    }
    return out;
  }

  FakeSwarm m_swarm;
  Engine m_engine = m_swarm.engine();
  StackRollbackOptions m_options;
  std::vector<std::string> m_lines;
  StackRollbackHooks hooks() {
    StackRollbackHooks hooks;
    hooks.progress = [this](const ServiceReport& report) {
      m_lines.push_back(report.name + ": " + report.line);
    };
    return hooks;
  }
};

TEST(RollbackOrder, RunsTheWavesLastToFirstAndUnlistedNamesFirst) {
  std::vector<std::vector<std::string>> waves = {{"db"}, {"api", "cache"}, {"web"}};
  EXPECT_THAT(rollback_order({"api", "cache", "db", "web", "zz", "aa"}, waves),
              ElementsAre("aa", "zz", "web", "api", "cache", "db"));
  EXPECT_THAT(rollback_order({"web", "api"}, {}), ElementsAre("api", "web"));
}

TEST_F(RollbackTest, RollsEveryServiceWithAPreviousSpecBackInReverseDependsOnOrder) {
  size_t before = m_swarm.writes().size();
  m_options.waves = {{"api"}, {"web"}};  // web depends on api
  auto result = rollback_stack(m_engine, "rb", m_options, hooks());
  ASSERT_TRUE(result) << result.error().message;
  EXPECT_THAT(rolled(before), ElementsAre("web", "api"));
  EXPECT_EQ(release("api"), "R=1");
  EXPECT_EQ(release("web"), "R=1");
  EXPECT_EQ(release("db"), "R=1");
  ASSERT_EQ(result->services.size(), 3u);
  EXPECT_EQ(result->services[0].name, "rb_web");
  EXPECT_EQ(result->services[1].name, "rb_api");
  EXPECT_EQ(result->services[2].name, "rb_db");
  EXPECT_EQ(result->services[2].step, RollbackStep::no_previous_spec);
  ASSERT_TRUE(result->rollback);
  EXPECT_EQ(result->rollback->outcome, WaitOutcome::rolled_back);
  EXPECT_EQ(result->rollback->services[0].state, ServiceState::rolling_back);  // not watched
  EXPECT_THAT(m_lines, ElementsAre("rb_web: rolling back", "rb_api: rolling back"));
}

TEST_F(RollbackTest, WithoutFilesTheOrderIsByName) {
  size_t before = m_swarm.writes().size();
  ASSERT_TRUE(rollback_stack(m_engine, "rb", m_options, hooks()));
  EXPECT_THAT(rolled(before), ElementsAre("api", "web"));
}

TEST_F(RollbackTest, OnlyTheNamedServicesByComposeOrFullName) {
  size_t before = m_swarm.writes().size();
  m_options.services = {"rb_web"};
  ASSERT_TRUE(rollback_stack(m_engine, "rb", m_options, hooks()));
  EXPECT_THAT(rolled(before), ElementsAre("web"));
  EXPECT_EQ(release("api"), "R=2");
  before = m_swarm.writes().size();
  m_options.services = {"api"};
  ASSERT_TRUE(rollback_stack(m_engine, "rb", m_options, hooks()));
  EXPECT_THAT(rolled(before), ElementsAre("api"));
}

TEST_F(RollbackTest, AnUnknownServiceIsRefusedWithTheStacksServicesAndNothingWritten) {
  size_t before = m_swarm.writes().size();
  m_options.services = {"web", "nope"};
  auto result = rollback_stack(m_engine, "rb", m_options, hooks());
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().kind, StackRollbackError::Kind::unknown_service);
  EXPECT_THAT(result.error().message, HasSubstr("nope"));
  EXPECT_THAT(result.error().services, ElementsAre("api", "db", "web"));
  EXPECT_EQ(m_swarm.writes().size(), before);
}

TEST_F(RollbackTest, AServiceWithNoPreviousSpecIsLeftAloneAndNothingIsAsked) {
  size_t before = m_swarm.writes().size();
  m_options.services = {"db"};
  auto result = rollback_stack(m_engine, "rb", m_options, hooks());
  ASSERT_TRUE(result);
  ASSERT_EQ(result->services.size(), 1u);
  EXPECT_EQ(result->services[0].step, RollbackStep::no_previous_spec);
  EXPECT_FALSE(result->rollback);
  EXPECT_EQ(m_swarm.writes().size(), before);
}

TEST_F(RollbackTest, AServiceRolledBackAlreadyIsNotAskedAgain) {
  m_options.services = {"web"};
  ASSERT_TRUE(rollback_stack(m_engine, "rb", m_options, hooks()));
  size_t before = m_swarm.writes().size();
  m_lines.clear();
  m_options.services = {};
  auto again = rollback_stack(m_engine, "rb", m_options, hooks());
  ASSERT_TRUE(again);
  EXPECT_THAT(rolled(before), ElementsAre("api"));  // web stays at release 1
  EXPECT_EQ(release("web"), "R=1");
  EXPECT_EQ(again->services[1].name, "rb_web");
  EXPECT_EQ(again->services[1].step, RollbackStep::already);
  EXPECT_THAT(m_lines, ElementsAre("rb_api: rolling back",
                                   "rb_web: rolling back (already; not asked again)"));
}

TEST_F(RollbackTest, WaitWatchesUntilTheRollbackSettled) {
  m_options.wait = true;
  m_options.wait_options.interval = std::chrono::milliseconds(10);
  m_options.wait_options.default_monitor = std::chrono::milliseconds(0);
  auto result = rollback_stack(m_engine, "rb", m_options, hooks());
  ASSERT_TRUE(result);
  ASSERT_TRUE(result->rollback);
  EXPECT_EQ(result->rollback->outcome, WaitOutcome::rolled_back);
  for (const ServiceReport& report : result->rollback->services) {
    EXPECT_EQ(report.state, ServiceState::rolled_back) << report.name;
  }
}

TEST_F(RollbackTest, ARefusedRequestFailsWithTheEnginesMessageAndTheOthersStillGoBack) {
  m_swarm.fail_update("rb_api");
  m_options.wait = true;
  m_options.wait_options.interval = std::chrono::milliseconds(10);
  m_options.wait_options.default_monitor = std::chrono::milliseconds(0);
  auto result = rollback_stack(m_engine, "rb", m_options, hooks());
  ASSERT_TRUE(result);
  EXPECT_EQ(result->rollback->outcome, WaitOutcome::failed);
  ASSERT_TRUE(result->rollback->error);
  EXPECT_THAT(result->rollback->error->describe(), HasSubstr("raft lost quorum"));
  EXPECT_EQ(release("api"), "R=2");
  EXPECT_EQ(release("web"), "R=1");
}

class CountingLock : public StackLock {
 public:
  std::vector<std::string> calls;
  tl::expected<void, std::string> acquire(const std::string& stack) override {
    calls.push_back("acquire " + stack);
    return {};
  }
  bool renew() override { return true; }
  void release() override { calls.push_back("release"); }
};

TEST_F(RollbackTest, TheLockIsHeldAroundTheRequestsAndNotTakenWhenNothingIsAsked) {
  CountingLock lock;
  StackRollbackHooks with_lock = hooks();
  with_lock.lock = &lock;
  m_options.services = {"db"};
  ASSERT_TRUE(rollback_stack(m_engine, "rb", m_options, with_lock));
  EXPECT_THAT(lock.calls, IsEmpty());
  m_options.services = {};
  ASSERT_TRUE(rollback_stack(m_engine, "rb", m_options, with_lock));
  EXPECT_THAT(lock.calls, ElementsAre("acquire rb", "release"));
}

}  // namespace
}  // namespace stackc::swarm
