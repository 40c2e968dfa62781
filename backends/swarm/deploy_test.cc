// The deploy policy (deploy.h) against the in-memory fake swarm, without the CLI: what is
// written when, what the result lists, and the seams (observer, cancel, lock, preflight).

#include "backends/swarm/deploy.h"

#include <fmt/format.h>
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

// replicas: 0 services converge at once in the fake swarm (it has no tasks).
std::string service_spec(const std::string& key, const std::string& release,
                         const std::vector<std::string>& networks) {
  json attachments = json::array();
  for (const std::string& network : networks) {
    attachments.push_back({{"Target", "dep_" + network}, {"Aliases", {key}}});
  }
  json spec = {
      {"Name", "dep_" + key},
      {"Labels", {{"com.docker.stack.namespace", "dep"}, {"com.docker.stack.image", "nginx"}}},
      {"Mode", {{"Replicated", {{"Replicas", 0}}}}},
      {"TaskTemplate",
       {{"ContainerSpec", {{"Image", "nginx"}, {"Env", {"RELEASE=" + release}}}},
        {"Networks", attachments}}}};
  return spec.dump();
}

DesiredNetwork network(const std::string& key) {
  json spec = {{"Name", "dep_" + key},
               {"Driver", "overlay"},
               {"Labels", {{"com.docker.stack.namespace", "dep"}}}};
  return {key, "dep_" + key, false, spec.dump()};
}

DesiredService service(const std::string& key, const std::string& release,
                       std::vector<std::string> deps = {},
                       const std::vector<std::string>& networks = {"default"}) {
  return {key, "dep_" + key, std::move(deps), "nginx", service_spec(key, release, networks)};
}

// v1: api <- web (depends_on) and old. v2 updates api (with a new network) and web, drops old.
DesiredStack v1() {
  DesiredStack stack;
  stack.stack = "dep";
  stack.networks = {network("default")};
  stack.services = {service("api", "1"), service("old", "1"), service("web", "1", {"api"})};
  return stack;
}
DesiredStack v2() {
  DesiredStack stack;
  stack.stack = "dep";
  stack.networks = {network("default"), network("extra")};
  stack.services = {service("api", "2", {}, {"default", "extra"}), service("web", "2", {"api"})};
  return stack;
}
DesiredStack v1_without_old() {
  DesiredStack stack = v1();
  stack.services.erase(stack.services.begin() + 1);
  return stack;
}

// Every event as one line, in order.
class Recorder : public DeployObserver {
 public:
  std::vector<std::string> events;
  void plan_ready(const Plan& plan, const std::vector<std::string>&) override {
    events.push_back(fmt::format(
        "plan {}",
        plan.count(Action::create) + plan.count(Action::update) + plan.count(Action::remove)));
  }
  void write_started(ObjectKind kind, Action action, const std::string& name) override {
    events.push_back(fmt::format("start {} {} {}", to_string(action), to_string(kind), name));
  }
  void write_done(const ApplyEvent& event) override {
    events.push_back(fmt::format("{} {} {} {}", event.ok ? "done" : "failed",
                                 to_string(event.action), to_string(event.kind), event.name));
  }
  void wait_started(size_t services, std::chrono::milliseconds) override {
    events.push_back(fmt::format("wait {}", services));
  }
  void service_progress(const ServiceReport& report) override {
    events.push_back(fmt::format("progress {} {}", report.name, to_string(report.state)));
  }
  void stopped(const DeployResult& result) override {
    events.push_back(fmt::format("stopped{}", result.rolling_back ? " rolling back" : ""));
  }
  void rollback_started(const std::string& stack) override {
    events.push_back("rollback " + stack);
  }
  size_t index(const std::string& event) const {
    auto at = std::find(events.begin(), events.end(), event);
    EXPECT_NE(at, events.end()) << event << " in " << ::testing::PrintToString(events);
    return static_cast<size_t>(at - events.begin());
  }
};

std::vector<std::string> names(const std::vector<ObjectRef>& objects) {
  std::vector<std::string> out;
  for (const ObjectRef& object : objects) {
    out.push_back(fmt::format("{} {}", to_string(object.kind), object.name));
  }
  return out;
}

class DeployPolicy : public ::testing::Test {
 protected:
  DeployOptions options(bool wait = false, bool rollback = false) {
    DeployOptions out;
    out.prune = true;
    out.resolve_image = ResolveImage::never;
    out.parallel = 1;
    out.wait = wait;
    out.rollback = rollback;
    out.wait_options.timeout = std::chrono::seconds(20);
    out.wait_options.interval = std::chrono::milliseconds(5);
    out.wait_options.default_monitor = std::chrono::milliseconds(10);
    return out;
  }
  tl::expected<DeployResult, DeployError> run(DesiredStack desired, const DeployOptions& options,
                                              const DeployHooks& hooks = {}) {
    Engine engine = m_swarm.engine();
    return deploy(engine, m_swarm.factory(), std::move(desired), options, hooks);
  }
  size_t count(const std::string& prefix) {
    size_t n = 0;
    for (const std::string& write : m_swarm.writes()) {
      n += write.rfind(prefix, 0) == 0;
    }
    return n;
  }

  FakeSwarm m_swarm;
};

TEST_F(DeployPolicy, ListsWhatWasCreatedUpdatedRemovedAndLeftAlone) {
  auto first = run(v1(), options());
  ASSERT_TRUE(first);
  EXPECT_EQ(first->outcome, DeployOutcome::deployed);
  EXPECT_THAT(names(first->created), ElementsAre("network dep_default", "service dep_api",
                                                 "service dep_old", "service dep_web"));
  EXPECT_THAT(first->updated, IsEmpty());

  auto second = run(v2(), options());
  ASSERT_TRUE(second);
  EXPECT_EQ(second->outcome, DeployOutcome::deployed);
  EXPECT_THAT(names(second->created), ElementsAre("network dep_extra"));
  EXPECT_THAT(names(second->updated), ElementsAre("service dep_api", "service dep_web"));
  EXPECT_THAT(names(second->unchanged), ElementsAre("network dep_default"));
  EXPECT_THAT(names(second->removed), ElementsAre("service dep_old"));
  EXPECT_THAT(second->not_done, IsEmpty());
  EXPECT_FALSE(m_swarm.service("dep_old").has_value());

  auto third = run(v2(), options());
  ASSERT_TRUE(third);
  EXPECT_EQ(third->changes(), 0u);
  EXPECT_EQ(third->unchanged.size(), 4u);
}

TEST_F(DeployPolicy, ADryRunWritesNothing) {
  Recorder recorder;
  auto result = run(v1(),
                    [&] {
                      DeployOptions o = options(true);
                      o.dry_run = true;
                      return o;
                    }(),
                    {&recorder});
  ASSERT_TRUE(result);
  EXPECT_EQ(result->outcome, DeployOutcome::planned);
  EXPECT_EQ(result->plan.count(Action::create), 4u);
  EXPECT_THAT(m_swarm.writes(), IsEmpty());
  EXPECT_THAT(recorder.events, ElementsAre("plan 4"));
}

TEST_F(DeployPolicy, RemovalsWaitForConvergence) {
  ASSERT_TRUE(run(v1(), options()));
  Recorder recorder;
  auto result = run(v2(), options(true), {&recorder});
  ASSERT_TRUE(result);
  EXPECT_EQ(result->outcome, DeployOutcome::deployed);
  ASSERT_TRUE(result->wait);
  EXPECT_EQ(result->wait->outcome, WaitOutcome::converged);
  // Both services converged before the removal started.
  size_t removal = recorder.index("start remove service dep_old");
  EXPECT_LT(recorder.index("wait 2"), removal);
  EXPECT_LT(recorder.index("progress dep_api converged"), removal);
  EXPECT_LT(recorder.index("progress dep_web converged"), removal);
  EXPECT_LT(recorder.index("done update service dep_web"), recorder.index("wait 2"));
  EXPECT_THAT(names(result->removed), ElementsAre("service dep_old"));
  EXPECT_FALSE(m_swarm.service("dep_old").has_value());
}

TEST_F(DeployPolicy, APausedServiceIsWatchedAndItsFailureKeepsTheRemovals) {
  ASSERT_TRUE(run(v1(), options()));
  m_swarm.pause("dep_api");  // an earlier rollout of these files failed: api is unchanged now
  for (bool rollback : {false, true}) {
    auto result = run(v1_without_old(), options(true, rollback));
    ASSERT_TRUE(result);
    EXPECT_EQ(result->outcome, DeployOutcome::not_converged);
    EXPECT_THAT(names(result->unchanged), ::testing::Contains("service dep_api"));
    ASSERT_TRUE(result->wait);
    EXPECT_EQ(result->wait->outcome, WaitOutcome::failed);
    ASSERT_EQ(result->wait->services.size(), 1u);
    EXPECT_EQ(result->wait->services[0].name, "dep_api");
    EXPECT_THAT(result->wait->services[0].reason, HasSubstr("service update paused"));
    EXPECT_THAT(names(result->skipped_removals), ElementsAre("service dep_old"));
    EXPECT_FALSE(result->rollback);  // this deploy changed nothing: nothing to roll back
    EXPECT_TRUE(m_swarm.service("dep_old").has_value());
  }
  EXPECT_EQ(count("POST /services/") - count("POST /services/create"), 0u);
}

TEST_F(DeployPolicy, AFailedWriteIsRolledBackAndWhatItCreatedRemoved) {
  ASSERT_TRUE(run(v1(), options()));
  json api_v1 = m_swarm.service("dep_api")->at("Spec");
  json web_v1 = m_swarm.service("dep_web")->at("Spec");
  m_swarm.fail_update("dep_web");
  Recorder recorder;
  auto result = run(v2(), options(true, true), {&recorder});
  ASSERT_TRUE(result);
  EXPECT_EQ(result->outcome, DeployOutcome::rolled_back);
  ASSERT_TRUE(result->write_error);
  EXPECT_THAT(result->write_error->describe(), HasSubstr("raft lost quorum"));
  EXPECT_THAT(names(result->created), ElementsAre("network dep_extra"));
  EXPECT_THAT(names(result->updated), ElementsAre("service dep_api"));
  EXPECT_THAT(names(result->not_done), ElementsAre("service dep_web", "service dep_old"));
  EXPECT_THAT(names(result->skipped_removals), ElementsAre("service dep_old"));
  ASSERT_TRUE(result->rollback);
  EXPECT_EQ(result->rollback->outcome, WaitOutcome::rolled_back);
  EXPECT_FALSE(result->rollback_removal_failed);
  EXPECT_LT(recorder.index("stopped rolling back"), recorder.index("rollback dep"));
  EXPECT_LT(recorder.index("rollback dep"), recorder.index("done remove network dep_extra"));

  EXPECT_EQ(m_swarm.service("dep_api")->at("Spec"), api_v1);
  EXPECT_EQ(m_swarm.service("dep_web")->at("Spec"), web_v1);
  EXPECT_FALSE(m_swarm.has_network("dep_extra"));
  EXPECT_TRUE(m_swarm.service("dep_old").has_value());
  EXPECT_EQ(count("DELETE /services/"), 0u);
}

TEST_F(DeployPolicy, AFailedWriteWithoutRollbackIsLeftForARerun) {
  ASSERT_TRUE(run(v1(), options()));
  m_swarm.fail_update("dep_web");
  auto result = run(v2(), options(true));
  ASSERT_TRUE(result);
  EXPECT_EQ(result->outcome, DeployOutcome::write_failed);
  EXPECT_EQ(result->changes(), 2u);
  EXPECT_FALSE(result->rollback);
  EXPECT_TRUE(m_swarm.has_network("dep_extra"));
  EXPECT_TRUE(m_swarm.service("dep_old").has_value());
  auto again = run(v2(), options(true));
  ASSERT_TRUE(again);
  EXPECT_EQ(again->outcome, DeployOutcome::deployed);
  EXPECT_THAT(names(again->updated), ElementsAre("service dep_web"));
  EXPECT_FALSE(m_swarm.service("dep_old").has_value());
}

TEST_F(DeployPolicy, ACancelFinishesTheWriteInFlightAndListsWhatWasNotDone) {
  CancelToken cancel;
  // Cancelled as the first write completes: nothing after it starts.
  class CancelOnFirstWrite : public Recorder {
   public:
    explicit CancelOnFirstWrite(CancelToken& token) : m_token(token) {}
    void write_done(const ApplyEvent& event) override {
      Recorder::write_done(event);
      m_token.cancel();
    }

   private:
    CancelToken& m_token;
  } observer(cancel);
  DeployHooks hooks;
  hooks.observer = &observer;
  hooks.cancel = &cancel;
  auto result = run(v1(), options(true), hooks);
  ASSERT_TRUE(result);
  EXPECT_EQ(result->outcome, DeployOutcome::cancelled);
  EXPECT_THAT(names(result->created), ElementsAre("network dep_default"));
  EXPECT_THAT(names(result->not_done),
              ElementsAre("service dep_api", "service dep_old", "service dep_web"));
  EXPECT_THAT(m_swarm.writes(), ElementsAre("POST /networks/create"));
  EXPECT_FALSE(result->wait);
}

// Records the lock's calls; can refuse to be taken.
class FakeLock : public StackLock {
 public:
  std::vector<std::string> calls;
  bool refuse = false;
  tl::expected<void, std::string> acquire(const std::string& stack) override {
    calls.push_back("acquire " + stack);
    if (refuse) {
      return tl::unexpected(std::string("stack dep is being deployed by someone else"));
    }
    return {};
  }
  bool renew() override {
    if (calls.back() != "renew") {
      calls.push_back("renew");
    }
    return true;
  }
  void release() override { calls.push_back("release"); }
};

TEST_F(DeployPolicy, TheLockIsHeldAroundTheWritesAndReleasedAfterAFailure) {
  FakeLock lock;
  DeployHooks hooks;
  hooks.lock = &lock;
  DeployOptions dry = options();
  dry.dry_run = true;
  ASSERT_TRUE(run(v1(), dry, hooks));
  EXPECT_THAT(lock.calls, IsEmpty());  // a dry run writes nothing

  ASSERT_TRUE(run(v1(), options()));
  m_swarm.fail_update("dep_web");
  auto failed = run(v2(), options(), hooks);
  ASSERT_TRUE(failed);
  EXPECT_EQ(failed->outcome, DeployOutcome::write_failed);
  EXPECT_THAT(lock.calls, ElementsAre("acquire dep", "renew", "release"));

  lock.calls.clear();
  lock.refuse = true;
  const size_t writes = m_swarm.writes().size();
  auto refused = run(v2(), options(), hooks);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().kind, DeployError::Kind::lock);
  EXPECT_THAT(refused.error().problems[0].message, HasSubstr("someone else"));
  EXPECT_THAT(lock.calls, ElementsAre("acquire dep"));
  EXPECT_EQ(m_swarm.writes().size(), writes);
}

TEST_F(DeployPolicy, ThePreflightHookRefusesBeforeAnyWriteAndItsWarningsPassThrough) {
  SourceFile file("stack.yml", "services:\n  web:\n    image: nginx\n");
  DeployHooks hooks;
  bool refuse = true;
  hooks.preflight = [&](const DesiredStack& desired, const LiveStack&, const Plan& plan,
                        std::vector<PreflightProblem>& out) {
    EXPECT_EQ(desired.services.size(), 3u);
    EXPECT_EQ(plan.count(Action::create), 4u);
    out.push_back({false, "a warning", {}});
    if (refuse) {
      out.push_back({true, "no node can ever take a task of service web", {&file, 2, 3}});
    }
  };
  auto refused = run(v1(), options(), hooks);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().kind, DeployError::Kind::preflight);
  ASSERT_EQ(refused.error().problems.size(), 1u);
  EXPECT_EQ(describe(refused.error().problems[0]),
            "stack.yml:2:3: no node can ever take a task of service web");
  EXPECT_THAT(m_swarm.writes(), IsEmpty());

  refuse = false;
  auto result = run(v1(), options(), hooks);
  ASSERT_TRUE(result);
  EXPECT_THAT(result->warnings, ::testing::Contains("a warning"));
  EXPECT_EQ(result->created.size(), 4u);
}

}  // namespace
}  // namespace stackc::swarm
