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
  std::optional<Connection> connection;
  Prepared prepared;
  // The registry is not asked: a diff compares with the com.docker.stack.image label, the way
  // `--resolve-image changed` decides. Lint errors do not stop a diff: it changes nothing.
  if (auto stop = prepare_plan(global, options.files, options.env_files, options.stack,
                               options.host, options.prune, swarm::ResolveImage::never, false,
                               /*refuse_lint_errors=*/false, connection, prepared)) {
    return *stop;
  }
  PlanPrintOptions print_options{options.verbose};
  if (options.format == "json") {
    print_plan_json(std::cout, prepared.plan);
  } else if (options.format == "markdown") {
    print_warnings(prepared.warnings);
    print_plan_markdown(std::cout, prepared.plan, print_options);
  } else {
    print_warnings(prepared.warnings);
    print_warnings(prepared.plan.warnings);
    print_plan_text(std::cout, prepared.plan, print_options);
  }
  return options.exit_code && prepared.plan.has_changes() ? int{k_exit_changes} : int{k_exit_ok};
}

}  // namespace stackc
