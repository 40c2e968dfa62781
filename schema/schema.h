#pragma once
// Structural check of a stack file against stackc's own JSON Schema for compose 3.0–3.13
// (schema/compose-v3.schema.json, embedded in the binary). Runs on the source-mapped tree after
// interpolation and before the typed IR, like docker/cli's schema.Validate, but reports every
// mistake (not only the first) at its file:line:col, in our words. Codes: schema/README.md.
//
// The compiled schema is built once per process on first use (thread-safe), so many files may be
// validated in parallel. Custom formats (durations, port specs) are not checked here.

#include <string_view>

#include "compiler/diag.h"
#include "compiler/snode.h"

namespace stackc {

// Validates one stack file's tree (its root mapping) and appends one diagnostic per mistake.
void validate_schema(const SNode& root, Diagnostics& diags);

// The embedded schema text (compose-v3.schema.json as built into the binary).
std::string_view compose_schema_json();

}  // namespace stackc
