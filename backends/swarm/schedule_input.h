#pragma once
// What the scheduler model (schedule.h) is fed: engine JSON (GET /nodes, /services, /tasks)
// or a nodes file, turned into a sched::Cluster; and ServiceSpecs (ours from convert, or the
// engine's) turned into sched::ServiceSpec. No engine calls here: the CLI reads, this converts.
//
// The nodes file (`stackc schedule --nodes FILE`, written by `--export-nodes`) is JSON,
// documented in man/stackc-schedule.1:
//   {"version": 1,
//    "nodes": [{"id", "hostname", "role", "availability", "state", "addr", "os", "arch",
//               "nano_cpus", "memory_bytes", "generic_resources": {"gpu": 2},
//               "labels": {}, "engine_labels": {}}],
//    "services": [{"name", "mode", "replicas", "constraints": [], "preferences": [],
//                  "max_replicas_per_node", "platforms": [{"os", "arch"}],
//                  "reservations": {"nano_cpus", "memory_bytes", "generic": {}},
//                  "host_ports": ["8080/tcp"], "tasks": [{"node", "slot"}]}]}
// A task's "node" is a node ID or hostname. Only "nodes[].hostname" is required; the rest
// defaults to an active, ready linux/x86_64 worker with no labels and no resources.

#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>

#include <tl/expected.hpp>

#include "backends/swarm/plan.h"
#include "backends/swarm/schedule.h"

namespace stackc::swarm::sched {

// The placement-relevant part of an Engine API ServiceSpec (JSON text).
tl::expected<ServiceSpec, std::string> spec_from_service_json(std::string_view spec_json);
ServiceSpec spec_from_service(const nlohmann::json& spec);

// The cluster from GET /nodes, GET /services and GET /tasks answers. Tasks count where they
// hold a place: observed ASSIGNED..RUNNING and desired RUNNING (or READY).
Cluster cluster_from_engine(const nlohmann::json& nodes, const nlohmann::json& services,
                            const nlohmann::json& tasks);

// The nodes file, read and written. Errors name the file and the JSON path.
tl::expected<Cluster, std::string> cluster_from_file_text(std::string_view text,
                                                          std::string_view file_name);
std::string cluster_to_file_text(const Cluster& cluster);

// The stack's services for predict(), in deploy order (depends_on waves, then name), with the
// change a deploy makes: from the plan against the live swarm (an update replaces tasks only
// when TaskTemplate or EndpointSpec differ; a replica change alone scales)...
std::vector<ServiceRequest> requests_from_plan(const DesiredStack& desired, const Plan& plan);
// ...or offline, against the services of a nodes file: there the image is not known, so a
// service counts as updated only when its placement, reservations or host ports differ.
std::vector<ServiceRequest> requests_offline(const DesiredStack& desired, const Cluster& cluster);

}  // namespace stackc::swarm::sched
