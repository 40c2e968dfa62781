#include "compiler/lint/lint.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <set>
#include <tuple>

#include <fmt/format.h>

#include "compiler/lint/registry.h"
#include "compiler/lint/rule.h"
#include "compiler/yaml.h"

namespace stackc::lint {
namespace {

constexpr std::string_view k_next_line_marker = "stackc-disable-next-line";

// Front-end warnings (STK0xx) may be suppressed too; front-end errors never are.
bool is_front_end_code(std::string_view key) {
  return key.size() == 6 && (key.substr(0, 4) == "STK0" || key.substr(0, 4) == "stk0") &&
         std::isdigit(static_cast<unsigned char>(key[4])) &&
         std::isdigit(static_cast<unsigned char>(key[5]));
}

std::string upper(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  return out;
}

std::optional<Severity> parse_severity(std::string_view word) {
  if (word == "error") {
    return Severity::error;
  }
  if (word == "warning") {
    return Severity::warning;
  }
  if (word == "note" || word == "info") {
    return Severity::note;
  }
  return std::nullopt;
}

struct LineRange {
  const SourceFile* file = nullptr;
  uint32_t first = 0;
  uint32_t last = 0;
};

struct Suppression {
  SourceLoc loc;                  // the comment or the x-stackc entry, where STK199 points
  std::vector<LineRange> ranges;  // the lines it covers
  std::string rule;               // a rule id or a front-end code
  bool used = false;
};

size_t indent_of(std::string_view line) {
  size_t n = 0;
  while (n < line.size() && line[n] == ' ') {
    ++n;
  }
  return n;
}

bool is_blank_or_comment(std::string_view line) {
  size_t n = indent_of(line);
  return n == line.size() || line[n] == '#';
}

// The last line of the block that starts with the mapping key at (line, col): every following
// line indented deeper than the key (blank and comment lines in between do not end it).
uint32_t block_end(const SourceFile& file, uint32_t line, uint32_t col) {
  uint32_t end = line;
  for (uint32_t l = line + 1; l <= file.line_count(); ++l) {
    std::string_view text = file.line(l);
    if (is_blank_or_comment(text)) {
      continue;
    }
    if (indent_of(text) + 1 <= col) {
      break;
    }
    end = l;
  }
  return end;
}

// Splits "STK160, image-tag -- reason" into rule words (the reason is free text).
std::vector<std::string> rule_words(std::string_view text) {
  // The rules end at "-- reason" or at another comment on the line.
  size_t end = std::min(text.find("--"), text.find('#'));
  if (end != std::string_view::npos) {
    text = text.substr(0, end);
  }
  std::vector<std::string> words;
  std::string word;
  for (char c : text) {
    if (c == ' ' || c == ',' || c == '\t') {
      if (!word.empty()) {
        words.push_back(std::move(word));
        word.clear();
      }
    } else {
      word += c;
    }
  }
  if (!word.empty()) {
    words.push_back(std::move(word));
  }
  return words;
}

// Resolves a suppression's word into a code; reports unknown words.
std::optional<std::string> suppression_code(const std::string& word, SourceLoc loc,
                                            Diagnostics& out) {
  if (is_front_end_code(word)) {
    return upper(word);
  }
  if (const Rule* rule = find_rule(word)) {
    return std::string(rule->id());
  }
  out.warning(
      std::string(k_unused_suppression_id), loc,
      fmt::format("unknown rule '{}' in a suppression (see stackc lint --list-rules)", word));
  return std::nullopt;
}

void comment_suppressions(const SourceFile& file, std::vector<Suppression>& out,
                          Diagnostics& diags) {
  for (uint32_t line = 1; line <= file.line_count(); ++line) {
    std::string_view text = file.line(line);
    size_t hash = text.find('#');
    if (hash == std::string_view::npos) {
      continue;
    }
    size_t marker = text.find(k_next_line_marker, hash);
    if (marker == std::string_view::npos) {
      continue;
    }
    SourceLoc loc{&file, line, static_cast<uint32_t>(marker + 1)};
    std::vector<std::string> words = rule_words(text.substr(marker + k_next_line_marker.size()));
    if (words.empty()) {
      diags.warning(std::string(k_unused_suppression_id), loc,
                    "stackc-disable-next-line needs the rules it disables (ids or names)");
      continue;
    }
    for (const std::string& word : words) {
      if (auto code = suppression_code(word, loc, diags)) {
        out.push_back(Suppression{loc, {LineRange{&file, line + 1, line + 1}}, *code});
      }
    }
  }
}

// The line of the mapping key that holds the key at `loc` (the service of an x-stackc in an
// override file), as the nearest line above indented less.
std::optional<SourceLoc> parent_key(const SourceLoc& loc) {
  for (uint32_t l = loc.line; l-- > 1;) {
    std::string_view text = loc.file->line(l);
    if (is_blank_or_comment(text)) {
      continue;
    }
    size_t indent = indent_of(text);
    if (indent + 1 < loc.col) {
      return SourceLoc{loc.file, l, static_cast<uint32_t>(indent + 1)};
    }
  }
  return std::nullopt;
}

void service_suppressions(const ir::Service& service, std::vector<Suppression>& out,
                          Diagnostics& diags) {
  for (const ir::Extra& extra : service.extras) {
    if (extra.key != "x-stackc") {
      continue;
    }
    const SNode* ignore = extra.value.find("ignore");
    if (ignore == nullptr) {
      continue;
    }
    // The service's block where it is defined, and the block holding the x-stackc key when
    // that is another file (an override): a finding in either is the service's.
    std::vector<LineRange> ranges;
    if (service.loc.has_line()) {
      ranges.push_back(LineRange{service.loc.file, service.loc.line,
                                 block_end(*service.loc.file, service.loc.line, service.loc.col)});
    }
    if (extra.loc.has_line() && extra.loc.file != service.loc.file) {
      if (std::optional<SourceLoc> parent = parent_key(extra.loc)) {
        ranges.push_back(LineRange{parent->file, parent->line,
                                   block_end(*parent->file, parent->line, parent->col)});
      }
    }
    if (ranges.empty()) {
      continue;
    }
    auto add = [&](const std::string& word, SourceLoc loc) {
      if (auto code = suppression_code(word, loc, diags)) {
        out.push_back(Suppression{loc, ranges, *code});
      }
    };
    if (ignore->is_sequence()) {
      for (const SNode& item : ignore->items) {
        if (item.is_scalar()) {
          add(item.text, item.loc);
        }
      }
    } else if (ignore->is_mapping()) {  // {STK305: "the reason"}
      for (const SEntry& entry : ignore->entries) {
        add(entry.key, entry.key_loc);
      }
    } else if (ignore->is_scalar()) {
      add(ignore->text, ignore->loc);
    }
  }
}

void add_file(const SourceLoc& loc, std::vector<const SourceFile*>& files) {
  if (loc.file != nullptr && std::find(files.begin(), files.end(), loc.file) == files.end()) {
    files.push_back(loc.file);
  }
}

// Every file the stack came from, in the order it first appears.
std::vector<const SourceFile*> files_of(const ir::Stack* stack, const Diagnostics& diags) {
  std::vector<const SourceFile*> files;
  if (stack != nullptr) {
    add_file(stack->version.loc, files);
    for (const ir::Service& service : stack->services) {
      add_file(service.loc, files);
      add_file(service.image.loc, files);
      add_file(service.deploy.loc, files);
      for (const ir::Extra& extra : service.extras) {
        add_file(extra.loc, files);
      }
    }
    for (const auto& [key, network] : stack->networks) {
      add_file(network.loc, files);
    }
    for (const auto& [key, volume] : stack->volumes) {
      add_file(volume.loc, files);
    }
    for (const auto& [key, secret] : stack->secrets) {
      add_file(secret.loc, files);
    }
    for (const auto& [key, config] : stack->configs) {
      add_file(config.loc, files);
    }
    for (const ir::Extra& extra : stack->extras) {
      add_file(extra.loc, files);
    }
  }
  for (const Diagnostic& d : diags.items()) {
    add_file(d.loc, files);
  }
  return files;
}

bool suppress(const Diagnostic& d, std::vector<Suppression>& suppressions) {
  if (d.code.empty() || d.loc.file == nullptr) {
    return false;
  }
  bool suppressed = false;
  for (Suppression& s : suppressions) {
    if (s.rule != d.code) {
      continue;
    }
    for (const LineRange& range : s.ranges) {
      if (range.file == d.loc.file && d.loc.line >= range.first && d.loc.line <= range.last) {
        s.used = true;
        suppressed = true;
      }
    }
  }
  return suppressed;
}

Diagnostic& copy_into(Diagnostics& out, const Diagnostic& d, Severity severity) {
  Diagnostic& copy = out.report(severity, d.code, d.loc, d.message);
  copy.notes = d.notes;
  return copy;
}

}  // namespace

void LintSettings::merge(const LintSettings& other) {
  for (const auto& [id, on] : other.enabled) {
    enabled[id] = on;
  }
  for (const auto& [id, level] : other.severity) {
    severity[id] = level;
  }
}

bool LintSettings::is_enabled(const Rule& rule) const {
  auto it = enabled.find(std::string(rule.id()));
  return it != enabled.end() ? it->second : rule.enabled_by_default();
}

Severity LintSettings::severity_of(const Rule& rule) const {
  auto it = severity.find(std::string(rule.id()));
  return it != severity.end() ? it->second : rule.default_severity();
}

tl::expected<void, std::string> enable_rule(LintSettings& settings, const std::string& key,
                                            bool enabled) {
  const Rule* rule = find_rule(key);
  if (rule == nullptr) {
    return tl::unexpected(fmt::format("unknown rule '{}' (see stackc lint --list-rules)", key));
  }
  settings.enabled[std::string(rule->id())] = enabled;
  return {};
}

tl::expected<void, std::string> set_severity(LintSettings& settings, const std::string& key,
                                             const std::string& severity) {
  const Rule* rule = find_rule(key);
  if (rule == nullptr) {
    return tl::unexpected(fmt::format("unknown rule '{}' (see stackc lint --list-rules)", key));
  }
  if (severity == "off") {
    settings.enabled[std::string(rule->id())] = false;
    return {};
  }
  std::optional<Severity> level = parse_severity(severity);
  if (!level) {
    return tl::unexpected(fmt::format(
        "unknown severity '{}' for rule {}: use error, warning, note or off", severity, key));
  }
  settings.severity[std::string(rule->id())] = *level;
  settings.enabled[std::string(rule->id())] = true;
  return {};
}

std::optional<LintSettings> load_settings(const SourceFile& file, Diagnostics& diags) {
  size_t errors = diags.error_count();
  std::optional<SNode> root = parse_yaml(file, diags);
  if (!root) {
    return std::nullopt;
  }
  LintSettings settings;
  if (root->is_null()) {
    return settings;
  }
  if (!root->is_mapping()) {
    diags.error("", root->loc, ".stackc.yaml must be a mapping (disable, enable, severity)");
    return std::nullopt;
  }
  auto rules = [&](const SNode& node, bool enabled) {
    if (node.is_scalar()) {
      if (auto ok = enable_rule(settings, node.text, enabled); !ok) {
        diags.error("", node.loc, ok.error());
      }
      return;
    }
    if (!node.is_sequence()) {
      diags.error("", node.loc, "expected a list of rule ids or names");
      return;
    }
    for (const SNode& item : node.items) {
      if (!item.is_scalar()) {
        diags.error("", item.loc, "expected a rule id or name");
      } else if (auto ok = enable_rule(settings, item.text, enabled); !ok) {
        diags.error("", item.loc, ok.error());
      }
    }
  };
  for (const SEntry& entry : root->entries) {
    if (entry.key == "disable") {
      rules(entry.value, false);
    } else if (entry.key == "enable") {
      rules(entry.value, true);
    } else if (entry.key == "severity") {
      if (!entry.value.is_mapping()) {
        diags.error("", entry.value.loc, "severity must map rules to error, warning, note or off");
        continue;
      }
      for (const SEntry& item : entry.value.entries) {
        if (!item.value.is_scalar()) {
          diags.error("", item.value.loc, "expected error, warning, note or off");
        } else if (auto ok = set_severity(settings, item.key, item.value.text); !ok) {
          diags.error("", item.key_loc, ok.error());
        }
      }
    } else {
      diags.error(
          "", entry.key_loc,
          fmt::format("unknown key '{}' in .stackc.yaml (disable, enable, severity)", entry.key));
    }
  }
  if (diags.error_count() > errors) {
    return std::nullopt;
  }
  return settings;
}

std::string find_settings_file(const std::string& stack_file) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::path dir = stack_file == "-" ? fs::current_path(ec)
                                   : fs::absolute(stack_file, ec).lexically_normal().parent_path();
  if (ec) {
    return "";
  }
  while (true) {
    fs::path candidate = dir / ".stackc.yaml";
    if (fs::is_regular_file(candidate, ec)) {
      return candidate.string();
    }
    if (!dir.has_parent_path() || dir.parent_path() == dir) {
      return "";
    }
    dir = dir.parent_path();
  }
}

std::optional<LintSettings> settings_for(const std::string& stack_file, SourceManager& sources,
                                         Diagnostics& diags) {
  const std::string path = find_settings_file(stack_file);
  if (path.empty()) {
    return LintSettings{};
  }
  auto file = sources.load(path);
  if (!file) {
    diags.error("", SourceLoc{}, file.error());
    return std::nullopt;
  }
  return load_settings(**file, diags);
}

void lint_stack(const ir::Stack* stack, const LintSettings& settings, const Diagnostics& front_end,
                Diagnostics& out) {
  // The findings of every enabled rule, graded as configured.
  Diagnostics findings;
  if (stack != nullptr) {
    LintContext context{*stack};
    for (const Rule* rule : all_rules()) {
      if (!settings.is_enabled(*rule)) {
        continue;
      }
      Diagnostics found;
      rule->check(context, found);
      // A configured severity grades every finding; otherwise each keeps the one its rule
      // gave it (an error rule reports a case the reference takes as a warning:
      // docs/rules/README.md).
      auto configured = settings.severity.find(std::string(rule->id()));
      for (const Diagnostic& d : found.items()) {
        copy_into(findings, d,
                  configured != settings.severity.end() ? configured->second : d.severity);
      }
    }
  }

  Diagnostics suppression_problems;
  std::vector<Suppression> suppressions;
  std::vector<const SourceFile*> files = files_of(stack, front_end);
  for (const SourceFile* file : files) {
    comment_suppressions(*file, suppressions, suppression_problems);
  }
  if (stack != nullptr) {
    for (const ir::Service& service : stack->services) {
      service_suppressions(service, suppressions, suppression_problems);
    }
  }

  for (const Diagnostic& d : front_end.items()) {
    if (d.severity == Severity::error || !suppress(d, suppressions)) {
      copy_into(out, d, d.severity);
    }
  }

  std::vector<Diagnostic> kept;
  for (const Diagnostic& d : findings.items()) {
    if (!suppress(d, suppressions)) {
      kept.push_back(d);
    }
  }
  const Rule* unused_rule = find_rule(k_unused_suppression_id);
  if (unused_rule != nullptr && settings.is_enabled(*unused_rule)) {
    Severity severity = settings.severity_of(*unused_rule);
    for (Diagnostic d : suppression_problems.items()) {
      d.severity = severity;
      kept.push_back(std::move(d));
    }
    for (const Suppression& s : suppressions) {
      const Rule* rule = find_rule(s.rule);
      // A suppression of a rule that did not run may be needed under another configuration.
      // When the front end failed, the rules did not run: nothing can be called unused.
      bool ran = stack != nullptr && (rule == nullptr || settings.is_enabled(*rule));
      if (!s.used && ran) {
        Diagnostic d;
        d.severity = severity;
        d.code = std::string(k_unused_suppression_id);
        d.loc = s.loc;
        d.message = fmt::format("unused suppression: {} reports nothing here", s.rule);
        kept.push_back(std::move(d));
      }
    }
  }

  auto file_index = [&files](const SourceFile* file) {
    auto it = std::find(files.begin(), files.end(), file);
    return it - files.begin();
  };
  std::stable_sort(kept.begin(), kept.end(), [&](const Diagnostic& a, const Diagnostic& b) {
    return std::tuple(file_index(a.loc.file), a.loc.line, a.loc.col, a.code) <
           std::tuple(file_index(b.loc.file), b.loc.line, b.loc.col, b.code);
  });
  for (const Diagnostic& d : kept) {
    copy_into(out, d, d.severity);
  }
}

}  // namespace stackc::lint
