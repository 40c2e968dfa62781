#pragma once
// The front end's driver: every pass from file names to one typed, merged stack.

#include <string>
#include <string_view>
#include <vector>

#include <tl/expected.hpp>

#include "compiler/diag.h"
#include "compiler/ir.h"
#include "compiler/snode.h"
#include "compiler/source.h"

namespace stackc {

class Env;

// A check of one file's interpolated tree before it is typed (the JSON schema, which lives in
// schema/ and depends on this library, so it is passed in rather than called from here).
using TreeCheck = void (*)(const SNode& root, Diagnostics& diags);

struct LoadOptions {
  std::vector<std::string> files;  // -c files, in order; "-" is standard input
  const Env* env = nullptr;        // variables for interpolation and the loader
  TreeCheck check_tree = nullptr;  // run on each file after interpolation
};

enum class LoadFailure {
  invalid,  // a file is not a valid stack file (exit 1)
  io,       // a file could not be read (exit 2)
};

// The minor number of a compose version the reference reads ("3.0" -> 0 ... "3.13" -> 13), or
// -1 for any other string: the reference picks its schema by the exact text.
int compose_minor(std::string_view version);

// Runs the front end: read, parse, check the version, interpolate, type each file on its own,
// then merge them and check the merged stack. Everything found is in `diags`.
tl::expected<ir::Stack, LoadFailure> load_stack(const LoadOptions& options, SourceManager& sources,
                                                Diagnostics& diags);

}  // namespace stackc
