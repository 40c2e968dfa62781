#pragma once
// Printing a plan (diff, deploy --dry-run): text, JSON and a Markdown pull-request comment.
// Each changed field is named by its compose path and the file:line that set it (see
// swarm::Origin); the engine path is in JSON always and in text and Markdown under --verbose.
// Secret and config contents are never printed: only their sha256 and size, and environment
// values whose name looks like a credential arrive redacted from the planner.

#include <iosfwd>

#include "backends/swarm/plan.h"

namespace stackc {

struct PlanPrintOptions {
  bool verbose = false;  // also the engine path of each field
};

void print_plan_text(std::ostream& out, const swarm::Plan& plan,
                     const PlanPrintOptions& options = {});
void print_plan_json(std::ostream& out, const swarm::Plan& plan);
// A summary line, then one collapsible <details> section per changed object.
void print_plan_markdown(std::ostream& out, const swarm::Plan& plan,
                         const PlanPrintOptions& options = {});

// How a change's origin reads: "front-1.1.yml:4" (and what the field is, when the origin says),
// or why no line sets it ("engine default").
std::string origin_label(const swarm::Origin& origin);
// The name a change is shown under: its compose path, else its engine path.
std::string change_name(const swarm::FieldChange& change);

}  // namespace stackc
