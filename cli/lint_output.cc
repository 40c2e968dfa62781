#include "cli/lint_output.h"

#include <cctype>
#include <filesystem>
#include <map>
#include <set>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/version.h"
#include "compiler/lint/registry.h"

namespace stackc {
namespace {

using nlohmann::json;

// Rule pages, relative to the root of the stackc source tree (the project has no published
// web location; a relative path is right in any clone or mirror).
constexpr std::string_view k_docs_base = "docs/rules/";

std::string_view severity_name(Severity severity) {
  switch (severity) {
    case Severity::error:
      return "error";
    case Severity::warning:
      return "warning";
    case Severity::note:
      return "note";
  }
  return "error";
}

const lint::Rule* rule_of(const Diagnostic& d) {
  return d.code.empty() ? nullptr : lint::find_rule(d.code);
}

std::string docs_uri(const lint::Rule& rule) {
  return fmt::format("{}{}-{}.md", k_docs_base, rule.id(), rule.name());
}

// The message with its notes, for formats that have one text field.
std::string full_message(const Diagnostic& d) {
  std::string text = d.message;
  for (const Note& note : d.notes) {
    if (note.loc.has_line()) {
      text += fmt::format("\nnote: {}:{}:{}: {}", note.loc.file->path(), note.loc.line,
                          note.loc.col, note.message);
    } else {
      text += "\nnote: " + note.message;
    }
  }
  return text;
}

// FNV-1a: a fingerprint that is the same on every platform and build.
std::string fingerprint(std::string_view text) {
  uint64_t hash = 14695981039346656037ull;
  for (unsigned char c : text) {
    hash ^= c;
    hash *= 1099511628211ull;
  }
  return fmt::format("{:016x}", hash);
}

std::string relative_uri(const std::string& path, const std::string& base_dir, bool& relative) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::path absolute = fs::absolute(path, ec).lexically_normal();
  fs::path rel = absolute.lexically_relative(base_dir);
  relative = !rel.empty() && *rel.begin() != "..";
  std::string raw = relative ? rel.generic_string() : "file://" + absolute.generic_string();
  // Percent-encode what a URI cannot hold as is.
  std::string out;
  for (unsigned char c : raw) {
    if (std::isalnum(c) ||
        std::string_view("-._~/:").find(static_cast<char>(c)) != std::string_view::npos) {
      out += static_cast<char>(c);
    } else {
      out += fmt::format("%{:02X}", c);
    }
  }
  return out;
}

}  // namespace

std::optional<LintFormat> parse_lint_format(std::string_view name) {
  if (name == "text") {
    return LintFormat::text;
  }
  if (name == "json") {
    return LintFormat::json;
  }
  if (name == "sarif") {
    return LintFormat::sarif;
  }
  if (name == "github") {
    return LintFormat::github;
  }
  return std::nullopt;
}

std::string format_lint_text(const Diagnostic& d, Color color) {
  // The line of a secret-in-environment finding is `KEY: value`: never echo it.
  if (d.code != "STK163" || !d.loc.has_line()) {
    return format_diagnostic(d, color);
  }
  // Same header as format_diagnostic: a note-level finding reads "info", not "note".
  std::string_view header = d.severity == Severity::note ? "info" : severity_name(d.severity);
  return fmt::format("{}:{}:{}: {}: {} [{}]\n", d.loc.file->path(), d.loc.line, d.loc.col, header,
                     d.message, d.code);
}

std::string format_lint_json(const LintRun& run) {
  json diagnostics = json::array();
  size_t counts[3] = {0, 0, 0};
  for (const Diagnostic& d : run.diagnostics) {
    ++counts[static_cast<int>(d.severity)];
    json item = {{"severity", severity_name(d.severity)}, {"code", d.code}, {"message", d.message}};
    if (const lint::Rule* rule = rule_of(d)) {
      item["rule"] = rule->name();
      item["docs"] = docs_uri(*rule);
    }
    if (d.loc.file != nullptr) {
      item["file"] = d.loc.file->path();
    }
    if (d.loc.has_line()) {
      item["line"] = d.loc.line;
      item["column"] = d.loc.col;
    }
    json notes = json::array();
    for (const Note& note : d.notes) {
      json n = {{"message", note.message}};
      if (note.loc.has_line()) {
        n["file"] = note.loc.file->path();
        n["line"] = note.loc.line;
        n["column"] = note.loc.col;
      }
      notes.push_back(std::move(n));
    }
    item["notes"] = std::move(notes);
    diagnostics.push_back(std::move(item));
  }
  json doc = {{"version", 1},
              {"tool", {{"name", "stackc"}, {"version", STACKC_VERSION}}},
              {"diagnostics", std::move(diagnostics)},
              {"summary",
               {{"stacks", run.stacks},
                {"errors", counts[static_cast<int>(Severity::error)]},
                {"warnings", counts[static_cast<int>(Severity::warning)]},
                {"notes", counts[static_cast<int>(Severity::note)]}}}};
  return doc.dump(2) + "\n";
}

std::string format_lint_sarif(const LintRun& run, const std::string& base_dir) {
  json rules = json::array();
  std::map<std::string, size_t> rule_index;
  auto add_rule = [&](const std::string& id, const std::string& name, std::string_view summary,
                      std::string_view level, const std::string& help) {
    rule_index[id] = rules.size();
    json rule = {{"id", id},
                 {"name", name},
                 {"shortDescription", {{"text", summary}}},
                 {"fullDescription", {{"text", summary}}},
                 {"help", {{"text", help}}},
                 {"defaultConfiguration", {{"level", level}}}};
    // No helpUri: SARIF wants an absolute URI there, and the page is a path in the source
    // tree, which help.text names.
    rules.push_back(std::move(rule));
  };
  for (const lint::Rule* rule : lint::all_rules()) {
    add_rule(
        std::string(rule->id()), std::string(rule->name()), rule->summary(),
        severity_name(rule->default_severity()),
        fmt::format("{}. See {} in the stackc source tree.", rule->summary(), docs_uri(*rule)));
  }
  // Front-end codes (YAML, interpolation, typing) that occur get a rule entry too.
  for (const Diagnostic& d : run.diagnostics) {
    if (!d.code.empty() && rule_index.count(d.code) == 0) {
      add_rule(d.code, "front-end", "A stack file the front end cannot read as written", "error",
               "YAML, interpolation or type check of the stack file (stackc config "
               "reports the same).");
    }
  }

  bool any_relative = false;
  json results = json::array();
  json notifications = json::array();
  for (const Diagnostic& d : run.diagnostics) {
    std::string level(severity_name(d.severity));
    if (!d.loc.has_line()) {
      notifications.push_back({{"level", level}, {"message", {{"text", full_message(d)}}}});
      continue;
    }
    bool relative = false;
    std::string uri = relative_uri(d.loc.file->path(), base_dir, relative);
    any_relative = any_relative || relative;
    json artifact = {{"uri", uri}};
    if (relative) {
      artifact["uriBaseId"] = "%SRCROOT%";
    }
    std::string code = d.code.empty() ? "stackc" : d.code;
    if (rule_index.count(code) == 0) {
      add_rule(code, "stackc", "A problem stackc reports outside any rule", "error",
               "A problem reading the stack or its configuration.");
    }
    json result = {
        {"ruleId", code},
        {"ruleIndex", rule_index[code]},
        {"level", level},
        {"message", {{"text", full_message(d)}}},
        {"locations",
         json::array({{{"physicalLocation",
                        {{"artifactLocation", artifact},
                         {"region", {{"startLine", d.loc.line}, {"startColumn", d.loc.col}}}}}}})},
        // Stable across edits that move lines: file, rule and message (names, not positions).
        {"partialFingerprints",
         {{"stackcFinding/v1", fingerprint(uri + "|" + code + "|" + d.message)}}}};
    json related = json::array();
    for (const Note& note : d.notes) {
      if (!note.loc.has_line()) {
        continue;
      }
      bool note_relative = false;
      json note_artifact = {{"uri", relative_uri(note.loc.file->path(), base_dir, note_relative)}};
      if (note_relative) {
        note_artifact["uriBaseId"] = "%SRCROOT%";
      }
      related.push_back(
          {{"id", related.size()},
           {"message", {{"text", note.message}}},
           {"physicalLocation",
            {{"artifactLocation", note_artifact},
             {"region", {{"startLine", note.loc.line}, {"startColumn", note.loc.col}}}}}});
    }
    if (!related.empty()) {
      result["relatedLocations"] = std::move(related);
    }
    results.push_back(std::move(result));
  }

  json invocation = {{"executionSuccessful", true}};
  if (!notifications.empty()) {
    invocation["toolExecutionNotifications"] = std::move(notifications);
  }
  json run_json = {{"tool",
                    {{"driver",
                      {{"name", "stackc"},
                       {"version", STACKC_VERSION},
                       {"semanticVersion", STACKC_VERSION},
                       {"rules", std::move(rules)}}}}},
                   {"invocations", json::array({std::move(invocation)})},
                   {"results", std::move(results)}};
  if (any_relative) {
    std::string base = base_dir;
    if (base.empty() || base.back() != '/') {
      base += '/';
    }
    run_json["originalUriBaseIds"] = {{"%SRCROOT%", {{"uri", "file://" + base}}}};
  }
  json doc = {{"$schema", "https://json.schemastore.org/sarif-2.1.0.json"},
              {"version", "2.1.0"},
              {"runs", json::array({std::move(run_json)})}};
  return doc.dump(2) + "\n";
}

std::string escape_github_data(std::string_view text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '%':
        out += "%25";
        break;
      case '\r':
        out += "%0D";
        break;
      case '\n':
        out += "%0A";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string escape_github_property(std::string_view text) {
  std::string out;
  for (char c : escape_github_data(text)) {
    if (c == ':') {
      out += "%3A";
    } else if (c == ',') {
      out += "%2C";
    } else {
      out += c;
    }
  }
  return out;
}

std::string format_lint_github(const LintRun& run) {
  std::string out;
  for (const Diagnostic& d : run.diagnostics) {
    std::string_view command = d.severity == Severity::error     ? "error"
                               : d.severity == Severity::warning ? "warning"
                                                                 : "notice";
    std::vector<std::string> properties;
    if (d.loc.file != nullptr) {
      properties.push_back("file=" + escape_github_property(d.loc.file->path()));
    }
    if (d.loc.has_line()) {
      properties.push_back(fmt::format("line={}", d.loc.line));
      properties.push_back(fmt::format("col={}", d.loc.col));
    }
    std::string title = d.code.empty() ? "stackc" : d.code;
    if (const lint::Rule* rule = rule_of(d)) {
      title += " " + std::string(rule->name());
    }
    properties.push_back("title=" + escape_github_property(title));
    out += fmt::format("::{} {}::{}\n", command, fmt::join(properties, ","),
                       escape_github_data(full_message(d)));
  }
  return out;
}

std::string format_rule_list(LintFormat format) {
  if (format == LintFormat::json) {
    json list = json::array();
    for (const lint::Rule* rule : lint::all_rules()) {
      list.push_back({{"id", rule->id()},
                      {"name", rule->name()},
                      {"severity", severity_name(rule->default_severity())},
                      {"enabled", rule->enabled_by_default()},
                      {"summary", rule->summary()},
                      {"docs", docs_uri(*rule)}});
    }
    return list.dump(2) + "\n";
  }
  std::string out;
  for (const lint::Rule* rule : lint::all_rules()) {
    out += fmt::format("{}  {:<30} {:<8}{} {}\n", rule->id(), rule->name(),
                       severity_name(rule->default_severity()),
                       rule->enabled_by_default() ? "    " : " off", rule->summary());
  }
  return out;
}

}  // namespace stackc
