#pragma once
// The options each subcommand takes and the function that runs it. Only cli/stackc.cc knows
// about CLI11; the run_* functions see plain structs and return an exit status.

#include <string>
#include <vector>

namespace stackc {

struct GlobalOptions {
  bool no_color = false;
};

}  // namespace stackc

namespace stackc {

struct ConfigOptions {
  std::vector<std::string> files;
  std::vector<std::string> env_files;
};
int run_config(const GlobalOptions& global, const ConfigOptions& options);

}  // namespace stackc

namespace stackc {

struct LintOptions {
  std::vector<std::string> files;          // positional: each one a stack of its own
  std::vector<std::string> compose_files;  // -c: merged into one stack
  std::vector<std::string> env_files;
  std::string format;   // text | json | sarif | github; "" picks github under GitHub Actions
  bool strict = false;  // warnings fail too
  std::vector<std::string> disable, enable;  // rule ids or names
  bool list_rules = false;
  bool no_config = false;  // do not look for .stackc.yaml
  int jobs = 0;            // 0: one per CPU
};
int run_lint(const GlobalOptions& global, const LintOptions& options);

}  // namespace stackc
