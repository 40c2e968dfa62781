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

// stackc compile: the Engine API specs `docker stack deploy` would send, offline.
struct CompileOptions {
  std::vector<std::string> files;
  std::vector<std::string> env_files;
  std::string stack;  // the namespace (STACK argument)
};
int run_compile(const GlobalOptions& global, const CompileOptions& options);

}  // namespace stackc
