#pragma once
// Builds the typed IR of one stack file from its interpolated source-mapped tree, the way the
// reference's loader does (docker/cli cli/compose/loader): type checks, list-or-dict
// normalization, short syntax expansion, durations and sizes, paths resolved against the
// working directory. Every problem is reported with the location of the offending value.

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "compiler/diag.h"
#include "compiler/ir.h"
#include "compiler/snode.h"

namespace stackc {

struct BuildContext {
  // The first -c file's folder: relative bind sources, env_file and secret/config files
  // resolve against it, for every file (as the reference does).
  std::string working_dir;
  // Looks up a variable of the deploying environment ($HOME for "~", env_file "KEY" lines,
  // and the reference's rule that an empty environment value takes the shell's value).
  std::function<std::optional<std::string>(std::string_view)> lookup_env;
};

// Builds one file's stack. Returns nullopt only when the tree is unusable as a whole; smaller
// problems are reported to `diags` and the offending key is left out.
std::optional<ir::Stack> build_stack(const SNode& root, const BuildContext& context,
                                     Diagnostics& diags);

}  // namespace stackc
