#include "backends/swarm/wait.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fmt/format.h>

#include <map>
#include <mutex>
#include <nlohmann/json.hpp>

#include "backends/swarm/curl_transport.h"
#include "backends/swarm/fake_engine.h"

namespace stackc::swarm {
namespace {

using nlohmann::json;
using ::testing::AllOf;
using ::testing::Contains;
using ::testing::ElementsAre;
using testing::FakeEngine;
using ::testing::HasSubstr;
using ::testing::Not;

json task(const std::string& id, int slot, const std::string& desired, const std::string& state,
          const std::string& err = "", const std::string& node = "n1",
          const std::string& time = "2026-01-01T00:00:00Z") {
  json status = {{"State", state}, {"Timestamp", time}};
  if (!err.empty()) {
    status["Err"] = err;
  }
  return {
      {"ID", id}, {"Slot", slot}, {"NodeID", node}, {"DesiredState", desired}, {"Status", status}};
}

json running(const std::string& id, int slot, const std::string& node = "n1") {
  return task(id, slot, "running", "running", "", node);
}

// One answer of the swarm: the service's UpdateStatus (null: none) and its up-to-date tasks.
struct Frame {
  json update_status;
  json tasks = json::array();
};

json status(const std::string& state, const std::string& message = "") {
  return {{"State", state}, {"Message", message}};
}

// A scripted swarm behind the fake engine. Each GET /services/{id} serves the next frame of
// the service's script (the last one repeats); GET /tasks answers the tasks of the frame the
// last inspect served. A rollback request switches the service to its rollback script.
class ScriptedSwarm {
 public:
  struct Service {
    std::string id;
    json spec;
    json previous_spec;
    std::uint64_t version = 10;
    std::vector<Frame> script;
    std::vector<Frame> rollback_script;
    size_t at = 0;
    bool removed = false;
    int races = 0;  // rollback requests answered "update out of sequence" first
  };

  ScriptedSwarm() {
    m_fake.serve_version();
    auto& server = m_fake.server();
    server.Get("/v1.41/nodes", [this](const httplib::Request&, httplib::Response& r) {
      std::lock_guard lock(m_mutex);
      r.set_content(m_nodes.dump(), "application/json");
    });
    server.Get(R"(/v1.41/services/([^/]+))",
               [this](const httplib::Request& request, httplib::Response& r) {
                 std::lock_guard lock(m_mutex);
                 Service* service = find(request.matches[1]);
                 if (!service) {
                   reply(r, 404, {{"message", "service not found"}});
                   return;
                 }
                 r.set_content(serve(*service).dump(), "application/json");
               });
    // The wait asks for the services it already knows in one list by ID.
    server.Get("/v1.41/services", [this](const httplib::Request& request, httplib::Response& r) {
      std::lock_guard lock(m_mutex);
      json filters = json::parse(request.get_param_value("filters"));
      json list = json::array();
      for (const std::string id : filters.value("id", json::array())) {
        if (Service* service = find(id)) {
          list.push_back(serve(*service));
        }
      }
      r.set_content(list.dump(), "application/json");
    });
    server.Get("/v1.41/tasks", [this](const httplib::Request& request, httplib::Response& r) {
      std::lock_guard lock(m_mutex);
      json filters = json::parse(request.get_param_value("filters"));
      if (!filters.contains("_up-to-date") || !filters.contains("service")) {
        reply(r, 400, {{"message", "the test expects service and _up-to-date filters"}});
        return;
      }
      json tasks = json::array();
      for (const std::string id : filters["service"]) {
        for (json task : m_served[id].tasks) {
          task["ServiceID"] = id;
          tasks.push_back(std::move(task));
        }
      }
      r.set_content(tasks.dump(), "application/json");
    });
    server.Post(R"(/v1.41/services/([^/]+)/update)", [this](const httplib::Request& request,
                                                            httplib::Response& r) {
      std::lock_guard lock(m_mutex);
      Service* service = find(request.matches[1]);
      if (!service) {
        reply(r, 404, {{"message", "service not found"}});
        return;
      }
      if (service->races > 0) {
        --service->races;
        ++service->version;
      }
      if (request.get_param_value("version") != std::to_string(service->version)) {
        reply(r, 500, {{"message", "rpc error: code = Unknown desc = update out of sequence"}});
        return;
      }
      if (request.get_param_value("rollback") != "previous") {
        reply(r, 400, {{"message", "the test expects only rollbacks"}});
        return;
      }
      std::swap(service->spec, service->previous_spec);
      ++service->version;
      service->at = 0;
      m_rolled_back.insert(service->id);
      reply(r, 200, {{"Warnings", nullptr}});
    });
    server.Delete(R"(/v1.41/services/([^/]+))",
                  [this](const httplib::Request& request, httplib::Response& r) {
                    std::lock_guard lock(m_mutex);
                    Service* service = find(request.matches[1]);
                    if (!service) {
                      reply(r, 404, {{"message", "service not found"}});
                      return;
                    }
                    service->removed = true;
                    r.status = 200;
                  });
    m_fake.start();
  }

  // A replicated service named `name` (ID "id-<name>") with the update monitor `monitor_ms`.
  Service& add(const std::string& name, std::vector<Frame> script, std::uint64_t replicas = 1,
               int monitor_ms = 20) {
    std::lock_guard lock(m_mutex);
    Service service;
    service.id = "id-" + name;
    service.spec = {{"Name", name},
                    {"Mode", {{"Replicated", {{"Replicas", replicas}}}}},
                    {"UpdateConfig", {{"Monitor", monitor_ms * 1'000'000}}},
                    {"TaskTemplate", {{"ContainerSpec", {{"Image", "new"}}}}}};
    service.previous_spec = service.spec;
    service.previous_spec["TaskTemplate"]["ContainerSpec"]["Image"] = "old";
    service.script = std::move(script);
    m_services[service.id] = std::move(service);
    return m_services["id-" + name];
  }
  void set_nodes(json nodes) {
    std::lock_guard lock(m_mutex);
    m_nodes = std::move(nodes);
  }

  Engine engine() {
    DockerHost host;
    host.socket_path = m_fake.socket_path();
    return Engine(make_curl_transport(host));
  }
  std::vector<std::string> writes() {
    std::vector<std::string> out;
    for (const auto& request : m_fake.requests()) {
      if (request.method != "GET") {
        out.push_back(request.method + " " + request.target);
      }
    }
    return out;
  }
  std::string image_of(const std::string& name) {
    std::lock_guard lock(m_mutex);
    return m_services["id-" + name].spec["TaskTemplate"]["ContainerSpec"]["Image"];
  }
  size_t inspections(const std::string& name) {
    std::lock_guard lock(m_mutex);
    return m_services["id-" + name].at;
  }
  // GET requests by path without the query: "/v1.41/tasks" -> 3.
  std::map<std::string, size_t> reads() {
    std::map<std::string, size_t> out;
    for (const auto& request : m_fake.requests()) {
      if (request.method == "GET") {
        ++out[request.target.substr(0, request.target.find('?'))];
      }
    }
    return out;
  }
  bool removed(const std::string& name) {
    std::lock_guard lock(m_mutex);
    return m_services["id-" + name].removed;
  }

 private:
  static void reply(httplib::Response& response, int status, const json& body) {
    response.status = status;
    response.set_content(body.dump(), "application/json");
  }
  Service* find(const std::string& id_or_name) {
    for (auto& [id, service] : m_services) {
      if (!service.removed && (id == id_or_name || service.spec["Name"] == id_or_name)) {
        return &service;
      }
    }
    return nullptr;
  }
  // The service's next frame, as GET /services/{id} or the list answer it.
  json serve(Service& service) {
    const std::vector<Frame>& script = current_script(service);
    m_served[service.id] = script[std::min(service.at, script.size() - 1)];
    ++service.at;
    json body = {
        {"ID", service.id}, {"Version", {{"Index", service.version}}}, {"Spec", service.spec}};
    if (!m_served[service.id].update_status.is_null()) {
      body["UpdateStatus"] = m_served[service.id].update_status;
    }
    return body;
  }
  const std::vector<Frame>& current_script(const Service& service) const {
    return m_rolled_back.count(service.id) && !service.rollback_script.empty()
               ? service.rollback_script
               : service.script;
  }

  FakeEngine m_fake;
  std::mutex m_mutex;
  std::map<std::string, Service> m_services;
  std::map<std::string, Frame> m_served;
  std::set<std::string> m_rolled_back;
  json m_nodes = json::array({{{"ID", "n1"}, {"Status", {{"State", "ready"}}}},
                              {{"ID", "n2"}, {"Status", {{"State", "ready"}}}}});
};

WaitOptions fast(std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
  WaitOptions options;
  options.timeout = timeout;
  options.interval = std::chrono::milliseconds(5);
  return options;
}

// Collects the progress lines as "service: line".
struct Lines {
  std::vector<std::string> lines;
  ProgressReport report() {
    return
        [this](const ServiceReport& report) { lines.push_back(report.name + ": " + report.line); };
  }
};

// --- count_tasks: the reference's judgement of one observation.

json replicated(std::uint64_t replicas) {
  return {{"Spec", {{"Mode", {{"Replicated", {{"Replicas", replicas}}}}}}}};
}

TEST(CountTasks, OneTaskPerSlotWithTheLowestDesiredStateCounts) {
  json tasks = {
      task("a", 1, "shutdown", "failed", "task: non-zero exit (1)"),
      task("b", 1, "running", "running"),
      task("c", 2, "running", "starting"),
      task("d", 2, "shutdown", "running"),  // being replaced: desired shutdown loses to running
      task("e", 3, "running", "running", "", "gone"),  // on a node that is down
  };
  TaskCount count = count_tasks(replicated(3), tasks, {"n1"});
  EXPECT_EQ(count.running, 1u);
  EXPECT_EQ(count.desired, 3u);
  EXPECT_FALSE(count.global);
  // Start-first leaves two running-desired tasks in a slot: the lower observed state counts.
  json start_first = {task("x", 1, "running", "running"), task("y", 1, "running", "preparing")};
  EXPECT_EQ(count_tasks(replicated(1), start_first, {"n1"}).running, 0u);
  EXPECT_EQ(count_tasks(replicated(0), json::array(), {}).desired, 0u);
}

TEST(CountTasks, GlobalServicesWantOneRunningTaskPerNodeTheyHaveTasksOn) {
  json service = {{"Spec", {{"Mode", {{"Global", json::object()}}}}}};
  json tasks = {task("a", 0, "running", "running", "", "n1"),
                task("b", 0, "running", "pending", "no suitable node", "n2")};
  TaskCount count = count_tasks(service, tasks, {"n1", "n2"});
  EXPECT_TRUE(count.global);
  EXPECT_EQ(count.running, 1u);
  EXPECT_EQ(count.desired, 2u);
  EXPECT_EQ(count.task_error, "no suitable node");
  tasks[1] = task("b", 0, "running", "running", "", "n2");
  EXPECT_EQ(count_tasks(service, tasks, {"n1", "n2"}).running, 2u);
  // A job (not expressible in compose) counts nothing.
  json job = {{"Spec", {{"Mode", {{"ReplicatedJob", json::object()}}}}}};
  EXPECT_EQ(count_tasks(job, tasks, {"n1"}).desired, 0u);
}

TEST(SortableTimestamp, PadsTheFractionSoThatTextOrderIsTimeOrder) {
  EXPECT_EQ(sortable_timestamp("2026-11-30T01:02:03.12345Z"), "2026-11-30T01:02:03.123450000Z");
  EXPECT_EQ(sortable_timestamp("2026-11-30T01:02:03Z"), "2026-11-30T01:02:03.000000000Z");
  EXPECT_LT(sortable_timestamp("2026-11-30T01:02:03.12345Z"),
            sortable_timestamp("2026-11-30T01:02:03.1234567Z"));
  EXPECT_EQ(sortable_timestamp(""), "");
}

// --- wait_for_services against the scripted swarm.

TEST(WaitForServices, ConvergesAfterTheMonitorPeriodAndSaysSoOncePerChange) {
  ScriptedSwarm swarm;
  swarm.add("st_web",
            {{status("updating"), {task("a", 1, "running", "preparing")}},
             {status("updating"), {running("a", 1), task("b", 2, "running", "starting")}},
             {status("updating"), {running("a", 1), running("b", 2)}},
             {status("completed"), {running("a", 1), running("b", 2)}}},
            2);
  Engine engine = swarm.engine();
  Lines lines;
  auto started = std::chrono::steady_clock::now();
  WaitResult result = wait_for_services(engine, {{"st_web", false}}, fast(), lines.report());
  EXPECT_EQ(result.outcome, WaitOutcome::converged);
  EXPECT_GE(std::chrono::steady_clock::now() - started, std::chrono::milliseconds(20));
  EXPECT_THAT(
      lines.lines,
      ElementsAre("st_web: 0/2 running, update updating", "st_web: 1/2 running, update updating",
                  "st_web: 2/2 running, checking they stay up for 20ms", "st_web: converged"));
  ASSERT_EQ(result.services.size(), 1u);
  EXPECT_EQ(result.services[0].state, ServiceState::converged);
  EXPECT_TRUE(swarm.writes().empty()) << "waiting never writes";
}

TEST(WaitForServices, AnUpdateStillInProgressIsNotDone) {
  ScriptedSwarm swarm;
  std::vector<Frame> script(30, Frame{status("updating"), {running("a", 1)}});
  script.push_back({status("completed"), {running("a", 1)}});
  swarm.add("st_web", script);
  Engine engine = swarm.engine();
  WaitResult result = wait_for_services(engine, {{"st_web", false}}, fast(), {});
  EXPECT_EQ(result.outcome, WaitOutcome::converged);
  // Done only once the engine said completed: all 31 frames were served.
  EXPECT_GE(swarm.inspections("st_web"), 31u);
}

TEST(WaitForServices, EachRoundAsksTheSameThreeThingsHoweverManyServicesAreWatched) {
  ScriptedSwarm swarm;
  std::vector<WatchedService> watched;
  for (int i = 0; i < 40; ++i) {
    std::string name = fmt::format("st_s{:02}", i);
    // Service i converges in round i % 5 + 2: the watched set shrinks round by round.
    std::vector<Frame> script(i % 5 + 1,
                              Frame{status("updating"), {task("a", 1, "running", "starting")}});
    script.push_back({status("completed"), {running("a", 1)}});
    swarm.add(name, script, 1, 1);
    watched.push_back({name, false});
  }
  Engine engine = swarm.engine();
  WaitResult result = wait_for_services(engine, watched, fast(), {});
  EXPECT_EQ(result.outcome, WaitOutcome::converged);
  auto reads = swarm.reads();
  size_t rounds = reads["/v1.41/nodes"];
  EXPECT_GE(rounds, 6u);
  // Each service is inspected by name once, in the first round; after that one list of the
  // services and one list of their tasks per round, not two requests per service.
  size_t inspections = 0;
  for (const auto& [path, count] : reads) {
    if (path.rfind("/v1.41/services/", 0) == 0) {
      inspections += count;
    }
  }
  EXPECT_EQ(inspections, 40u);
  EXPECT_EQ(reads["/v1.41/tasks"], rounds);
  EXPECT_EQ(reads["/v1.41/services"], rounds - 1);
}

TEST(WaitForServices, APausedUpdateFailsAtOnceWithTheEnginesMessage) {
  ScriptedSwarm swarm;
  swarm.add("st_slow", {Frame{nullptr, {task("s", 1, "running", "pending")}}});
  swarm.add("st_web",
            {{status("updating"), {task("a", 1, "running", "starting")}},
             {status("paused", "update paused due to failure or early termination of task a"),
              {task("a", 1, "shutdown", "failed", "task: non-zero exit (1)")}}});
  Engine engine = swarm.engine();
  Lines lines;
  WaitResult result = wait_for_services(engine, {{"st_slow", true}, {"st_web", false}},
                                        fast(std::chrono::seconds(30)), lines.report());
  EXPECT_EQ(result.outcome, WaitOutcome::failed);
  ASSERT_EQ(result.services.size(), 2u);
  EXPECT_EQ(result.services[1].state, ServiceState::failed);
  EXPECT_THAT(result.services[1].reason,
              HasSubstr("service update paused: update paused due to failure"));
  EXPECT_EQ(result.services[1].task_error, "task: non-zero exit (1)");
  EXPECT_EQ(result.services[0].state, ServiceState::converging) << "not waited for any longer";
  EXPECT_THAT(lines.lines, Contains(HasSubstr("st_web: failed: service update paused")));
}

TEST(WaitForServices, TasksThatKeepFailingFailACreatedService) {
  ScriptedSwarm swarm;
  auto failed = [](const std::string& id, const std::string& time) {
    return task(id, 1, "shutdown", "failed", "task: non-zero exit (" + id + ")", "n1", time);
  };
  swarm.add("st_job", {{nullptr, {task("a", 1, "running", "starting")}},
                       {nullptr, {failed("1", "2026-01-01T00:00:01Z")}},
                       {nullptr,
                        {failed("1", "2026-01-01T00:00:01Z"), failed("2", "2026-01-01T00:00:02.5Z"),
                         task("b", 1, "running", "starting")}},
                       {nullptr,
                        {failed("1", "2026-01-01T00:00:01Z"), failed("2", "2026-01-01T00:00:02.5Z"),
                         failed("3", "2026-01-01T00:00:02.25Z")}}});
  Engine engine = swarm.engine();
  WaitResult result = wait_for_services(engine, {{"st_job", true}}, fast(), {});
  EXPECT_EQ(result.outcome, WaitOutcome::failed);
  // The newest error by time, though the engine listed it before an older one.
  EXPECT_EQ(result.services[0].task_error, "task: non-zero exit (2)");
  EXPECT_THAT(result.services[0].reason,
              AllOf(HasSubstr("3 tasks failed (0/1 running)"), HasSubstr("non-zero exit (2)")));
}

TEST(WaitForServices, FailuresFromBeforeTheDeployDoNotCountForAnUpdatedService) {
  ScriptedSwarm swarm;
  json old_failures = {task("o1", 1, "shutdown", "failed", "old"),
                       task("o2", 1, "shutdown", "failed", "old"),
                       task("o3", 1, "shutdown", "rejected", "old")};
  json now = old_failures;
  now.push_back(task("a", 1, "running", "starting"));
  json later = old_failures;
  later.push_back(running("a", 1));
  swarm.add("st_web", {{nullptr, now}, {nullptr, now}, {nullptr, later}});
  Engine engine = swarm.engine();
  WaitResult result = wait_for_services(engine, {{"st_web", false}}, fast(), {});
  EXPECT_EQ(result.outcome, WaitOutcome::converged);
}

TEST(WaitForServices, TimesOutWithTheSchedulersWords) {
  ScriptedSwarm swarm;
  swarm.add("st_web",
            {{nullptr,
              {task("a", 1, "running", "pending",
                    "no suitable node (scheduling constraints not satisfied on 2 nodes)")}}});
  Engine engine = swarm.engine();
  Lines lines;
  auto started = std::chrono::steady_clock::now();
  WaitResult result = wait_for_services(engine, {{"st_web", true}},
                                        fast(std::chrono::milliseconds(150)), lines.report());
  auto took = std::chrono::steady_clock::now() - started;
  EXPECT_EQ(result.outcome, WaitOutcome::timed_out);
  EXPECT_GE(took, std::chrono::milliseconds(150));
  EXPECT_LT(took, std::chrono::seconds(2));
  EXPECT_THAT(lines.lines,
              ElementsAre("st_web: 0/1 running; no suitable node (scheduling constraints not "
                          "satisfied on 2 nodes)"));
  EXPECT_EQ(result.services[0].state, ServiceState::converging);
}

TEST(WaitForServices, TheEnginesOwnRollbackIsReportedAndEndsRolledBack) {
  ScriptedSwarm swarm;
  swarm.add("st_web", {{status("updating"), {task("a", 1, "running", "starting")}},
                       {status("rollback_started", "update rolled back due to failure of task a"),
                        {task("z", 1, "running", "starting")}},
                       {status("rollback_completed", "rollback completed"), {running("z", 1)}}});
  Engine engine = swarm.engine();
  Lines lines;
  WaitResult result = wait_for_services(engine, {{"st_web", false}}, fast(), lines.report());
  EXPECT_EQ(result.outcome, WaitOutcome::rolled_back);
  EXPECT_EQ(result.services[0].state, ServiceState::rolled_back);
  EXPECT_THAT(lines.lines,
              Contains("st_web: rolling back (update rolled back due to failure of task a): 0/1 "
                       "running"));
  EXPECT_EQ(lines.lines.back(), "st_web: rolled back");
  EXPECT_TRUE(swarm.writes().empty()) << "the engine rolls back by itself";
}

TEST(WaitForServices, APausedRollbackFails) {
  ScriptedSwarm swarm;
  swarm.add("st_web",
            {{status("rollback_started", "x"), json::array()},
             {status("rollback_paused", "rollback paused due to failure"), json::array()}});
  Engine engine = swarm.engine();
  WaitResult result = wait_for_services(engine, {{"st_web", false}}, fast(), {});
  EXPECT_EQ(result.outcome, WaitOutcome::failed);
  EXPECT_THAT(result.services[0].reason, HasSubstr("service rollback paused"));
}

TEST(WaitForServices, AServiceRemovedMeanwhileFailsAndAnUnreachableEngineIsAnError) {
  ScriptedSwarm swarm;
  Engine engine = swarm.engine();
  WaitResult gone = wait_for_services(engine, {{"st_none", true}}, fast(), {});
  EXPECT_EQ(gone.outcome, WaitOutcome::failed);
  EXPECT_THAT(gone.services[0].reason, HasSubstr("removed while waiting"));

  DockerHost nowhere;
  nowhere.socket_path = "/tmp/stackc-wait-test-no-engine.sock";
  Engine dead(make_curl_transport(nowhere));
  dead.set_api_version("1.41");
  WaitResult error = wait_for_services(dead, {{"st_web", false}}, fast(), {});
  EXPECT_EQ(error.outcome, WaitOutcome::error);
  ASSERT_TRUE(error.error);
  EXPECT_EQ(error.error->kind, EngineErrorKind::transport);
  EXPECT_EQ(wait_for_services(engine, {}, fast(), {}).outcome, WaitOutcome::converged);
}

// --- roll_back_services.

TEST(RollBackServices, RollsUpdatedServicesBackRemovesCreatedOnesAndWaits) {
  ScriptedSwarm swarm;
  auto& web = swarm.add("st_web", {{status("paused", "update paused"), json::array()}});
  web.version = 42;
  web.rollback_script = {{status("rollback_started", "manually requested rollback"),
                          {task("o", 1, "running", "starting")}},
                         {status("rollback_completed", "rollback completed"), {running("o", 1)}}};
  swarm.add("st_new", {{nullptr, json::array()}});
  Engine engine = swarm.engine();
  Lines lines;
  WaitResult result =
      roll_back_services(engine, {{"st_web", false}, {"st_new", true}}, fast(), lines.report());
  EXPECT_EQ(result.outcome, WaitOutcome::rolled_back);
  EXPECT_THAT(swarm.writes(), ElementsAre("POST /v1.41/services/id-st_web/update?version=42&"
                                          "rollback=previous",
                                          "DELETE /v1.41/services/st_new"));
  EXPECT_EQ(swarm.image_of("st_web"), "old");
  EXPECT_TRUE(swarm.removed("st_new"));
  ASSERT_EQ(result.services.size(), 2u);
  EXPECT_EQ(result.services[0].name, "st_web");
  EXPECT_EQ(result.services[0].state, ServiceState::rolled_back);
  EXPECT_EQ(result.services[1].state, ServiceState::removed);
  EXPECT_THAT(lines.lines, Contains("st_new: removed (this deploy created it)"));
  EXPECT_EQ(lines.lines.back(), "st_web: rolled back");
}

TEST(RollBackServices, AServiceTheEngineRollsBackAlreadyIsNotAskedAgain) {
  ScriptedSwarm swarm;
  swarm.add("st_web", {{status("rollback_started", "auto"), json::array()},
                       {status("rollback_completed", "done"), {running("o", 1)}}});
  Engine engine = swarm.engine();
  WaitResult result = roll_back_services(engine, {{"st_web", false}}, fast(), {});
  EXPECT_EQ(result.outcome, WaitOutcome::rolled_back);
  EXPECT_TRUE(swarm.writes().empty()) << "a second rollback would roll forward";
}

TEST(RollBackServices, AConcurrentWriteIsRetriedWithTheNewVersion) {
  ScriptedSwarm swarm;
  auto& web = swarm.add("st_web", {{status("paused"), json::array()}});
  web.races = 1;
  web.rollback_script = {{status("rollback_completed"), {running("o", 1)}}};
  Engine engine = swarm.engine();
  WaitResult result = roll_back_services(engine, {{"st_web", false}}, fast(), {});
  EXPECT_EQ(result.outcome, WaitOutcome::rolled_back);
  EXPECT_THAT(swarm.writes(),
              ElementsAre(HasSubstr("version=10&"), HasSubstr("version=11&rollback=previous")));
}

TEST(RollBackServices, ARollbackThatPausesOrTimesOutIsNotRolledBack) {
  ScriptedSwarm swarm;
  auto& web = swarm.add("st_web", {{status("paused"), json::array()}});
  web.rollback_script = {{status("rollback_paused", "rollback paused"), json::array()}};
  auto& api = swarm.add("st_api", {{status("paused"), json::array()}});
  api.rollback_script = {{status("rollback_started"), {task("o", 1, "running", "pending")}}};
  Engine engine = swarm.engine();
  WaitResult paused = roll_back_services(engine, {{"st_web", false}}, fast(), {});
  EXPECT_EQ(paused.outcome, WaitOutcome::failed);
  EXPECT_THAT(paused.services[0].reason, HasSubstr("service rollback paused"));
  WaitResult slow =
      roll_back_services(engine, {{"st_api", false}}, fast(std::chrono::milliseconds(100)), {});
  EXPECT_EQ(slow.outcome, WaitOutcome::timed_out);
  EXPECT_THAT(slow.services[0].line, HasSubstr("rolling back"));
}

TEST(RollBackServices, ARefusedRollbackFailsButTheOthersStillRollBack) {
  ScriptedSwarm swarm;
  auto& web = swarm.add("st_web", {{status("paused"), json::array()}});
  web.races = 10;  // never in sequence
  auto& api = swarm.add("st_api", {{status("paused"), json::array()}});
  api.rollback_script = {{status("rollback_completed"), {running("o", 1)}}};
  Engine engine = swarm.engine();
  WaitResult result =
      roll_back_services(engine, {{"st_web", false}, {"st_api", false}}, fast(), {});
  EXPECT_EQ(result.outcome, WaitOutcome::failed);
  ASSERT_TRUE(result.error);
  EXPECT_EQ(result.error->kind, EngineErrorKind::out_of_sequence);
  EXPECT_THAT(result.services[0].reason, HasSubstr("refused the rollback"));
  EXPECT_EQ(result.services[1].state, ServiceState::rolled_back);
  EXPECT_EQ(swarm.image_of("st_api"), "old");
  EXPECT_THAT(swarm.writes(), Not(Contains(HasSubstr("DELETE"))));
}

}  // namespace
}  // namespace stackc::swarm
