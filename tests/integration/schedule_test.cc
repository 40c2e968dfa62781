// `stackc schedule` against the lab (3 workers): what the model predicts before a deploy, a
// drain or a scale is compared with where the swarm really puts the tasks, and with the
// Status.Err of the tasks it cannot place. The test labels the workers (sch-tier) and removes
// the labels and any drain afterwards. Counts are compared exactly; node identities only where
// swarm's choice is forced (its ties are broken by Go map order).

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fmt/format.h>
#include <stdlib.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "tests/integration/lab_stack.h"
#include "tests/integration/process.h"

namespace stackc::testing {
namespace {

using namespace std::chrono_literals;
using Json = nlohmann::json;
using Counts = std::map<std::string, std::uint64_t>;  // hostname -> tasks

const std::vector<std::string> k_workers = {"swarm-worker1", "swarm-worker2", "swarm-worker3"};

std::string temp_folder() {
  static std::string folder = [] {
    char pattern[] = "/tmp/stackc-sch-XXXXXX";
    const char* made = mkdtemp(pattern);
    return std::string(made ? made : "/tmp");
  }();
  return folder;
}

std::vector<std::uint64_t> sorted_values(const Counts& counts,
                                         const std::vector<std::string>& hosts) {
  std::vector<std::uint64_t> out;
  for (const std::string& host : hosts) {
    auto it = counts.find(host);
    out.push_back(it == counts.end() ? 0 : it->second);
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::uint64_t at(const Counts& counts, const std::string& host) {
  auto it = counts.find(host);
  return it == counts.end() ? 0 : it->second;
}

class ScheduleLabTest : public LabStackTest {
 protected:
  ScheduleLabTest() : LabStackTest("sch", temp_folder()) {}

  void TearDown() override {
    for (const std::string& worker : k_workers) {
      run({"docker", "node", "update", "--availability", "active", "--label-rm", "sch-tier",
           worker});
    }
    LabStackTest::TearDown();
  }

  void label(const std::string& node, const std::string& value) {
    auto r = run({"docker", "node", "update", "--label-add", "sch-tier=" + value, node});
    ASSERT_TRUE(r.ok()) << r.describe();
  }
  void availability(const std::string& node, const std::string& value) {
    auto r = run({"docker", "node", "update", "--availability", value, node});
    ASSERT_TRUE(r.ok()) << r.describe();
  }

  std::string write(const std::string& name, const std::string& text) {
    std::ofstream(temp_folder() + "/" + name) << text;
    return name;
  }

  // `stackc schedule --format json`, parsed.
  Json schedule(const std::string& file, std::vector<std::string> flags = {}) {
    std::vector<std::string> args = {stackc(), "schedule", "--format", "json", "-c", file};
    args.insert(args.end(), flags.begin(), flags.end());
    args.push_back(m_stack);
    auto r = run(args, RunOptions().in_dir(temp_folder()));
    EXPECT_TRUE(r.ok()) << r.describe();
    Json out = Json::parse(r.out, nullptr, false);
    EXPECT_FALSE(out.is_discarded()) << r.out;
    return out;
  }

  static const Json& service(const Json& prediction, const std::string& name) {
    for (const Json& s : prediction["services"]) {
      if (s["name"] == name) {
        return s;
      }
    }
    static const Json k_none = Json::object();
    ADD_FAILURE() << "no service " << name << " in " << prediction.dump();
    return k_none;
  }
  static Counts counts(const Json& tasks) {
    Counts out;
    for (auto it = tasks.begin(); it != tasks.end(); ++it) {
      out[it.key()] = it.value().get<std::uint64_t>();
    }
    return out;
  }
  static std::uint64_t pending_count(const Json& s) {
    std::uint64_t n = 0;
    for (const Json& p : s["pending"]) {
      n += p["count"].get<std::uint64_t>();
    }
    return n;
  }

  struct Live {
    Counts running;                    // hostname -> running tasks
    std::vector<std::string> pending;  // Status.Err of pending tasks
    std::uint64_t starting = 0;        // assigned but not running yet
  };
  // The service's tasks that the swarm wants running.
  Live live(const std::string& key) const {
    Live out;
    auto r = run({"docker", "service", "ps", "--no-trunc", "--filter", "desired-state=running",
                  "--format", "{{.Node}}|{{.CurrentState}}|{{.Error}}", name(key)});
    EXPECT_TRUE(r.ok()) << r.describe();
    for (const std::string& line : lines(r.out)) {
      auto first = line.find('|');
      auto second = line.find('|', first + 1);
      std::string node = line.substr(0, first);
      std::string state = line.substr(first + 1, second - first - 1);
      std::string error = line.substr(second + 1);
      if (error.size() >= 2 && error.front() == '"' && error.back() == '"') {
        error = error.substr(1, error.size() - 2);  // --no-trunc quotes it
      }
      if (state.rfind("Running", 0) == 0) {
        ++out.running[node];
      } else if (state.rfind("Pending", 0) == 0 && node.empty()) {
        out.pending.push_back(error);
      } else {
        ++out.starting;
      }
    }
    return out;
  }
  static std::vector<std::string> reasons(const Json& predicted) {
    std::vector<std::string> out;
    for (const Json& p : predicted["pending"]) {
      for (std::uint64_t i = 0; i < p["count"].get<std::uint64_t>(); ++i) {
        out.push_back(p["reason"]);
      }
    }
    std::sort(out.begin(), out.end());
    return out;
  }
  // Waits until the service has as many running and pending tasks as predicted, and the
  // pending ones carry the predicted reasons: swarm's first pass over a group counts only the
  // nodes it tried, and the text settles at the next scheduling tick.
  Live settle(const std::string& key, const Json& predicted) {
    std::vector<std::string> want_reasons = reasons(predicted);
    Live seen;
    std::uint64_t want_running = 0;
    for (const auto& [host, n] : counts(predicted["tasks"])) {
      want_running += n;
    }
    std::uint64_t want_pending = pending_count(predicted);
    poll_until(
        [&] {
          seen = live(key);
          std::uint64_t running = 0;
          for (const auto& [host, n] : seen.running) {
            running += n;
          }
          std::vector<std::string> got = seen.pending;
          std::sort(got.begin(), got.end());
          return running == want_running && seen.pending.size() == want_pending &&
                 seen.starting == 0 && got == want_reasons;
        },
        60s, 500ms);
    return seen;
  }
  void expect_reasons(const std::string& key, const Json& predicted, const Live& seen) {
    EXPECT_THAT(seen.pending, ::testing::UnorderedElementsAreArray(reasons(predicted))) << key;
  }
};

std::string memory_of(const std::string& node) {
  auto r = run(
      {"docker", "node", "inspect", "--format", "{{.Description.Resources.MemoryBytes}}", node});
  return trim(r.out);
}

// Constraints, nested-free preferences, max_replicas_per_node, global mode and reservations:
// predicted tasks per node and pending reasons against the live swarm; then a drain, and back
// to active (nothing moves back, only pending tasks are placed).
TEST_F(ScheduleLabTest, PlacementDrainAndActiveMatchTheSwarm) {
  label("swarm-worker1", "front");
  label("swarm-worker2", "back");
  label("swarm-worker3", "back");
  // Two reservations of 40% of a worker's memory fit on a worker, three do not.
  std::uint64_t memory = std::stoull(memory_of("swarm-worker1"));
  std::uint64_t reserve_mib = memory * 4 / 10 / (1024 * 1024);
  std::string file = write("placement.yml", fmt::format(R"(version: "3.9"
services:
  pinned:
    image: nginx:1.19
    deploy:
      replicas: 2
      placement: {{constraints: [node.labels.sch-tier==front]}}
  spread:
    image: nginx:1.19
    deploy:
      replicas: 6
      placement:
        constraints: [node.role==worker]
        preferences: [{{spread: node.labels.sch-tier}}]
  capped:
    image: nginx:1.19
    deploy:
      replicas: 4
      placement: {{constraints: [node.role==worker], max_replicas_per_node: 1}}
  every:
    image: nginx:1.19
    deploy:
      mode: global
      placement: {{constraints: [node.labels.sch-tier==back]}}
  reserved:
    image: nginx:1.19
    deploy:
      replicas: 7
      placement: {{constraints: [node.role==worker]}}
      resources: {{reservations: {{memory: {}M}}}}
  nowhere:
    image: nginx:1.19
    deploy:
      placement: {{constraints: [node.labels.sch-missing==yes]}}
)",
                                                        reserve_mib));
  Json predicted = schedule(file);
  // Only what is forced is asserted about the prediction itself; the swarm judges the rest.
  EXPECT_EQ(counts(service(predicted, name("pinned"))["tasks"]), (Counts{{"swarm-worker1", 2}}));
  EXPECT_EQ(at(counts(service(predicted, name("spread"))["tasks"]), "swarm-worker1"), 3u);
  EXPECT_EQ(service(predicted, name("nowhere"))["pending"][0]["reason"],
            "no suitable node (scheduling constraints not satisfied on 4 nodes)");

  // Refused without --allow-pending: `nowhere` can never run, and nothing is written.
  ProcessResult refused = deploy(file, {});
  EXPECT_EQ(refused.exit_code, 1) << refused.describe();
  EXPECT_THAT(refused.err, ::testing::HasSubstr("nowhere"));
  EXPECT_THAT(list("service"), ::testing::IsEmpty());

  ProcessResult deployed = deploy(file, {"--allow-pending"});
  ASSERT_TRUE(deployed.ok()) << deployed.describe();
  for (const char* key : {"pinned", "spread", "capped", "every", "reserved", "nowhere"}) {
    const Json& want = service(predicted, name(key));
    Live seen = settle(key, want);
    Counts predicted_counts = counts(want["tasks"]);
    EXPECT_EQ(sorted_values(seen.running, k_workers), sorted_values(predicted_counts, k_workers))
        << key;
    // Forced identities: one front node, and the back nodes as a pair.
    EXPECT_EQ(at(seen.running, "swarm-worker1"), at(predicted_counts, "swarm-worker1")) << key;
    expect_reasons(key, want, seen);
  }

  // Drain worker 2: the model, from where the tasks run now, against the swarm.
  Json drained = schedule(file, {"--drain", "swarm-worker2"});
  ASSERT_EQ(drained["what_ifs"].size(), 1u);
  availability("swarm-worker2", "drain");
  for (const char* key : {"pinned", "spread", "capped", "every", "reserved"}) {
    Json want = service(drained, name(key));
    want["tasks"] = drained["after_what_ifs"][name(key)];
    // Pending after the drain: every pending task of the service, re-explained.
    want["pending"] = drained["pending_after_what_ifs"].value(name(key), Json::array());
    Live seen = settle(key, want);
    EXPECT_EQ(seen.running, counts(want["tasks"])) << key;
    expect_reasons(key, want, seen);
  }

  // Back to active: predicted from the live state, nothing moves back; pending tasks land.
  availability("swarm-worker2", "active");
  Json active = schedule(file);
  EXPECT_EQ(counts(service(active, name("spread"))["tasks"]),
            counts(service(active, name("spread"))["now"]));
  for (const char* key : {"pinned", "spread", "capped", "every", "reserved"}) {
    const Json& want = service(active, name(key));
    Live seen = settle(key, want);
    EXPECT_EQ(seen.running, counts(want["tasks"])) << key;
    expect_reasons(key, want, seen);
  }
}

// The workshop's drain exercise with a stack: web on the workers, scale 3 -> 2 -> 3, drain a
// worker, back to active, then scale 3 -> 1 -> 3. Each step is predicted from the live state.
TEST_F(ScheduleLabTest, WorkshopScaleAndDrainSteps) {
  auto web = [&](int replicas) {
    return write(fmt::format("web{}.yml", replicas), fmt::format(R"(version: "3.9"
services:
  web:
    image: nginx:1.19
    deploy:
      replicas: {}
      placement: {{constraints: [node.role==worker]}}
)",
                                                                 replicas));
  };
  auto step = [&](int replicas, const std::string& what) -> Live {
    std::string file = web(replicas);
    Json predicted = schedule(file);
    const Json& want = service(predicted, name("web"));
    ProcessResult r = deploy(file, {});
    if (!r.ok()) {
      ADD_FAILURE() << r.describe();
      return {};
    }
    Live seen = settle("web", want);
    EXPECT_EQ(sorted_values(seen.running, k_workers),
              sorted_values(counts(want["tasks"]), k_workers))
        << what;
    return seen;
  };
  Live seen = step(3, "deploy 3");
  EXPECT_EQ(sorted_values(seen.running, k_workers), (std::vector<std::uint64_t>{1, 1, 1}));
  step(2, "scale 3 -> 2");
  // Back to 3: the new task can only go to the worker without one.
  {
    std::string file = web(3);
    Json predicted = schedule(file);
    const Json& want = service(predicted, name("web"));
    ASSERT_TRUE(deploy(file, {}).ok());
    seen = settle("web", want);
    EXPECT_EQ(seen.running, counts(want["tasks"])) << "scale 2 -> 3";
  }

  // Drain worker 1: its task goes to worker 2 or 3.
  Json drained = schedule(web(3), {"--drain", "swarm-worker1"});
  availability("swarm-worker1", "drain");
  Json want = service(drained, name("web"));
  want["tasks"] = drained["after_what_ifs"][name("web")];
  seen = settle("web", want);
  EXPECT_EQ(at(seen.running, "swarm-worker1"), 0u);
  EXPECT_EQ(sorted_values(seen.running, k_workers),
            sorted_values(counts(want["tasks"]), k_workers));

  // Active again: the model says nothing moves, and the swarm agrees.
  availability("swarm-worker1", "active");
  Json active = schedule(web(3));
  const Json& unchanged = service(active, name("web"));
  EXPECT_EQ(unchanged["change"], "unchanged");
  EXPECT_EQ(counts(unchanged["tasks"]), counts(unchanged["now"]));
  std::this_thread::sleep_for(2s);
  EXPECT_EQ(live("web").running, counts(unchanged["tasks"]));

  // The workshop's rescale: down to 1, then 3 again spreads over all three workers.
  step(1, "scale 3 -> 1");
  seen = step(3, "scale 1 -> 3");
  EXPECT_EQ(sorted_values(seen.running, k_workers), (std::vector<std::uint64_t>{1, 1, 1}));
}

// A rolling update with parallelism 2 and a delay: the batches the model predicts against the
// creation times of the new tasks, and its duration against UpdateStatus.
TEST_F(ScheduleLabTest, RolloutTimelineMatchesARealUpdate) {
  auto file = [&](const std::string& image) {
    return write("roll-" + image.substr(6) + ".yml", fmt::format(R"(version: "3.9"
services:
  app:
    image: {}
    deploy:
      replicas: 4
      placement: {{constraints: [node.role==worker]}}
      update_config: {{parallelism: 2, delay: 3s, monitor: 2s}}
)",
                                                                 image));
  };
  std::string old_file = file("nginx:1.19");
  ASSERT_TRUE(deploy(old_file, {}).ok());
  std::string new_file = file("nginx:1.21");
  Json predicted = schedule(new_file);
  const Json& rollout = service(predicted, name("app"))["rollout"];
  ASSERT_TRUE(rollout.is_object()) << predicted.dump();
  EXPECT_EQ(rollout["batches"], 2);
  EXPECT_EQ(rollout["min_running"], 2);
  EXPECT_EQ(rollout["batch_starts_seconds"], Json::parse("[0.0, 3.0]"));
  double predicted_seconds = rollout["duration_seconds"].get<double>();
  EXPECT_DOUBLE_EQ(predicted_seconds, 2 * 3.0 + 4.0);  // delay >= monitor: tail is delay + 1s

  poll_until([&] { return live("app").running.size() == 3; }, 60s);
  ASSERT_TRUE(deploy(new_file, {}).ok());
  std::string state;
  poll_until(
      [&] {
        state = inspect("app", "{{if .UpdateStatus}}{{.UpdateStatus.State}}{{end}}");
        return state == "completed";
      },
      90s);
  ASSERT_EQ(state, "completed");
  // The new tasks' creation times fall into two batches, the second at least `delay` later.
  auto r = run({"docker", "service", "ps", "--filter", "desired-state=running", "-q", name("app")});
  std::vector<double> created;
  for (const std::string& id : lines(r.out)) {
    auto t =
        run({"docker", "inspect", "--format", "{{.CreatedAt.Unix}}.{{.CreatedAt.Nanosecond}}", id});
    std::string text = trim(t.out);
    auto dot = text.find('.');
    created.push_back(std::stod(text.substr(0, dot)) + std::stod(text.substr(dot + 1)) / 1e9);
  }
  ASSERT_EQ(created.size(), 4u);
  std::sort(created.begin(), created.end());
  EXPECT_LT(created[1] - created[0], 1.0) << "first batch";
  EXPECT_LT(created[3] - created[2], 1.0) << "second batch";
  EXPECT_GE(created[2] - created[0], 3.0) << "the delay between batches";
  // The model leaves out the time a task takes to start; the first batch shows it (the gap
  // between the batches is that time plus the delay). With it, the whole update is
  // batches x (start + delay) + the monitor tail, within a few seconds of slack.
  double start_time = created[2] - created[0] - 3.0;
  // UpdateStatus: measured from StartedAt to CompletedAt.
  double started = std::stod(trim(inspect("app", "{{.UpdateStatus.StartedAt.Unix}}")));
  double completed = std::stod(trim(inspect("app", "{{.UpdateStatus.CompletedAt.Unix}}")));
  EXPECT_GE(completed - started + 1.0, predicted_seconds);  // Unix() truncates to seconds
  EXPECT_LE(completed - started, predicted_seconds + 2 * start_time + 5.0)
      << "first batch started in " << start_time << "s";
}

}  // namespace
}  // namespace stackc::testing
