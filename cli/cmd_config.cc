// stackc config: the merged, interpolated, normalized stack as `docker stack config` prints it.

#include <iostream>

#include "cli/commands.h"
#include "cli/exit_status.h"
#include "cli/front_end.h"
#include "compiler/config_yaml.h"

namespace stackc {

int run_config(const GlobalOptions& global, const ConfigOptions& options) {
  FrontEnd front;
  run_front_end(global, options.files, options.env_files, front);
  if (!front.stack) {
    return front.exit_status;
  }
  std::cout << format_config_yaml(*front.stack);
  return k_exit_ok;
}

}  // namespace stackc
