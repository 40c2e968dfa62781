#pragma once
// Apply: carries out a Plan against the engine, in order: networks, secrets, configs, then the
// services wave by wave (depends_on), then removals (services, secrets/configs, networks).
// Within a phase or wave up to `parallel` objects are written at once, each worker with its own
// Engine (an Engine and its transport serve one thread at a time). The first failure stops
// new work: what is in flight finishes, nothing later starts, and the result lists what was
// done so that a re-run (which re-plans from the live state) converges.
//
// Service updates carry the inspected Version.Index; "update out of sequence" (someone else
// wrote the service meanwhile) re-inspects, re-plans that service and retries, a bounded
// number of times.

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "backends/swarm/convert.h"
#include "backends/swarm/engine.h"
#include "backends/swarm/live.h"
#include "backends/swarm/plan.h"

namespace stackc::swarm {

// A fresh Engine on its own transport (with the negotiated API version preset).
using EngineFactory = std::function<std::unique_ptr<Engine>()>;

struct ApplyOptions {
  int parallel = 4;
  int max_attempts = 5;  // per service update, counting out-of-sequence retries
  // How long a network removal waits for the tasks of removed services to let go of it.
  std::chrono::milliseconds network_release_timeout{30'000};
  // --with-registry-auth: image as written in the file -> X-Registry-Auth, sent with the
  // service create/update (the swarm keeps it so that nodes can pull private images).
  std::map<std::string, std::string> registry_auth;
  // Asked before each write starts; false stops the apply as a failure does, without an error
  // (a cancel, a lost lock). Empty: always go on.
  std::function<bool()> keep_going;
  // Told when a write starts (serially, like `report`).
  std::function<void(ObjectKind kind, Action action, const std::string& name)> started;
};

struct ApplyEvent {
  ObjectKind kind = ObjectKind::service;
  Action action = Action::unchanged;  // what was done (create/update/unchanged/remove)
  std::string name;
  bool ok = true;
  std::string detail;  // on failure the engine's words; else e.g. "retried after a conflict"
};

// One object apply wrote (or found unchanged).
struct AppliedObject {
  ObjectKind kind = ObjectKind::service;
  Action action = Action::unchanged;
  std::string name;
};

struct ApplyResult {
  std::vector<AppliedObject> objects;  // what was done, in the order it completed
  bool stopped = false;                // keep_going said no: later writes were not started
  size_t count(Action action) const;
  std::vector<std::string> warnings;  // engine warnings, objects kept because still in use
  std::optional<EngineError> error;   // the first failure
};

// `report` is called once per object as it completes, never concurrently.
ApplyResult apply_plan(const Plan& plan, Engine& engine, const EngineFactory& factory,
                       const ApplyOptions& options,
                       const std::function<void(const ApplyEvent&)>& report);

enum class ResolveImage { always, changed, never };

// What the reference client does before creating or updating a service (docker/cli
// deployServices + the moby client's ServiceCreate/ServiceUpdate with QueryRegistry):
//   always  - every service asks the registry (GET /distribution/{image}/json);
//   changed - new services, and services whose com.docker.stack.image label differs from the
//             image in the file; the others keep their live image;
//   never   - nobody asks; a service whose label matches keeps its live image.
// An answer pins the image to `name:tag@sha256:...` (a reference with a digest stays as
// written) and, when the registry lists platforms, sets TaskTemplate.Placement.Platforms to
// their {Architecture, OS} ("arm" blanked, as the client does for swarmkit#2294). No answer
// (unreachable, unauthorized, unknown) leaves the tag and adds the reference's warning.
// `registry_auth` (image as written -> X-Registry-Auth) goes with each query when present.
void resolve_images(Engine& engine, DesiredStack& desired, const LiveStack& live, ResolveImage mode,
                    const std::map<std::string, std::string>& registry_auth,
                    std::vector<std::string>& warnings);

// The reference's warning for an image that could not be pinned (moby client digestWarning,
// on one line).
std::string digest_warning(std::string_view image);

// `stackc rm`: removes the stack's services (sorted by name), then secrets, configs and
// networks, and waits (up to `timeout`) until its networks are gone so that an immediate
// redeploy works. Failures of single objects are reported and the rest continues.
struct RemoveResult {
  size_t removed = 0;
  size_t failed = 0;
  bool found_anything = false;
  bool timed_out = false;            // networks still present after the timeout
  std::optional<EngineError> error;  // listing failed: nothing was removed
};
// `waiting`, when given, hears how many of the stack's networks and live tasks are left after
// each look while the removal waits for them.
using RemoveWaiting = std::function<void(size_t networks, size_t tasks)>;
RemoveResult remove_stack(Engine& engine, std::string_view stack, std::chrono::milliseconds timeout,
                          const std::function<void(const ApplyEvent&)>& report,
                          const RemoveWaiting& waiting = {});

}  // namespace stackc::swarm
