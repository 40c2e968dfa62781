// The scheduler's preflight for deploy and diff: the live nodes against the plan, before any
// write. What the model finds becomes STK070 (a task no node of this swarm can ever take: an
// error unless --allow-pending) or STK071 (pending only because of what runs now, an update
// that stops every task, start-first without room: warnings), printed at the line that causes
// it. The deploy library is told only whether to refuse.

#include <fmt/format.h>
#include <nlohmann/json.hpp>  // the engine's lists are read here

#include "backends/swarm/schedule.h"
#include "backends/swarm/schedule_input.h"
#include "cli/commands.h"
#include "cli/front_end.h"

namespace stackc {

namespace {

// Where a finding points: the constraint, the reservation, ... of the service.
SourceLoc cause_location(const ir::Service& service, const swarm::sched::Finding& finding) {
  const ir::Deploy& deploy = service.deploy;
  using swarm::sched::Cause;
  if (finding.about_update && deploy.update_config) {
    return deploy.update_config->parallelism ? deploy.update_config->parallelism.loc
                                             : deploy.update_config->loc;
  }
  switch (finding.cause) {
    case Cause::constraints:
      if (deploy.placement.constraints.loc.has_line()) {
        return deploy.placement.constraints.loc;
      }
      break;
    case Cause::resources:
      if (deploy.reservations.loc.has_line()) {
        return deploy.reservations.loc;
      }
      break;
    case Cause::max_replicas:
      if (deploy.placement.max_replicas_per_node) {
        return deploy.placement.max_replicas_per_node.loc;
      }
      break;
    case Cause::host_ports:
      for (const ir::Port& port : service.ports) {
        if (port.mode && *port.mode == "host") {
          return port.loc;
        }
      }
      break;
    case Cause::platform:
      if (service.image) {
        return service.image.loc;
      }
      break;
    case Cause::none:
      break;
  }
  return deploy.replicas ? deploy.replicas.loc : service.loc;
}

}  // namespace

swarm::PreflightCheck schedule_preflight(const GlobalOptions& global, swarm::Engine& engine,
                                         std::shared_ptr<const FrontEnd> front, std::string stack,
                                         bool allow_pending) {
  return [&global, &engine, front = std::move(front), stack = std::move(stack), allow_pending](
             const swarm::DesiredStack& desired, const swarm::LiveStack&, const swarm::Plan& plan,
             std::vector<swarm::PreflightProblem>& out) {
    bool writes_services = false;
    for (const auto& wave : plan.service_waves) {
      for (const swarm::PlannedObject& service : wave) {
        writes_services = writes_services || service.action != swarm::Action::unchanged;
      }
    }
    if (!writes_services) {
      return;  // nothing is placed anew: no need to read every node and task
    }
    auto nodes = engine.list_nodes();
    auto services = nodes ? engine.list_services() : nodes;
    auto tasks = services ? engine.list_tasks() : services;
    if (!tasks) {
      out.push_back({true, "reading the swarm's nodes and tasks: " + tasks.error().describe()});
      return;
    }
    swarm::sched::Cluster cluster = swarm::sched::cluster_from_engine(*nodes, *services, *tasks);
    swarm::sched::Prediction prediction =
        swarm::sched::predict(cluster, swarm::sched::requests_from_plan(desired, plan), {});
    Diagnostics diags;
    size_t refused = 0;
    for (const swarm::sched::Finding& finding : swarm::sched::preflight_findings(prediction)) {
      std::string key = finding.service.substr(std::min(finding.service.size(), stack.size() + 1));
      const ir::Service* service = front->stack ? front->stack->find_service(key) : nullptr;
      SourceLoc loc = service ? cause_location(*service, finding) : SourceLoc{};
      if (finding.error && !allow_pending) {
        ++refused;
        diags.error("STK070", loc, finding.message);
      } else {
        diags.warning(finding.error ? "STK070" : "STK071", loc, finding.message);
      }
    }
    print_to_stderr(global, diags);
    if (refused > 0) {
      swarm::PreflightProblem problem;
      problem.message = fmt::format(
          "{} service(s) have tasks no node can take (--allow-pending deploys anyway)", refused);
      problem.invalid_stack = true;
      out.push_back(std::move(problem));
    }
  };
}

}  // namespace stackc
