#include "cli/plan_output.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>
#include <ostream>

namespace stackc {

namespace {

using swarm::Action;
using swarm::PlannedObject;

template <typename F>
void for_each_change(const swarm::Plan& plan, F&& f) {
  auto visit = [&](const std::vector<PlannedObject>& objects) {
    for (const PlannedObject& object : objects) {
      if (object.action != Action::unchanged) {
        f(object);
      }
    }
  };
  visit(plan.networks);
  visit(plan.secrets);
  visit(plan.configs);
  for (const auto& wave : plan.service_waves) {
    visit(wave);
  }
  visit(plan.removals);
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

// Why the object is listed, and for secrets and configs their content as hash and size.
std::vector<std::string> object_notes(const PlannedObject& object) {
  std::vector<std::string> notes;
  if (!object.reason.empty()) {
    notes.push_back(object.reason);
  }
  if (object.action == Action::remove) {
    return notes;
  }
  bool file_object =
      object.kind == swarm::ObjectKind::secret || object.kind == swarm::ObjectKind::config;
  if (file_object && !object.content_sha256.empty()) {
    notes.push_back(fmt::format("sha256:{}, {} bytes", object.content_sha256.substr(0, 12),
                                object.content_size));
  }
  // A created object, or a new revision of a secret or config: where the files declare it.
  if (object.action == Action::create && !object.origin.compose_path.empty()) {
    notes.push_back(object.origin.file.empty() ? object.origin.compose_path
                                               : fmt::format("{} at {}", object.origin.compose_path,
                                                             origin_label(object.origin)));
  }
  return notes;
}

std::string summary(const swarm::Plan& plan) {
  return fmt::format("stack {}: {} to create, {} to update, {} to remove, {} unchanged", plan.stack,
                     plan.count(Action::create), plan.count(Action::update),
                     plan.count(Action::remove), plan.count(Action::unchanged));
}

std::string or_none(const std::string& value) { return value.empty() ? "(none)" : value; }

// Text for HTML (and so Markdown) content; `|` too, which would end a table cell.
std::string html(std::string_view text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '|':
        out += "&#124;";
        break;
      case '\n':
        out += ' ';
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string code(std::string_view text) { return "<code>" + html(text) + "</code>"; }

}  // namespace

std::string origin_label(const swarm::Origin& origin) {
  if (origin.file.empty()) {
    return origin.derived;
  }
  std::string at = origin.line > 0 ? fmt::format("{}:{}", origin.file, origin.line) : origin.file;
  return origin.derived.empty() ? at : at + ", " + origin.derived;
}

std::string change_name(const swarm::FieldChange& change) {
  return change.origin.compose_path.empty() ? change.path : change.origin.compose_path;
}

void print_plan_text(std::ostream& out, const swarm::Plan& plan, const PlanPrintOptions& options) {
  for_each_change(plan, [&](const PlannedObject& object) {
    std::vector<std::string> notes = object_notes(object);
    out << fmt::format("{} {} {}{}\n", marker(object.action), swarm::to_string(object.kind),
                       object.name,
                       notes.empty() ? "" : fmt::format(" ({})", fmt::join(notes, "; ")));
    for (const swarm::FieldChange& change : object.changes) {
      std::string where = origin_label(change.origin);
      out << fmt::format("    {}{}: {} -> {}\n", change_name(change),
                         where.empty() ? "" : " (" + where + ")", or_none(change.old_value),
                         or_none(change.new_value));
      if (options.verbose) {
        out << fmt::format("        engine: {}\n", change.path);
      }
    }
  });
  out << summary(plan) << "\n";
}

void print_plan_json(std::ostream& out, const swarm::Plan& plan) {
  using nlohmann::json;
  json changes = json::array();
  auto value = [](const std::string& text) {
    return text.empty() ? json() : json::parse(text, nullptr, false);
  };
  for_each_change(plan, [&](const PlannedObject& object) {
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
        json field = {{"path", change.path},
                      {"old", value(change.old_value)},
                      {"new", value(change.new_value)}};
        const swarm::Origin& origin = change.origin;
        if (!origin.compose_path.empty()) {
          field["compose_path"] = origin.compose_path;
        }
        if (!origin.file.empty()) {
          field["file"] = origin.file;
          field["line"] = origin.line;
        }
        if (!origin.derived.empty()) {
          field["derived"] = origin.derived;
        }
        fields.push_back(std::move(field));
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

void print_plan_markdown(std::ostream& out, const swarm::Plan& plan,
                         const PlanPrintOptions& options) {
  out << fmt::format("**stackc diff**: {}\n", html(summary(plan)));
  if (!plan.warnings.empty()) {
    out << "\n";
    for (const std::string& warning : plan.warnings) {
      out << fmt::format("> **warning:** {}\n", html(warning));
    }
  }
  for_each_change(plan, [&](const PlannedObject& object) {
    std::vector<std::string> notes = object_notes(object);
    std::string fields = object.changes.empty()
                             ? ""
                             : fmt::format(": {} field{}", object.changes.size(),
                                           object.changes.size() == 1 ? "" : "s");
    out << fmt::format("\n<details><summary><code>{}</code> {} {} {}{}</summary>\n\n",
                       marker(object.action), swarm::to_string(object.action),
                       swarm::to_string(object.kind), code(object.name), fields);
    for (const std::string& note : notes) {
      out << fmt::format("- {}\n", html(note));
    }
    if (!object.changes.empty()) {
      if (!notes.empty()) {
        out << "\n";
      }
      out << (options.verbose ? "| field | set by | engine path | old | new |\n"
                                "| --- | --- | --- | --- | --- |\n"
                              : "| field | set by | old | new |\n| --- | --- | --- | --- |\n");
      for (const swarm::FieldChange& change : object.changes) {
        std::string engine = options.verbose ? code(change.path) + " | " : "";
        out << fmt::format("| {} | {} | {}{} | {} |\n", code(change_name(change)),
                           html(origin_label(change.origin)), engine,
                           code(or_none(change.old_value)), code(or_none(change.new_value)));
      }
    }
    out << "\n</details>\n";
  });
}

}  // namespace stackc
