// stackc diff: what `stackc deploy` would change, by object and field, in compose terms
// (cli/plan_output.h). Secret and config contents are never printed: only their sha256 and size.

#include <fmt/format.h>

#include <iostream>

#include "backends/swarm/plan.h"
#include "cli/commands.h"
#include "cli/exit_status.h"
#include "cli/plan_output.h"

namespace stackc {

int run_diff(const GlobalOptions& global, const DiffOptions& options) {
  if (options.format != "text" && options.format != "json" && options.format != "markdown") {
    std::cerr << fmt::format("stackc: error: invalid --format {} (text, json or markdown)\n",
                             options.format);
    return k_exit_usage;
  }
  PreparedStack prepared;
  // The registry is not asked: a diff compares with the com.docker.stack.image label, the way
  // `--resolve-image changed` decides. Lint errors do not stop a diff: it changes nothing.
  if (auto stop = prepare_stack(
          global, {options.files, options.env_files, options.stack, options.host}, prepared)) {
    return *stop;
  }
  swarm::DeployOptions plan_options;
  plan_options.prune = options.prune;
  plan_options.resolve_image = swarm::ResolveImage::never;
  swarm::Engine& engine = *prepared.connection->engine;
  auto planned = swarm::prepare_deploy(
      engine, std::move(prepared.desired), plan_options,
      schedule_preflight(global, engine, prepared.front, options.stack, options.allow_pending));
  if (!planned) {
    return print_deploy_error(planned.error());
  }
  PlanPrintOptions print_options{options.verbose};
  if (options.format == "json") {
    print_plan_json(std::cout, planned->plan);
  } else if (options.format == "markdown") {
    print_warnings(planned->warnings);
    print_plan_markdown(std::cout, planned->plan, print_options);
  } else {
    print_warnings(planned->warnings);
    print_warnings(planned->plan.warnings);
    print_plan_text(std::cout, planned->plan, print_options);
  }
  return options.exit_code && planned->plan.has_changes() ? int{k_exit_changes} : int{k_exit_ok};
}

}  // namespace stackc
