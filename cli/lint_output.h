#pragma once
// `stackc lint` output formats: compiler-style text, versioned JSON, SARIF 2.1.0 for GitHub
// code scanning, and GitHub Actions workflow commands (annotations). Pure functions from
// diagnostics to text; cmd_lint.cc decides where the text goes.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "compiler/diag.h"

namespace stackc {

enum class LintFormat { text, json, sarif, github };

std::optional<LintFormat> parse_lint_format(std::string_view name);

// What one `stackc lint` run found, over every stack it linted, in argument order.
struct LintRun {
  std::vector<Diagnostic> diagnostics;
  size_t stacks = 0;  // how many stacks (positional files, plus one for -c files)
};

// Compiler style with the source line and caret, except for findings whose source line holds
// a secret (secret-in-environment): those print only their first line.
std::string format_lint_text(const Diagnostic& diagnostic, Color color);

// {"version":1,"tool":{...},"diagnostics":[{...}],"summary":{...}}; ends with a newline.
std::string format_lint_json(const LintRun& run);
// One SARIF 2.1.0 log with one run. Result URIs are relative to `base_dir` (an absolute
// folder, normally the working directory) under the uriBaseId %SRCROOT%; diagnostics without
// a file position become tool execution notifications (SARIF results need a location).
std::string format_lint_sarif(const LintRun& run, const std::string& base_dir);
// One `::error file=..,line=..,col=..,title=..::message` line per diagnostic.
std::string format_lint_github(const LintRun& run);
// `--list-rules`: a table (text) or a JSON array (json).
std::string format_rule_list(LintFormat format);

// GitHub workflow-command escaping: data escapes %, CR and LF; property values also ':' and ','.
std::string escape_github_data(std::string_view text);
std::string escape_github_property(std::string_view text);

}  // namespace stackc
