#include "backends/swarm/schedule.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>

namespace stackc::swarm::sched {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

constexpr std::int64_t k_gib = 1024LL * 1024 * 1024;

Node node(std::string name, std::map<std::string, std::string> labels = {}) {
  Node out;
  out.id = "id-" + name;
  out.hostname = std::move(name);
  out.labels = std::move(labels);
  out.capacity.nano_cpus = 2'000'000'000;
  out.capacity.memory_bytes = k_gib;
  return out;
}

Cluster nodes(std::initializer_list<std::string> names) {
  Cluster out;
  for (const std::string& name : names) {
    out.nodes.push_back(node(name));
  }
  return out;
}

ServiceRequest service(std::string name, std::uint64_t replicas) {
  ServiceRequest out;
  out.name = std::move(name);
  out.spec.replicas = replicas;
  return out;
}

// Tasks per node, by hostname, in hostname order (0 for nodes without tasks).
std::vector<std::uint64_t> counts(const Prediction& p, const ServiceOutcome& s) {
  std::vector<std::uint64_t> out;
  std::vector<Node> sorted = p.nodes;
  std::sort(sorted.begin(), sorted.end(),
            [](const Node& a, const Node& b) { return a.hostname < b.hostname; });
  for (const Node& n : sorted) {
    auto it = s.tasks.find(n.id);
    out.push_back(it == s.tasks.end() ? 0 : it->second);
  }
  return out;
}

std::vector<std::uint64_t> sorted_counts(const Prediction& p, const ServiceOutcome& s) {
  std::vector<std::uint64_t> out = counts(p, s);
  std::sort(out.begin(), out.end());
  return out;
}

Prediction run(const Cluster& cluster, std::vector<ServiceRequest> stack, Options options = {}) {
  return predict(cluster, stack, options);
}

TEST(ScheduleConstraint, ParsesAsSwarmDoes) {
  std::string error;
  auto c = parse_constraint(" node.labels.zone == z1 ", &error);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->key, "node.labels.zone");
  EXPECT_TRUE(c->equal);
  EXPECT_EQ(c->value, "z1");
  EXPECT_FALSE(parse_constraint("node.role=manager", &error));
  EXPECT_EQ(error, "constraint expected one operator from ==, !=");
  EXPECT_FALSE(parse_constraint("n==x", &error));
  EXPECT_EQ(error, "key 'n' is invalid");
  EXPECT_FALSE(parse_constraint("node.role==a,b", &error));
  EXPECT_EQ(error, "value 'a,b' is invalid");
}

TEST(ScheduleConstraint, MatchesFieldsLabelsAndMissingLabels) {
  Node n = node("w1", {{"Zone", "East"}});
  n.ip = "10.231.0.11";
  auto match = [&](std::string_view text) {
    return node_matches(*parse_constraint(text, nullptr), n);
  };
  EXPECT_TRUE(match("node.role==WORKER"));        // values compare case-insensitively
  EXPECT_TRUE(match("NODE.LABELS.Zone==east"));   // the prefix too, not the label name
  EXPECT_FALSE(match("node.labels.zone==east"));  // label names are case-sensitive
  EXPECT_TRUE(match("node.labels.missing!=x"));   // missing reads as ""
  EXPECT_FALSE(match("node.labels.missing==x"));
  EXPECT_TRUE(match("node.ip==10.231.0.0/24"));
  EXPECT_FALSE(match("node.ip==10.0.0.0/24"));
  EXPECT_TRUE(match("node.platform.arch==x86_64"));
  EXPECT_FALSE(match("node.foo==x"));  // unknown keys match no node
  EXPECT_FALSE(match("node.foo!=x"));
}

TEST(SchedulePlacement, SpreadsAGroupOverEmptyNodes) {
  Cluster cluster = nodes({"a", "b", "c"});
  for (auto [replicas, expected] : std::vector<std::pair<int, std::vector<std::uint64_t>>>{
           {3, {1, 1, 1}}, {4, {1, 1, 2}}, {2, {0, 1, 1}}, {5, {1, 2, 2}}}) {
    Prediction p = run(cluster, {service("s", replicas)});
    EXPECT_EQ(sorted_counts(p, p.services[0]), expected) << replicas;
    EXPECT_THAT(p.services[0].pending, IsEmpty());
  }
}

TEST(SchedulePlacement, AvoidsNodesBusyWithOtherServices) {
  Cluster cluster = nodes({"a", "b", "c"});
  cluster.services.push_back({"other", {}, {{"id-a", "1"}}});
  Prediction p = run(cluster, {service("s", 2)});
  EXPECT_THAT(counts(p, p.services[0]), ElementsAre(0, 1, 1));
}

// The batch-spreading quirk: the first pass moves on only to a strictly better node, so four
// new tasks on counts [0,0,5] give [1,3,5], not [2,2,5].
TEST(SchedulePlacement, FirstPassQuirk) {
  Cluster cluster = nodes({"a", "b", "c"});
  LiveService live{"s", {}, {}};
  for (int i = 1; i <= 5; ++i) {
    live.tasks.push_back({"id-c", std::to_string(i)});
  }
  live.spec.replicas = 5;
  cluster.services.push_back(live);
  ServiceRequest scaled = service("s", 9);
  scaled.change = Change::scale;
  Prediction p = run(cluster, {scaled});
  EXPECT_THAT(sorted_counts(p, p.services[0]), ElementsAre(1, 3, 5));
  EXPECT_EQ(p.services[0].tasks.at("id-c"), 5u);
}

TEST(SchedulePlacement, ScaleDownRemovesFromTheFullestNodesThenHighestSlots) {
  Cluster cluster = nodes({"a", "b", "c"});
  cluster.services.push_back({"s", {}, {{"id-a", "1"}, {"id-b", "2"}, {"id-c", "3"}}});
  ServiceRequest down = service("s", 2);
  down.change = Change::scale;
  Prediction p = run(cluster, {down});
  EXPECT_THAT(counts(p, p.services[0]), ElementsAre(1, 1, 0));

  cluster.services[0].tasks = {{"id-a", "1"}, {"id-a", "2"}, {"id-b", "3"}};
  down.spec.replicas = 1;
  p = run(cluster, {down});
  EXPECT_THAT(counts(p, p.services[0]), ElementsAre(0, 1, 0));
}

TEST(SchedulePending, ConstraintTextCountsEveryNodeUnderItsFirstFailure) {
  Cluster cluster = nodes({"a", "b", "c"});
  ServiceRequest s = service("s", 2);
  s.spec.constraints = {"node.labels.disk==ssd"};
  Prediction p = run(cluster, {s});
  ASSERT_EQ(p.services[0].pending.size(), 1u);
  EXPECT_EQ(p.services[0].pending[0].count, 2u);
  EXPECT_EQ(p.services[0].pending[0].reason,
            "no suitable node (scheduling constraints not satisfied on 3 nodes)");
  EXPECT_EQ(p.services[0].never_placeable, 2u);

  cluster.nodes[0].availability = "drain";
  p = run(cluster, {s});
  EXPECT_EQ(p.services[0].pending[0].reason,
            "no suitable node (scheduling constraints not satisfied on 2 nodes; 1 node not "
            "available for new tasks)");
}

TEST(SchedulePending, ReservationsCapEachNode) {
  Cluster cluster = nodes({"a", "b", "c"});
  ServiceRequest s = service("s", 7);
  s.spec.reservations.memory_bytes = 400LL * 1024 * 1024;  // two fit in 1 GiB
  Prediction p = run(cluster, {s});
  EXPECT_THAT(counts(p, p.services[0]), ElementsAre(2, 2, 2));
  ASSERT_EQ(p.services[0].pending.size(), 1u);
  EXPECT_EQ(p.services[0].pending[0].count, 1u);
  EXPECT_EQ(p.services[0].pending[0].reason,
            "no suitable node (insufficient resources on 3 nodes)");
  EXPECT_EQ(p.services[0].never_placeable, 0u);  // only what runs now is in the way

  s.spec.reservations.memory_bytes = 2 * k_gib;
  p = run(cluster, {s});
  EXPECT_EQ(p.services[0].never_placeable, 7u);
  EXPECT_EQ(p.services[0].never_reason, "no suitable node (insufficient resources on 3 nodes)");
}

TEST(SchedulePending, MaxReplicasPerNode) {
  Cluster cluster = nodes({"a", "b", "c"});
  ServiceRequest s = service("s", 4);
  s.spec.max_replicas = 1;
  Prediction p = run(cluster, {s});
  EXPECT_THAT(counts(p, p.services[0]), ElementsAre(1, 1, 1));
  ASSERT_EQ(p.services[0].pending.size(), 1u);
  EXPECT_EQ(p.services[0].pending[0].reason,
            "no suitable node (max replicas per node limit exceed)");
  EXPECT_EQ(p.services[0].never_placeable, 1u);
}

TEST(SchedulePending, HostPortsOncePerNode) {
  Cluster cluster = nodes({"a", "b"});
  ServiceRequest s = service("s", 3);
  s.spec.host_ports = {{"tcp", 8080}};
  Prediction p = run(cluster, {s});
  EXPECT_THAT(counts(p, p.services[0]), ElementsAre(1, 1));
  EXPECT_EQ(p.services[0].pending[0].reason,
            "no suitable node (host-mode port already in use on 2 nodes)");
  EXPECT_EQ(p.services[0].never_placeable, 1u);
}

TEST(SchedulePending, PlatformAndAliases) {
  Cluster cluster = nodes({"a", "b"});
  cluster.nodes[1].arch = "aarch64";
  ServiceRequest s = service("s", 2);
  s.spec.platforms = {{"linux", "arm64"}};
  Prediction p = run(cluster, {s});
  EXPECT_THAT(counts(p, p.services[0]), ElementsAre(0, 2));
  s.spec.platforms = {{"windows", "amd64"}};
  p = run(cluster, {s});
  EXPECT_EQ(p.services[0].never_reason, "no suitable node (unsupported platform on 2 nodes)");
}

// docker/cli's example: 9 replicas over 3 east, 2 south and 1 west node give 3 per value.
TEST(SchedulePreferences, SpreadOverLabelValues) {
  Cluster cluster;
  for (auto [name, zone] : std::vector<std::pair<std::string, std::string>>{{"e1", "east"},
                                                                            {"e2", "east"},
                                                                            {"e3", "east"},
                                                                            {"s1", "south"},
                                                                            {"s2", "south"},
                                                                            {"w1", "west"}}) {
    cluster.nodes.push_back(node(name, {{"zone", zone}}));
  }
  ServiceRequest s = service("s", 9);
  s.spec.preferences = {"node.labels.zone"};
  Prediction p = run(cluster, {s});
  EXPECT_THAT(counts(p, p.services[0]), ElementsAre(1, 1, 1, 2, 1, 3));
}

TEST(SchedulePreferences, NestedLevelsAndTheUnlabelledGroup) {
  Cluster cluster;
  cluster.nodes.push_back(node("a1", {{"dc", "a"}, {"rack", "r1"}}));
  cluster.nodes.push_back(node("a2", {{"dc", "a"}, {"rack", "r1"}}));
  cluster.nodes.push_back(node("a3", {{"dc", "a"}, {"rack", "r2"}}));
  cluster.nodes.push_back(node("b1", {{"dc", "b"}, {"rack", "r3"}}));
  cluster.nodes.push_back(node("x1"));  // no labels: the "" branch
  ServiceRequest s = service("s", 9);
  s.spec.preferences = {"node.labels.dc", "Node.Labels.rack", "node.hostname"};  // last ignored
  Prediction p = run(cluster, {s});
  // dc a / b / "": 3 each; within a: r1 2 (1 per node), r2 1 ... remainder goes to the first.
  EXPECT_THAT(counts(p, p.services[0]), ElementsAre(1, 1, 1, 3, 3));
}

TEST(ScheduleGlobal, OneTaskPerMatchingNodeAndBareReasons) {
  Cluster cluster = nodes({"a", "b", "c", "d"});
  cluster.nodes[1].availability = "drain";
  cluster.nodes[2].capacity.memory_bytes = k_gib / 4;
  ServiceRequest s = service("g", 0);
  s.spec.mode = Mode::global;
  s.spec.reservations.memory_bytes = k_gib / 2;
  s.spec.constraints = {"node.hostname!=d"};
  Prediction p = run(cluster, {s});
  EXPECT_THAT(counts(p, p.services[0]), ElementsAre(1, 0, 0, 0));
  EXPECT_EQ(p.services[0].desired, 2u);
  ASSERT_EQ(p.services[0].pending.size(), 1u);
  EXPECT_EQ(p.services[0].pending[0].reason, "insufficient resources on 1 node");
  EXPECT_EQ(p.services[0].never_placeable, 1u);
}

TEST(ScheduleWhatIf, DrainMovesTasksAndActiveMovesNothingBack) {
  Cluster cluster = nodes({"a", "b", "c"});
  cluster.services.push_back({"s", {}, {{"id-a", "1"}, {"id-b", "2"}, {"id-c", "3"}}});
  cluster.services[0].spec.replicas = 3;
  ServiceRequest same = service("s", 3);
  same.change = Change::unchanged;
  Options options;
  options.drain = {"a"};
  Prediction p = run(cluster, {same}, options);
  EXPECT_THAT(counts(p, p.services[0]), ElementsAre(1, 1, 1));
  ASSERT_EQ(p.what_ifs.size(), 1u);
  ASSERT_EQ(p.what_ifs[0].services.size(), 1u);
  const WhatIf::Moved& moved = p.what_ifs[0].services[0];
  EXPECT_EQ(moved.to.size(), 1u);
  EXPECT_THAT(moved.pending, IsEmpty());
  auto after = p.after_what_ifs.at("s");
  EXPECT_EQ(after.count("id-a"), 0u);

  options.drain = {"a", "b", "c"};
  p = run(cluster, {same}, options);
  EXPECT_EQ(p.what_ifs[2].services[0].pending[0].reason,
            "no suitable node (3 nodes not available for new tasks)");
  EXPECT_EQ(p.pending_after_what_ifs.at("s").count, 3u);
  EXPECT_EQ(p.pending_after_what_ifs.at("s").reason,
            "no suitable node (3 nodes not available for new tasks)");
}

TEST(ScheduleRollout, BatchesDurationAndOutage) {
  UpdatePolicy policy;
  policy.parallelism = 2;
  policy.delay_ns = 10'000'000'000;
  Rollout r = plan_rollout(6, policy);
  EXPECT_EQ(r.batches, 3u);
  EXPECT_THAT(r.batch_starts_ns, ElementsAre(0, 10'000'000'000, 20'000'000'000));
  EXPECT_EQ(r.duration_ns, 41'000'000'000);  // 3 × 10 s, then delay + 1 s as the tail
  EXPECT_EQ(r.min_running, 4u);
  policy.order = "start-first";
  r = plan_rollout(6, policy);
  EXPECT_EQ(r.min_running, 6u);
  EXPECT_EQ(r.extra_tasks, 2u);
  policy = UpdatePolicy{};
  policy.parallelism = 3;
  r = plan_rollout(3, policy);
  EXPECT_EQ(r.min_running, 0u);  // stop-first with parallelism >= replicas: an outage
  EXPECT_EQ(r.duration_ns, 5'000'000'000);
}

TEST(ScheduleRollout, StartFirstAtTheCapHangs) {
  Cluster cluster = nodes({"a", "b"});
  ServiceSpec spec;
  spec.replicas = 2;
  spec.max_replicas = 1;
  cluster.services.push_back({"s", spec, {{"id-a", "1"}, {"id-b", "2"}}});
  ServiceRequest s = service("s", 2);
  s.spec = spec;
  s.spec.update.order = "start-first";
  s.change = Change::update;
  Prediction p = run(cluster, {s});
  ASSERT_TRUE(p.services[0].rollout);
  EXPECT_EQ(p.services[0].rollout->extra_capacity_problem,
            "no suitable node (max replicas per node limit exceed)");
  s.spec.update.order = "stop-first";
  p = run(cluster, {s});
  EXPECT_EQ(p.services[0].rollout->extra_capacity_problem, "");
  EXPECT_THAT(counts(p, p.services[0]), ElementsAre(1, 1));
  EXPECT_THAT(p.services[0].pending, IsEmpty());
}

// After a drain and re-activation the node is empty; a stop-first update refills it.
TEST(ScheduleRollout, UpdateRefillsAReactivatedNode) {
  Cluster cluster = nodes({"a", "b", "c"});
  cluster.services.push_back({"s", {}, {{"id-b", "1"}, {"id-c", "2"}, {"id-b", "3"}}});
  ServiceRequest s = service("s", 3);
  s.change = Change::update;
  Prediction p = run(cluster, {s});
  EXPECT_THAT(counts(p, p.services[0]), ElementsAre(1, 1, 1));
}

TEST(ScheduleSpof, AllReplicasOnOneNode) {
  Cluster cluster = nodes({"a", "b"});
  ServiceRequest s = service("s", 2);
  s.spec.constraints = {"node.hostname==a"};
  Prediction p = run(cluster, {s});
  ASSERT_EQ(p.services[0].spofs.size(), 2u);
  EXPECT_EQ(p.services[0].spofs[0], "all 2 replicas run on a");
  ServiceRequest spread = service("t", 2);
  p = run(cluster, {spread});
  EXPECT_THAT(p.services[0].spofs, IsEmpty());
}

TEST(ScheduleClassic, BinpackFillsOneNodeRandomIsSeeded) {
  Cluster cluster = nodes({"a", "b"});
  Options options;
  options.strategy = Strategy::binpack;
  Prediction p = run(cluster, {service("s", 3)}, options);
  EXPECT_THAT(counts(p, p.services[0]), ElementsAre(3, 0));
  ServiceRequest big = service("m", 3);
  big.spec.reservations.memory_bytes = 400LL * 1024 * 1024;
  p = run(cluster, {big}, options);
  EXPECT_THAT(counts(p, p.services[0]), ElementsAre(2, 1));

  options.strategy = Strategy::random;
  options.seed = 7;
  Prediction r1 = run(nodes({"a", "b", "c", "d"}), {service("s", 20)}, options);
  Prediction r2 = run(nodes({"a", "b", "c", "d"}), {service("s", 20)}, options);
  EXPECT_EQ(r1.services[0].tasks, r2.services[0].tasks);
  std::uint64_t total = 0;
  for (auto [id, n] : r1.services[0].tasks) {
    total += n;
  }
  EXPECT_EQ(total, 20u);
}

}  // namespace
}  // namespace stackc::swarm::sched
