#pragma once
// Schedule: where a swarm would put a stack's tasks, and how its rollouts would run, computed
// offline. This is a model of swarmkit's scheduler (manager/scheduler) and update orchestrator,
// written from ../shared/reference/swarm-scheduler.md; nothing here talks to the engine.
// schedule_input.h turns engine JSON (or a --nodes file) into a Cluster and specs into
// ServiceRequests.
//
// What is modelled: the filter pipeline in swarm's order (ready, resources, constraints,
// platform, host-mode ports, max replicas per node) with swarm's own "no suitable node (...)"
// text; node ordering (fewest active tasks of the service, then fewest active tasks in all);
// the group placement (first pass, then round-robin, the batch-spreading quirk); spread
// preferences, nested; global services; reservations and host ports held by running tasks;
// drained, paused and down nodes; scale-down from the nodes with the most copies; rolling
// updates slot by slot (stop-first frees the old task's slot, not its reservation).
//
// What is not: the plugin and CSI volume filters (every node is taken to have the built-in
// drivers), the recent-failures rule of node ordering (no failure history is read), restart
// delays. Where swarm picks at random among equal nodes (Go map order), the model takes
// nodes in hostname order (or a seeded shuffle with Options::seed), so counts per node are
// exact and identities only where swarm's own choice is forced.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace stackc::swarm::sched {

struct Resources {
  std::int64_t nano_cpus = 0;
  std::int64_t memory_bytes = 0;
  std::map<std::string, std::int64_t> generic;  // kind -> count (discrete, or named items)
  bool empty() const { return nano_cpus == 0 && memory_bytes == 0 && generic.empty(); }
};

struct Node {
  std::string id;
  std::string hostname;
  std::string role = "worker";          // manager | worker
  std::string availability = "active";  // active | pause | drain
  std::string state = "ready";          // ready | down | unknown | disconnected
  std::string ip;
  std::string os = "linux";
  std::string arch = "x86_64";  // as the engine reports it (uname -m)
  std::map<std::string, std::string> labels;
  std::map<std::string, std::string> engine_labels;
  Resources capacity;
};

struct HostPort {
  std::string protocol = "tcp";
  std::uint32_t port = 0;
  bool operator==(const HostPort&) const = default;
};

struct UpdatePolicy {
  std::uint64_t parallelism = 1;  // 0: every task at once
  std::int64_t delay_ns = 0;
  std::int64_t monitor_ns = 5'000'000'000;
  std::string order = "stop-first";  // stop-first | start-first
  std::string failure_action = "pause";
  double max_failure_ratio = 0;
};

enum class Mode { replicated, global, replicated_job, global_job };
std::string_view to_string(Mode mode);

// What a service asks of the scheduler: the placement-relevant part of its spec.
struct ServiceSpec {
  Mode mode = Mode::replicated;
  std::uint64_t replicas = 1;  // replicated modes
  std::vector<std::string> constraints;
  std::vector<std::pair<std::string, std::string>> platforms;  // (os, architecture)
  std::vector<std::string> preferences;                        // spread descriptors, in order
  std::uint64_t max_replicas = 0;                              // 0: no limit
  Resources reservations;
  std::vector<HostPort> host_ports;  // mode=host ports with a published number
  UpdatePolicy update;
  UpdatePolicy rollback;
};

// A task holding a place now (observed ASSIGNED..RUNNING, desired RUNNING or below).
struct Task {
  std::string node_id;
  std::string slot;  // "3" for replicated tasks; informational
};

// A service the swarm runs now, with its tasks.
struct LiveService {
  std::string name;
  ServiceSpec spec;
  std::vector<Task> tasks;
};

struct Cluster {
  std::vector<Node> nodes;
  std::vector<LiveService> services;  // every service of the swarm
};

// How a service of the stack changes with the deploy.
enum class Change {
  create,     // new service: every task is placed
  update,     // the task spec changed: a rolling update replaces every task
  scale,      // only the replica count changed: tasks are added or removed
  unchanged,  // tasks stay where they are
};
std::string_view to_string(Change change);

struct ServiceRequest {
  std::string name;  // the engine name, <stack>_<key>
  ServiceSpec spec;
  Change change = Change::create;
};

enum class Strategy { spread, binpack, random };
std::string_view to_string(Strategy strategy);

struct Options {
  Strategy strategy = Strategy::spread;
  std::optional<std::uint64_t> seed;  // ties among equal nodes: hostname order, or seeded
  std::vector<std::string> drain;     // what-if: node hostnames or IDs
  std::vector<std::string> down;
};

struct Pending {
  std::uint64_t count = 0;
  std::string reason;  // swarm's Status.Err text: "no suitable node (...)"
};

// The rolling update of one service (update_config), or later its rollback (rollback_config).
struct Rollout {
  std::string kind = "update";  // "update"; a rollback preview uses "rollback"
  std::uint64_t tasks = 0;      // tasks replaced
  std::uint64_t parallelism = 0;
  std::uint64_t batches = 0;
  std::string order;
  std::int64_t delay_ns = 0;
  std::int64_t monitor_ns = 0;
  // Offsets of each batch's start from the update's start, assuming tasks start instantly;
  // each real batch also waits for its tasks to reach RUNNING.
  std::vector<std::int64_t> batch_starts_ns;
  // Until UpdateStatus says completed: batches × delay plus the monitor tail, without the
  // tasks' start time (the estimate adds `batches × task start` to it).
  std::int64_t duration_ns = 0;
  std::uint64_t min_running = 0;  // fewest running tasks during the update; 0 is an outage
  std::uint64_t extra_tasks = 0;  // start-first: tasks running beside the old ones
  // start-first: why the extra tasks cannot all be placed (reservations, host ports, max per
  // node); empty when they can.
  std::string extra_capacity_problem;
};

// What keeps a task off every node for good, for pointing at the line that causes it.
enum class Cause { none, constraints, platform, resources, max_replicas, host_ports };

struct ServiceOutcome {
  std::string name;
  Mode mode = Mode::replicated;
  Change change = Change::create;
  std::uint64_t desired = 0;                   // replicas, or nodes a global service targets
  std::map<std::string, std::uint64_t> now;    // node ID -> tasks running now
  std::map<std::string, std::uint64_t> tasks;  // node ID -> tasks after the deploy
  std::vector<Pending> pending;
  std::vector<std::string> spofs;  // single points of failure, one sentence each
  std::optional<Rollout> rollout;
  // Preflight: the tasks no node of the swarm could ever take (constraints, platform, a
  // reservation above every node, max replicas per node × eligible nodes < replicas, host
  // ports); 0 when a shortfall only comes from what runs now.
  std::uint64_t never_placeable = 0;
  std::string never_reason;
  Cause never_cause = Cause::none;
};

// --drain / --down: where the node's tasks go.
struct WhatIf {
  std::string node_id;
  std::string kind;  // "drain" | "down"
  struct Moved {
    std::string service;
    std::map<std::string, std::uint64_t> to;  // node ID -> tasks placed there
    std::vector<Pending> pending;             // tasks that find no node
    std::uint64_t lost_global = 0;            // global tasks that simply stop
  };
  std::vector<Moved> services;  // stack services with tasks on the node
};

struct Prediction {
  Strategy strategy = Strategy::spread;
  std::vector<Node> nodes;  // as given, for names
  std::vector<ServiceOutcome> services;
  std::vector<WhatIf> what_ifs;
  // After the what-ifs: where each stack service's tasks are.
  std::map<std::string, std::map<std::string, std::uint64_t>> after_what_ifs;
  // After the what-ifs: every task of a replicated stack service that has no node, with the
  // text swarm gives then (it re-explains all pending tasks of a service at each tick).
  std::map<std::string, Pending> pending_after_what_ifs;
  std::vector<std::string> unknown_nodes;  // --drain/--down names that match no node
  std::string hostname(const std::string& node_id) const;
};

// Places the stack's services on `cluster` (services of the cluster with the same name are
// the live versions of the stack's), in order, then applies the what-ifs.
Prediction predict(const Cluster& cluster, const std::vector<ServiceRequest>& stack,
                   const Options& options);

// Deploy's preflight, from a prediction against the live swarm: an error for tasks no node can
// ever take; warnings for tasks only what runs now keeps pending, for an update that stops
// every task at once, and for start-first without room beside the old tasks.
struct Finding {
  bool error = false;
  std::string service;
  Cause cause = Cause::none;  // errors; warnings about the update use Cause::none
  bool about_update = false;  // the cause is update_config
  std::string message;
};
std::vector<Finding> preflight_findings(const Prediction& prediction);

// --- pieces, exposed for tests.

// swarm's constraint syntax; an error for what swarm refuses at create.
struct Constraint {
  std::string key;  // lower-cased
  bool equal = true;
  std::string value;
};
std::optional<Constraint> parse_constraint(std::string_view text, std::string* error);
bool node_matches(const Constraint& constraint, const Node& node);

// Slots per node for the update estimate: the batches and min running of `tasks` tasks.
Rollout plan_rollout(std::uint64_t tasks, const UpdatePolicy& policy);

}  // namespace stackc::swarm::sched
