#pragma once
// Plan: what a deploy would do, computed offline from the desired stack (convert) and the live
// stack (live.h). Nothing here talks to the engine, so the planner is tested on JSON fixtures.
//
// Deciding "unchanged": both the desired ServiceSpec and the live Spec are normalized and then
// compared. Normalization fills the defaults the daemon and swarmkit add (replicas 1, restart
// any/5s, update and rollback 1/pause/5s/stop-first, stop grace 10s, vip, tcp/ingress,
// isolation "default", runtime "container"), folds the values Go omits (null, false, 0, "",
// [], {}) into absence, drops what the engine owns (ForceUpdate, secret/config IDs, platforms
// the client added), maps network IDs to names, and sorts the lists whose order means nothing
// (Env, Networks, Secrets, Configs, Ports, constraints, capabilities). The image is equal when
// the live spec holds the desired reference pinned to a digest (`nginx:1.19@sha256:...`) and the
// com.docker.stack.image label matches, as the reference's `--resolve-image changed|never` does.
//
// Secrets and configs are content-addressed (see man/stackc-deploy.1): an object whose content
// changed is created anew as `<name>-<first 10 hex of sha256(content)>` and the services are
// repointed; the old revision is removed once no service of the stack uses it.

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <tl/expected.hpp>

#include "backends/swarm/convert.h"
#include "backends/swarm/live.h"

namespace stackc::swarm {

enum class ObjectKind { network, secret, config, service };
enum class Action { create, update, unchanged, remove };

std::string_view to_string(ObjectKind kind);
std::string_view to_string(Action action);

struct FieldChange {
  std::string path;       // "TaskTemplate.ContainerSpec.Image"
  std::string old_value;  // JSON text; empty when the field is added
  std::string new_value;  // JSON text; empty when the field is removed
  // The compose path and file:line that set the new value; when no line does, `derived` says
  // why it is what it is ("engine default", "not set in the files", the reference's value).
  Origin origin{};
};

struct PlannedObject {
  ObjectKind kind = ObjectKind::service;
  Action action = Action::unchanged;
  std::string key;   // the compose key (empty for pruned objects)
  std::string name;  // the engine name
  std::string id;    // live ID (update/unchanged/remove)
  std::uint64_t version = 0;
  // What to send (create/update): the desired spec after repointing secrets/configs to their
  // current revision, with ForceUpdate and a pinned image carried over from the live spec.
  // Secret/config IDs are filled in by apply, once every object exists.
  std::string spec_json;
  std::vector<FieldChange> changes;  // update: what differs after normalization
  std::string reason;                // "content changed", "not declared (--prune)", ...
  Origin origin{};                   // services, secrets, configs: where the files declare it
  // Secrets and configs: never the data.
  std::string content_sha256;
  size_t content_size = 0;
  std::vector<std::string> depends_on;  // services: compose keys
  std::string image;                    // services: the image as written (the stack label)
  bool reuse_live_image = true;         // services: see DesiredService
};

struct Plan {
  std::string stack;
  std::vector<PlannedObject> networks;
  std::vector<PlannedObject> secrets;
  std::vector<PlannedObject> configs;
  // Services in depends_on order: every service of wave N depends only on waves < N.
  std::vector<std::vector<PlannedObject>> service_waves;
  // Removed after the services were updated: pruned services, then secrets and configs
  // (pruned ones and unused old revisions), then networks.
  std::vector<PlannedObject> removals;
  std::vector<std::string> warnings;
  // Name -> ID of every live secret and config (external ones included), for the references
  // in service specs; apply adds the ones it creates.
  std::map<std::string, std::string> secret_ids;
  std::map<std::string, std::string> config_ids;
  size_t count(Action action) const;
  bool has_changes() const;
};

struct PlanOptions {
  bool prune = false;
};

// Preflight failures (all of them, one sentence each) or the plan.
tl::expected<Plan, std::vector<std::string>> make_plan(const DesiredStack& desired,
                                                       const LiveStack& live,
                                                       const PlanOptions& options);

// --- pieces, exposed for apply (re-planning one service after an out-of-sequence update) and
// for tests.

// Network ID -> name, to read the Targets of live service attachments.
using NetworkNames = std::map<std::string, std::string>;
NetworkNames network_names(const LiveStack& live);

// The comparable form of a ServiceSpec (JSON text in, JSON text out; "" on invalid JSON).
// `api_version` is the engine's ("" = current): fields an older engine drops are left out.
std::string normalize_service_spec(std::string_view spec_json, const NetworkNames& names,
                                   std::string_view api_version = {});

// Field-level differences between two JSON documents (objects recurse; arrays of equal length
// recurse by index, other arrays are compared whole).
std::vector<FieldChange> diff_json(std::string_view old_json, std::string_view new_json);

// Plans one service: create when `live` is null, else update or unchanged. `desired_spec_json`
// is the desired spec after repointing secrets/configs.
PlannedObject plan_service(const DesiredService& desired, const std::string& desired_spec_json,
                           const LiveObject* live, const NetworkNames& names,
                           std::string_view api_version = {});

// Sets each change's origin from `origins` (see find_origin); a change no line accounts for is
// an engine default when it has a new value, else a field the files no longer set.
void attach_origins(std::vector<FieldChange>& changes, const Origins& origins);

// Topological waves of the services by depends_on (unknown names are ignored); the error names
// a cycle: "depends_on cycle: a -> b -> a".
tl::expected<std::vector<std::vector<std::string>>, std::string> dependency_waves(
    const std::vector<DesiredService>& services);

// Environment values whose name suggests a credential (PASS, SECRET, TOKEN, KEY, ...) are never
// shown, by diff or compile: "NAME=value" becomes "NAME=<redacted, N bytes>". Other entries are
// returned unchanged.
std::string redact_env_entry(std::string_view entry);

// Kind of the Mode of a ServiceSpec: "replicated", "global", "replicated-job", "global-job".
std::string service_mode(std::string_view spec_json);

}  // namespace stackc::swarm
