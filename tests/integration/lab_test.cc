// The swarm lab itself, and the seed workshop's second exercise driven through the reference
// docker CLI: a replicated service pinned to the worker, a rolling image update, a rollback,
// and draining the worker. Needs `scripts/swarm-lab up` (scripts/test starts it).
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/integration/process.h"

namespace stackc::testing {
namespace {

using namespace std::chrono_literals;

const std::string k_manager_host = "unix:///var/run/docker.sock";
const std::string k_old_image = "redis:6.0-alpine";
const std::string k_new_image = "redis:6.2.5-alpine";

// The docker CLI against the lab's manager, whatever DOCKER_HOST the caller had.
ProcessResult docker(std::vector<std::string> args, std::chrono::milliseconds timeout = 60s) {
  args.insert(args.begin(), "docker");
  return run(args, RunOptions().with_timeout(timeout).with_env("DOCKER_HOST", k_manager_host));
}

ProcessResult swarm_lab(const std::string& command) {
  return run({std::string(STACKC_SOURCE_DIR) + "/scripts/swarm-lab", command},
             RunOptions().with_timeout(180s));
}

std::vector<std::string> node_ids() {
  ProcessResult r = docker({"node", "ls", "--format", "{{.ID}}"});
  EXPECT_TRUE(r.ok()) << r.describe();
  std::vector<std::string> ids = lines(r.out);
  std::sort(ids.begin(), ids.end());
  return ids;
}

// One task as `docker inspect` reports it.
struct Task {
  std::string node_id;
  std::string state;  // pending, running, shutdown, ...
  std::string image;  // the task's ContainerSpec.Image
};

// The tasks whose desired state is running: what the service is converging to.
std::vector<Task> desired_running_tasks(const std::string& service) {
  ProcessResult ids =
      docker({"service", "ps", "-q", "--no-trunc", "--filter", "desired-state=running", service});
  if (!ids.ok() || trim(ids.out).empty()) {
    return {};
  }
  std::vector<std::string> args = {"inspect", "--format",
                                   "{{.NodeID}}|{{.Status.State}}|{{.Spec.ContainerSpec.Image}}"};
  for (const auto& id : lines(ids.out)) {
    args.push_back(id);
  }
  ProcessResult r = docker(args);
  if (!r.ok()) {
    return {};  // a task can vanish between the two calls; the caller polls again
  }
  std::vector<Task> tasks;
  for (const auto& line : lines(r.out)) {
    size_t a = line.find('|');
    size_t b = line.find('|', a + 1);
    tasks.push_back({line.substr(0, a), line.substr(a + 1, b - a - 1), line.substr(b + 1)});
  }
  return tasks;
}

std::string describe(const std::vector<Task>& tasks) {
  std::string text;
  for (const auto& t : tasks) {
    text += fmt::format("  node={} state={} image={}\n", t.node_id.empty() ? "-" : t.node_id,
                        t.state, t.image);
  }
  return text.empty() ? "  (no tasks)\n" : text;
}

std::string update_state(const std::string& service) {
  ProcessResult r = docker({"service", "inspect", "--format",
                            "{{if .UpdateStatus}}{{.UpdateStatus.State}}{{end}}", service});
  return r.ok() ? trim(r.out) : "inspect failed: " + r.err;
}

class LabTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ProcessResult r = docker({"node", "ls", "--format", "{{.ID}} {{.ManagerStatus}}"}, 20s);
    ASSERT_TRUE(r.ok()) << "the swarm lab is not up (run scripts/swarm-lab up):\n" << r.describe();
    ProcessResult workers =
        docker({"node", "ls", "--filter", "role=worker", "--format", "{{.ID}} {{.Hostname}}"});
    ASSERT_TRUE(workers.ok()) << workers.describe();
    for (const auto& line : lines(workers.out)) {
      m_worker_ids.insert(line.substr(0, line.find(' ')));
    }
    ASSERT_FALSE(m_worker_ids.empty()) << "the lab has no worker node:\n" << r.out;
  }

  // Whatever an assertion cut short: the workers go back to active and the service goes away,
  // so a failure here cannot break the tests that run after it.
  void TearDown() override {
    for (const auto& id : m_drained) {
      ProcessResult r = docker({"node", "update", "--availability", "active", id});
      EXPECT_TRUE(r.ok()) << r.describe();
    }
    if (!m_service.empty()) {
      ProcessResult r = docker({"service", "rm", m_service});
      EXPECT_TRUE(r.ok()) << r.describe();
    }
  }

  std::string unique_service_name() {
    static int counter = 0;
    return fmt::format("stackc-labtest-{}-{}", getpid(), ++counter);
  }

  // Waits until the service has `replicas` running tasks, all with `image`, all on workers.
  void expect_running_on_workers(const std::string& service, size_t replicas,
                                 const std::string& image) {
    std::vector<Task> tasks;
    bool converged = poll_until(
        [&] {
          tasks = desired_running_tasks(service);
          return tasks.size() == replicas && std::all_of(tasks.begin(), tasks.end(), [&](auto& t) {
                   return t.state == "running" && t.image == image &&
                          m_worker_ids.count(t.node_id) == 1;
                 });
        },
        90s);
    EXPECT_TRUE(converged) << service << " did not reach " << replicas << " running tasks of "
                           << image << " on workers; last seen:\n"
                           << describe(tasks);
  }

  void expect_update_state(const std::string& service, const std::string& wanted) {
    std::string state;
    bool done = poll_until(
        [&] {
          state = update_state(service);
          return state == wanted;
        },
        90s);
    EXPECT_TRUE(done) << service << " update state is '" << state << "', wanted '" << wanted << "'";
  }

  std::set<std::string> m_worker_ids;
  std::vector<std::string> m_drained;
  std::string m_service;
};

TEST_F(LabTest, NodesAreReadyWithDistinctHostnames) {
  ProcessResult r =
      docker({"node", "ls", "--format", "{{.Hostname}}|{{.Status}}|{{.Availability}}"});
  ASSERT_TRUE(r.ok()) << r.describe();
  std::vector<std::string> nodes = lines(r.out);
  ASSERT_GE(nodes.size(), 2u) << r.out;
  std::set<std::string> hostnames;
  for (const auto& node : nodes) {
    auto first = node.find('|');
    auto second = node.find('|', first + 1);
    hostnames.insert(node.substr(0, first));
    EXPECT_EQ(node.substr(first + 1, second - first - 1), "Ready") << node;
    EXPECT_EQ(node.substr(second + 1), "Active") << node;
  }
  EXPECT_EQ(hostnames.size(), nodes.size()) << "hostnames repeat:\n" << r.out;
  EXPECT_TRUE(hostnames.count("swarm-worker1")) << r.out;
}

TEST_F(LabTest, ReplicatedServiceUpdatesRollsBackAndDrains) {
  m_service = unique_service_name();
  ProcessResult created = docker({"service",
                                  "create",
                                  "--detach",
                                  "--quiet",
                                  "--name",
                                  m_service,
                                  "--no-resolve-image",
                                  "--replicas",
                                  "3",
                                  "--constraint",
                                  "node.role==worker",
                                  "--update-parallelism",
                                  "1",
                                  "--update-delay",
                                  "0s",
                                  "--update-monitor",
                                  "1s",
                                  "--rollback-monitor",
                                  "1s",
                                  k_old_image});
  ASSERT_TRUE(created.ok()) << created.describe();
  expect_running_on_workers(m_service, 3, k_old_image);

  // A rolling update replaces every task with one of the new image.
  ProcessResult updated = docker({"service", "update", "--detach", "--quiet", "--no-resolve-image",
                                  "--image", k_new_image, m_service});
  ASSERT_TRUE(updated.ok()) << updated.describe();
  expect_update_state(m_service, "completed");
  expect_running_on_workers(m_service, 3, k_new_image);

  // Rollback restores the previous spec, old image included.
  ProcessResult rolled_back = docker({"service", "rollback", "--detach", "--quiet", m_service});
  ASSERT_TRUE(rolled_back.ok()) << rolled_back.describe();
  expect_update_state(m_service, "rollback_completed");
  expect_running_on_workers(m_service, 3, k_old_image);

  // Draining every worker: the constraint leaves no node, so the tasks wait as pending and
  // nothing moves to the manager.
  for (const auto& id : m_worker_ids) {
    m_drained.push_back(id);
    ProcessResult r = docker({"node", "update", "--availability", "drain", id});
    ASSERT_TRUE(r.ok()) << r.describe();
  }
  std::vector<Task> tasks;
  bool pending = poll_until(
      [&] {
        tasks = desired_running_tasks(m_service);
        return tasks.size() == 3 && std::all_of(tasks.begin(), tasks.end(), [](auto& t) {
                 return t.state == "pending" && t.node_id.empty();
               });
      },
      90s);
  EXPECT_TRUE(pending) << "tasks did not go pending after the drain; last seen:\n"
                       << describe(tasks);
  ProcessResult on_manager =
      docker({"ps", "-q", "--filter", "label=com.docker.swarm.service.name=" + m_service});
  ASSERT_TRUE(on_manager.ok()) << on_manager.describe();
  EXPECT_EQ(trim(on_manager.out), "") << "the manager runs tasks of " << m_service;

  // Active again: the pending tasks are scheduled back onto the workers.
  for (const auto& id : m_worker_ids) {
    ProcessResult r = docker({"node", "update", "--availability", "active", id});
    ASSERT_TRUE(r.ok()) << r.describe();
  }
  m_drained.clear();
  expect_running_on_workers(m_service, 3, k_old_image);
}

TEST_F(LabTest, StatusSucceedsAndNamesTheWorkers) {
  ProcessResult r = swarm_lab("status");
  ASSERT_TRUE(r.ok()) << r.describe();
  EXPECT_THAT(r.out, ::testing::HasSubstr("swarm-worker1"));
  EXPECT_THAT(r.out, ::testing::HasSubstr("unix:///run/stackc-lab/w1.sock"));
}

TEST_F(LabTest, SecondUpChangesNothing) {
  std::vector<std::string> before = node_ids();
  ProcessResult r = swarm_lab("up");
  ASSERT_TRUE(r.ok()) << r.describe();
  // A healthy lab is only checked, not rebuilt: no image is loaded, no node joins.
  EXPECT_THAT(r.err, ::testing::Not(::testing::HasSubstr("joining")));
  EXPECT_THAT(r.err, ::testing::Not(::testing::HasSubstr("loading the test images")));
  EXPECT_EQ(node_ids(), before);
}

TEST_F(LabTest, TestImagesHaveTheSameIdOnEveryEngine) {
  const std::vector<std::string> images = {"dbgurum/dailylog:db_1.0",
                                           "dbgurum/dailylog:front_1.0",
                                           "dbgurum/dailylog:back_1.0",
                                           "nginx:1.19",
                                           "nginx:1.21",
                                           k_old_image,
                                           k_new_image};
  std::vector<std::string> args = {"image", "inspect", "--format", "{{.Id}}"};
  args.insert(args.end(), images.begin(), images.end());
  ProcessResult manager = docker(args);
  ASSERT_TRUE(manager.ok()) << manager.describe();
  std::vector<std::string> ids = lines(manager.out);
  ASSERT_EQ(ids.size(), images.size());
  EXPECT_EQ(std::set<std::string>(ids.begin(), ids.end()).size(), images.size())
      << "two test images share an ID, so an image update would not change anything";
  args.insert(args.begin(), "docker");
  ProcessResult worker =
      run(args, RunOptions().with_env("DOCKER_HOST", "unix:///run/stackc-lab/w1.sock"));
  ASSERT_TRUE(worker.ok()) << worker.describe();
  EXPECT_EQ(worker.out, manager.out);
}

}  // namespace
}  // namespace stackc::testing
