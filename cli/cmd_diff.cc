// stackc diff: what `stackc deploy` would change, by object and field. Secret and config
// contents are never printed: only their sha256 and size.

#include <fmt/format.h>

#include <iostream>
#include <nlohmann/json.hpp>

#include "backends/swarm/plan.h"
#include "cli/commands.h"
#include "cli/exit_status.h"

namespace stackc {

namespace {

using swarm::Action;
using swarm::PlannedObject;

template <typename F>
void for_each_object(const swarm::Plan& plan, F&& f) {
  for (const PlannedObject& object : plan.networks) {
    f(object);
  }
  for (const PlannedObject& object : plan.secrets) {
    f(object);
  }
  for (const PlannedObject& object : plan.configs) {
    f(object);
  }
  for (const auto& wave : plan.service_waves) {
    for (const PlannedObject& object : wave) {
      f(object);
    }
  }
  for (const PlannedObject& object : plan.removals) {
    f(object);
  }
}

char marker(Action action) {
  switch (action) {
    case Action::create:
      return '+';
    case Action::update:
      return '~';
    case Action::remove:
      return '-';
    case Action::unchanged:
      return '=';
  }
  return '?';
}

std::string content_note(const PlannedObject& object) {
  if (object.kind != swarm::ObjectKind::secret && object.kind != swarm::ObjectKind::config) {
    return {};
  }
  if (object.content_sha256.empty()) {
    return {};
  }
  return fmt::format("sha256:{}, {} bytes", object.content_sha256.substr(0, 12),
                     object.content_size);
}

}  // namespace

void print_plan_text(std::ostream& out, const swarm::Plan& plan) {
  for_each_object(plan, [&](const PlannedObject& object) {
    if (object.action == Action::unchanged) {
      return;
    }
    std::vector<std::string> notes;
    if (!object.reason.empty()) {
      notes.push_back(object.reason);
    }
    if (object.action != Action::remove) {
      if (std::string note = content_note(object); !note.empty()) {
        notes.push_back(note);
      }
    }
    out << fmt::format("{} {} {}{}\n", marker(object.action), swarm::to_string(object.kind),
                       object.name,
                       notes.empty() ? "" : fmt::format(" ({})", fmt::join(notes, "; ")));
    for (const swarm::FieldChange& change : object.changes) {
      out << fmt::format("    {}: {} -> {}\n", change.path,
                         change.old_value.empty() ? "(none)" : change.old_value,
                         change.new_value.empty() ? "(none)" : change.new_value);
    }
  });
  out << fmt::format("stack {}: {} to create, {} to update, {} to remove, {} unchanged\n",
                     plan.stack, plan.count(Action::create), plan.count(Action::update),
                     plan.count(Action::remove), plan.count(Action::unchanged));
}

void print_plan_json(std::ostream& out, const swarm::Plan& plan) {
  using nlohmann::json;
  json changes = json::array();
  auto value = [](const std::string& text) {
    return text.empty() ? json() : json::parse(text, nullptr, false);
  };
  for_each_object(plan, [&](const PlannedObject& object) {
    if (object.action == Action::unchanged) {
      return;
    }
    json entry = {{"kind", swarm::to_string(object.kind)},
                  {"name", object.name},
                  {"action", swarm::to_string(object.action)}};
    if (!object.reason.empty()) {
      entry["reason"] = object.reason;
    }
    if (!object.content_sha256.empty() && object.action != Action::remove) {
      entry["sha256"] = object.content_sha256;
      entry["size"] = object.content_size;
    }
    if (!object.changes.empty()) {
      json fields = json::array();
      for (const swarm::FieldChange& change : object.changes) {
        fields.push_back({{"path", change.path},
                          {"old", value(change.old_value)},
                          {"new", value(change.new_value)}});
      }
      entry["fields"] = std::move(fields);
    }
    changes.push_back(std::move(entry));
  });
  json document = {{"stack", plan.stack},
                   {"changes", std::move(changes)},
                   {"warnings", plan.warnings},
                   {"summary",
                    {{"create", plan.count(Action::create)},
                     {"update", plan.count(Action::update)},
                     {"remove", plan.count(Action::remove)},
                     {"unchanged", plan.count(Action::unchanged)}}}};
  out << document.dump(2) << "\n";
}

int run_diff(const GlobalOptions& global, const DiffOptions& options) {
  if (options.format != "text" && options.format != "json") {
    std::cerr << fmt::format("stackc: error: invalid --format {} (text or json)\n", options.format);
    return k_exit_usage;
  }
  PreparedStack prepared;
  // The registry is not asked: a diff compares with the com.docker.stack.image label, the way
  // `--resolve-image changed` decides. Lint errors do not stop a diff: it changes nothing.
  if (auto stop = prepare_stack(
          global, {options.files, options.env_files, options.stack, options.host}, prepared)) {
    return *stop;
  }
  swarm::DeployOptions plan_options;
  plan_options.prune = options.prune;
  plan_options.resolve_image = swarm::ResolveImage::never;
  auto planned = swarm::prepare_deploy(*prepared.connection->engine, std::move(prepared.desired),
                                       plan_options);
  if (!planned) {
    return print_deploy_error(planned.error());
  }
  if (options.format == "json") {
    print_plan_json(std::cout, planned->plan);
  } else {
    print_warnings(planned->warnings);
    print_warnings(planned->plan.warnings);
    print_plan_text(std::cout, planned->plan);
  }
  return options.exit_code && planned->plan.has_changes() ? int{k_exit_changes} : int{k_exit_ok};
}

}  // namespace stackc
