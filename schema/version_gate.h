#pragma once
// The keys compose 3.10–3.13 added, refused in files of an older version exactly where the
// reference's per-version schemas refuse them. One schema (compose-v3.schema.json) describes the
// newest version; this walk takes away what an older `version:` does not have.

#include "compiler/diag.h"
#include "compiler/snode.h"

namespace stackc {

// Reports (STK050) each key of `root` that its file's version does not have yet.
void check_version_gates(const SNode& root, Diagnostics& diags);

}  // namespace stackc
