#pragma once
// Merging several -c files into one stack, with the reference's semantics (docker/cli
// cli/compose/loader/merge.go, which uses mergo with override and append-slice):
//   - services match by name; scalars are overridden only by non-zero values, except the
//     reference's pointer fields (replicas, parallelism, retries, ...) which override when set;
//   - maps merge key by key; most lists are appended;
//   - ports merge by published port, secrets/configs by source, volumes by target (then sorted);
//     command/entrypoint are replaced; logging merges options unless the driver changes;
//   - top-level networks, volumes, secrets and configs are replaced entry by entry;
//   - only the first file's top-level x-* keys survive.

#include "compiler/ir.h"

namespace stackc {

// Merges `override` into `base`.
void merge_stack(ir::Stack& base, ir::Stack&& override);

}  // namespace stackc
