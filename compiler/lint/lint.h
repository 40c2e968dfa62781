#pragma once
// The lint driver: runs the enabled rules over a loaded stack, grades their findings as the
// configuration says, applies inline and x-stackc suppressions, and reports the suppressions
// that suppressed nothing (STK199).
//
//   # stackc-disable-next-line STK160 image-tag -- pinned by digest in CI
//   services:
//     web:
//       x-stackc: {ignore: [STK162]}

#include <map>
#include <optional>
#include <string>
#include <vector>

#include <tl/expected.hpp>

#include "compiler/diag.h"
#include "compiler/ir.h"
#include "compiler/source.h"

namespace stackc::lint {

class Rule;

// Which rules run and at what severity. Keys are rule ids ("STK160").
struct LintSettings {
  std::map<std::string, bool> enabled;       // overrides Rule::enabled_by_default
  std::map<std::string, Severity> severity;  // overrides Rule::default_severity

  // Applies `other` over this (the command line over .stackc.yaml).
  void merge(const LintSettings& other);
  bool is_enabled(const Rule& rule) const;
  Severity severity_of(const Rule& rule) const;
};

// Parses "STK160", "image-tag", "error", ... into `settings`; the error names the bad word.
tl::expected<void, std::string> enable_rule(LintSettings& settings, const std::string& key,
                                            bool enabled);
tl::expected<void, std::string> set_severity(LintSettings& settings, const std::string& key,
                                             const std::string& severity);

// Reads a .stackc.yaml:
//   disable: [STK160, healthcheck-missing]
//   enable: [cpu-limit-missing]
//   severity: {image-tag: error, STK162: note}
// Problems are reported to `diags` (as errors without a code) and give nullopt.
std::optional<LintSettings> load_settings(const SourceFile& file, Diagnostics& diags);

// The nearest .stackc.yaml in the folder of `stack_file` or above it, or "".
std::string find_settings_file(const std::string& stack_file);

// The settings for a stack whose first file is `stack_file`: its nearest .stackc.yaml, read
// through `sources`, or the defaults when there is none. nullopt when that file cannot be read
// or is broken (reported to `diags`).
std::optional<LintSettings> settings_for(const std::string& stack_file, SourceManager& sources,
                                         Diagnostics& diags);

// Lints `stack` (nullptr when the front end failed: only the front end's diagnostics and the
// suppressions are then looked at). `front_end` holds what loading reported; everything ends
// up in `out`: front-end diagnostics first, then the findings sorted by file, line and column.
void lint_stack(const ir::Stack* stack, const LintSettings& settings, const Diagnostics& front_end,
                Diagnostics& out);

}  // namespace stackc::lint
