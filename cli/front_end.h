#pragma once
// What every command that reads stack files shares: building the environment (process
// environment over --env-file files), running the front end, printing its diagnostics, and
// mapping the outcome to an exit status.

#include <optional>
#include <string>
#include <vector>

#include "backends/swarm/convert.h"
#include "cli/commands.h"
#include "compiler/diag.h"
#include "compiler/ir.h"
#include "compiler/source.h"

namespace stackc {

struct FrontEnd {
  SourceManager sources;
  Diagnostics diags;
  std::optional<ir::Stack> stack;
  int exit_status = 0;  // set when stack is empty
};

// Loads the stack of `files`; prints diagnostics to stderr (warnings too).
void run_front_end(const GlobalOptions& global, const std::vector<std::string>& files,
                   const std::vector<std::string>& env_files, FrontEnd& out);

// Prints diagnostics to stderr, coloured when stderr is a terminal and allowed.
void print_to_stderr(const GlobalOptions& global, const Diagnostics& diags);

// Front end, then convert, offline (compile, schedule --nodes); prints the diagnostics. The
// desired stack, or the exit status to stop with: an unreadable secret or config file is an
// I/O error (as an unreadable stack file is); anything else convert refuses makes the stack
// invalid.
tl::expected<swarm::DesiredStack, int> load_desired_stack(const GlobalOptions& global,
                                                          const std::vector<std::string>& files,
                                                          const std::vector<std::string>& env_files,
                                                          const std::string& stack);

// Runs the lint rules over the loaded `front.stack` and prints their error-level findings
// (warnings are lint's business). Returns how many there were, or nullopt when the
// .stackc.yaml cannot be used (printed too).
std::optional<size_t> print_lint_errors(const GlobalOptions& global, const std::string& first_file,
                                        FrontEnd& front);

}  // namespace stackc
