#pragma once

namespace stackc {

// Parses the command line, runs one subcommand and returns the process exit status
// (see cli/exit_status.h and man/stackc.1).
int stackc_main(int argc, char** argv);

}  // namespace stackc
