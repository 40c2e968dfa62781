#include "cli/front_end.h"

#include <iostream>

#include "cli/exit_status.h"
#include "compiler/envfile.h"
#include "compiler/interpolate.h"
#include "compiler/lint/lint.h"
#include "compiler/load.h"
#include "schema/schema.h"

namespace stackc {

void print_to_stderr(const GlobalOptions& global, const Diagnostics& diags) {
  print_diagnostics(std::cerr, diags, global.no_color ? Color::off : color_for_stderr());
}

void run_front_end(const GlobalOptions& global, const std::vector<std::string>& files,
                   const std::vector<std::string>& env_files, FrontEnd& out) {
  // --env-file values fill in what the process environment lacks; a later file wins.
  MapEnv from_files;
  bool env_files_ok = true;
  for (const std::string& path : env_files) {
    auto file = out.sources.load(path);
    if (!file) {
      out.diags.error("STK020", SourceLoc{}, file.error());
      out.exit_status = k_exit_usage;
      print_to_stderr(global, out.diags);
      return;
    }
    size_t errors = out.diags.error_count();
    add_env_vars(from_files, parse_dotenv(**file, out.diags));
    env_files_ok = env_files_ok && out.diags.error_count() == errors;
  }
  ProcessEnv process;
  LayeredEnv env(process, from_files);

  if (env_files_ok) {
    LoadOptions options;
    options.files = files;
    options.env = &env;
    options.check_tree = validate_schema;
    auto stack = load_stack(options, out.sources, out.diags);
    if (stack) {
      out.stack = std::move(*stack);
    } else {
      out.exit_status = stack.error() == LoadFailure::io ? k_exit_usage : k_exit_invalid;
    }
  } else {
    out.exit_status = k_exit_invalid;
  }
  print_to_stderr(global, out.diags);
}

std::optional<size_t> print_lint_errors(const GlobalOptions& global, const std::string& first_file,
                                        FrontEnd& front) {
  Diagnostics findings;
  std::optional<lint::LintSettings> settings =
      lint::settings_for(first_file, front.sources, findings);
  if (!settings) {
    print_to_stderr(global, findings);
    return std::nullopt;
  }
  // The front end's own diagnostics were printed already: lint only adds its findings.
  lint::lint_stack(&*front.stack, *settings, Diagnostics{}, findings);
  Diagnostics errors;
  for (const Diagnostic& finding : findings.items()) {
    if (finding.severity == Severity::error) {
      errors.report(finding.severity, finding.code, finding.loc, finding.message).notes =
          finding.notes;
    }
  }
  print_to_stderr(global, errors);
  return errors.error_count();
}

tl::expected<swarm::DesiredStack, int> load_desired_stack(const GlobalOptions& global,
                                                          const std::vector<std::string>& files,
                                                          const std::vector<std::string>& env_files,
                                                          const std::string& stack) {
  FrontEnd front;
  run_front_end(global, files, env_files, front);
  if (!front.stack) {
    return tl::make_unexpected(front.exit_status);
  }
  Diagnostics diags;
  auto desired = swarm::convert_stack(*front.stack, swarm::ConvertOptions{stack}, diags);
  print_to_stderr(global, diags);
  if (desired) {
    return std::move(*desired);
  }
  for (const Diagnostic& diagnostic : diags.items()) {
    if (diagnostic.severity == Severity::error && diagnostic.code == "STK062") {
      return tl::make_unexpected(int{k_exit_usage});
    }
  }
  return tl::make_unexpected(int{k_exit_invalid});
}

}  // namespace stackc
