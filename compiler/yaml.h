#pragma once
// The YAML layer: one stack file -> the source-mapped tree (compiler/snode.h). The only code that
// includes libyaml (in yaml.cc). Builds the tree from libyaml's event parser (go-yaml v3, the
// reference's parser in docker/cli 28, is a port of libyaml) and adds what the reference does on
// top of its events: `<<` merge keys, duplicate-key errors, alias expansion under a budget, scalar
// resolution, and clear errors with locations for bad input (tabs, unclosed quotes, binary, huge or
// deeply nested files, alias bombs).
//
// Diagnostic codes:
//   STK001 syntax or encoding error, file too large      STK005 nesting too deep, too many nodes
//   STK002 duplicate key                                 STK006 empty file, not a mapping, 2nd doc
//   STK003 bad `<<` merge value                          STK007 key that is not a string
//   STK004 unknown/recursive alias, alias budget         STK008 explicit tag does not fit value

#include <cstddef>
#include <optional>

#include "compiler/diag.h"
#include "compiler/snode.h"
#include "compiler/source.h"

namespace stackc {

struct YamlLimits {
  // Larger files are rejected before parsing: a compose file of 1000 services is ~600 KB, so
  // nothing legitimate comes near this.
  size_t max_file_size = 16 * 1024 * 1024;
  // Nesting of sequences/mappings. libyaml 0.2.5 has no limit of its own; this is far above any
  // real stack file (~8 levels).
  size_t max_depth = 128;
  // Nodes in the tree, parsed or copied from aliases (~170 bytes each while parsing). A
  // 1000-service stack has ~47 000; the cap keeps a file of `[1,1,1,...` under ~100 MiB.
  size_t max_nodes = 500'000;
  // Nodes produced by expanding aliases (including `<<: *x`); stops billion-laughs files before
  // they allocate. 1000 services each merging a 30-node anchor use 30 000.
  size_t max_alias_nodes = 200'000;
};

// Parses one stack file into the source-mapped tree. Errors go to `diags` with file:line:col;
// returns nullopt when any error was reported (the tree is then not trustworthy). The root is
// always a mapping. Entries keep file order; entries brought in by `<<` take the place of the
// `<<` key and keep the locations where they were written. A node copied from an alias is
// located at the alias (`*name`), its content where the anchor's content was written. An empty
// value (`key:`) is located at its key.
std::optional<SNode> parse_yaml(const SourceFile& file, Diagnostics& diags,
                                const YamlLimits& limits = {});

}  // namespace stackc
