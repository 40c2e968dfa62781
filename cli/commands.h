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
