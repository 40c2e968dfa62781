#include "compiler/interpolate.h"

#include "compiler/go_quote.h"
#include "compiler/gostrconv.h"

#include <locale.h>
#include <unistd.h>
#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstdlib>

#include <fmt/format.h>

namespace stackc {

// ---------------------------------------------------------------------------------------------
// Environments

MapEnv::MapEnv(std::initializer_list<std::pair<const std::string, std::string>> vars)
    : m_vars(vars) {}

MapEnv MapEnv::from_environ(const char* const* envp) {
  MapEnv env;
  for (; envp != nullptr && *envp != nullptr; ++envp) {
    std::string_view entry(*envp);
    size_t eq = entry.find('=');
    if (eq == std::string_view::npos || eq == 0) {
      continue;
    }
    env.set(std::string(entry.substr(0, eq)), std::string(entry.substr(eq + 1)));
  }
  return env;
}

std::optional<std::string> MapEnv::get(std::string_view name) const {
  auto it = m_vars.find(name);
  if (it == m_vars.end()) {
    return std::nullopt;
  }
  return it->second;
}

ProcessEnv::ProcessEnv() : m_vars(MapEnv::from_environ(environ)) {}

std::optional<std::string> LayeredEnv::get(std::string_view name) const {
  if (auto value = m_first.get(name)) {
    return value;
  }
  return m_fallback.get(name);
}


namespace {

// strconv.Atoi: optional sign, ASCII decimal digits, int64 range. The error text is Go's.
std::optional<std::string> go_atoi(std::string_view s, int64_t& out) {
  auto fail = [&](std::string_view why) {
    return fmt::format("strconv.Atoi: parsing {}: {}", go_quote(s), why);
  };
  std::string_view digits = s;
  bool negative = false;
  if (!digits.empty() && (digits[0] == '+' || digits[0] == '-')) {
    negative = digits[0] == '-';
    digits.remove_prefix(1);
  }
  if (digits.empty()) {
    return fail("invalid syntax");
  }
  // As strconv.ParseUint: a non-digit is a syntax error, an overflow is reported as soon as
  // it happens (so "99999999999999999999x" is out of range, not invalid).
  uint64_t value = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') {
      return fail("invalid syntax");
    }
    uint64_t digit = static_cast<uint64_t>(c - '0');
    if (value > (UINT64_MAX - digit) / 10) {
      return fail("value out of range");
    }
    value = value * 10 + digit;
  }
  constexpr uint64_t k_limit = uint64_t{1} << 63;
  if ((!negative && value >= k_limit) || (negative && value > k_limit)) {
    return fail("value out of range");
  }
  out = negative ? static_cast<int64_t>(0 - value) : static_cast<int64_t>(value);
  return std::nullopt;
}

char ascii_lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) {
    return false;
  }
  for (size_t i = 0; i < a.size(); ++i) {
    if (ascii_lower(a[i]) != ascii_lower(b[i])) {
      return false;
    }
  }
  return true;
}

// loader/interpolate.go's toBoolean (YAML 1.1 words, any case).
std::optional<std::string> go_to_bool(std::string_view s, bool& out) {
  for (std::string_view word : {"y", "yes", "true", "on"}) {
    if (iequals(s, word)) {
      out = true;
      return std::nullopt;
    }
  }
  for (std::string_view word : {"n", "no", "false", "off"}) {
    if (iequals(s, word)) {
      out = false;
      return std::nullopt;
    }
  }
  return fmt::format("invalid boolean: {}", s);
}

// ---------------------------------------------------------------------------------------------
// Templates (cli/compose/template/template.go)

bool is_name_start(char c) { return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_name_char(char c) { return is_name_start(c) || (c >= '0' && c <= '9'); }

bool is_valid_name(std::string_view name) {
  if (name.empty() || !is_name_start(name[0])) {
    return false;
  }
  for (char c : name) {
    if (!is_name_char(c)) {
      return false;
    }
  }
  return true;
}

// Length of a match of the reference's `[_a-z][_a-z0-9]*(?::?[-?][^}]*)?` (case-insensitive)
// at s[i], or 0. `modifier` tells whether the optional operator part was taken.
size_t match_substitution(std::string_view s, size_t i, bool& modifier) {
  modifier = false;
  if (i >= s.size() || !is_name_start(s[i])) {
    return 0;
  }
  size_t j = i + 1;
  while (j < s.size() && is_name_char(s[j])) {
    ++j;
  }
  size_t k = j;
  if (k < s.size() && s[k] == ':') {
    ++k;
  }
  if (k < s.size() && (s[k] == '-' || s[k] == '?')) {
    ++k;
    while (k < s.size() && s[k] != '}') {
      ++k;
    }
    modifier = true;
    return k - i;
  }
  return j - i;
}

struct Split {
  std::string_view name;
  std::string_view rest;
  std::string_view op;
};

// The reference tries its functions in this order, each testing strings.Contains on the whole
// expression and splitting at the first occurrence.
std::optional<Split> split_operator(std::string_view expr) {
  for (std::string_view op : {":-", "-", ":?", "?"}) {
    size_t at = expr.find(op);
    if (at != std::string_view::npos) {
      return Split{expr.substr(0, at), expr.substr(at + op.size()), op};
    }
  }
  return std::nullopt;
}

}  // namespace

Substitution substitute(std::string_view text, const Env& env) {
  Substitution result;
  // The reference keeps one `err` that every template assigns: the last error wins, and a
  // later successful template resets it to nil.
  std::optional<TemplateFinding> err;
  std::vector<TemplateFinding> pending;  // warnings are only meaningful if no error remains
  size_t i = 0;
  while (i < text.size()) {
    size_t dollar = text.find('$', i);
    if (dollar == std::string_view::npos) {
      result.value.append(text.substr(i));
      break;
    }
    result.value.append(text.substr(i, dollar - i));
    size_t after = dollar + 1;
    if (after < text.size() && text[after] == '$') {
      result.value += '$';
      i = after + 1;
      continue;
    }
    bool modifier = false;
    bool braced = false;
    std::string_view expr;
    size_t length = 0;
    if (size_t m = match_substitution(text, after, modifier); m > 0) {
      expr = text.substr(after, m);
      length = 1 + m;
    } else if (after < text.size() && text[after] == '{' &&
               (m = match_substitution(text, after + 1, modifier)) > 0 &&
               after + 1 + m < text.size() && text[after + 1 + m] == '}') {
      expr = text.substr(after + 1, m);
      length = m + 3;
      braced = true;
    } else {
      // The regex's empty `invalid` group: the `$` alone is the match, and is dropped.
      err = TemplateFinding{TemplateFinding::Kind::invalid, dollar, "$", "", "", {}};
      i = after;
      continue;
    }
    i = dollar + length;
    TemplateFinding finding{
        TemplateFinding::Kind::unset, dollar, std::string(text.substr(dollar, length)), "", "", {}};
    std::optional<Split> split = split_operator(expr);
    if (!split) {
      finding.variable = std::string(expr);
      std::optional<std::string> value = env.get(expr);
      if (!value) {
        pending.push_back(finding);
      }
      result.value += value.value_or("");
    } else {
      finding.variable = std::string(split->name);
      std::optional<std::string> value = env.get(split->name);
      bool is_default = split->op == ":-" || split->op == "-";
      bool empty_counts = split->op == ":-" || split->op == ":?";
      bool missing = !value || (empty_counts && value->empty());
      if (!is_default && missing) {
        finding.kind = TemplateFinding::Kind::required;
        finding.detail =
            fmt::format("required variable {} is missing a value: {}", split->name, split->rest);
        err = finding;
        continue;
      }
      result.value += missing ? std::string(split->rest) : *value;
      if (!is_valid_name(split->name)) {
        finding.kind = TemplateFinding::Kind::odd_name;
        finding.detail = std::string(split->rest);
        pending.push_back(finding);
      } else if (modifier && !braced) {
        finding.kind = TemplateFinding::Kind::unbraced_modifier;
        pending.push_back(finding);
      }
    }
    if (err) {
      TemplateFinding hidden = *err;
      hidden.hidden_kind = hidden.kind;
      hidden.kind = TemplateFinding::Kind::hidden_error;
      pending.push_back(std::move(hidden));
      err.reset();
    }
  }
  result.error = std::move(err);
  if (!result.error) {
    std::stable_sort(pending.begin(), pending.end(),
                     [](const auto& a, const auto& b) { return a.offset < b.offset; });
    result.warnings = std::move(pending);
  }
  return result;
}

// ---------------------------------------------------------------------------------------------
// The tree walk

namespace {

enum class Cast { none, to_int, to_float, to_bool };

struct CastRule {
  std::string_view pattern;  // dotted; "*" matches any one part, "[]" is a sequence item
  Cast cast;
};

// loader/interpolate.go of docker CLI 28.2.2 (oom_score_adj verified against the binary: it is
// cast although older and newer snapshots of the file differ). Anything else stays a string,
// so `init: ${X}` or `pids: ${X}` fail schema validation later, as in the reference.
constexpr CastRule k_cast_rules[] = {
    {"services.*.configs.[].mode", Cast::to_int},
    {"services.*.secrets.[].mode", Cast::to_int},
    {"services.*.healthcheck.retries", Cast::to_int},
    {"services.*.healthcheck.disable", Cast::to_bool},
    {"services.*.deploy.replicas", Cast::to_int},
    {"services.*.deploy.update_config.parallelism", Cast::to_int},
    {"services.*.deploy.update_config.max_failure_ratio", Cast::to_float},
    {"services.*.deploy.rollback_config.parallelism", Cast::to_int},
    {"services.*.deploy.rollback_config.max_failure_ratio", Cast::to_float},
    {"services.*.deploy.restart_policy.max_attempts", Cast::to_int},
    {"services.*.deploy.placement.max_replicas_per_node", Cast::to_int},
    {"services.*.oom_score_adj", Cast::to_int},
    {"services.*.ports.[].target", Cast::to_int},
    {"services.*.ports.[].published", Cast::to_int},
    {"services.*.ulimits.*", Cast::to_int},
    {"services.*.ulimits.*.hard", Cast::to_int},
    {"services.*.ulimits.*.soft", Cast::to_int},
    {"services.*.privileged", Cast::to_bool},
    {"services.*.read_only", Cast::to_bool},
    {"services.*.stdin_open", Cast::to_bool},
    {"services.*.tty", Cast::to_bool},
    {"services.*.volumes.[].read_only", Cast::to_bool},
    {"services.*.volumes.[].volume.nocopy", Cast::to_bool},
    {"networks.*.external", Cast::to_bool},
    {"networks.*.internal", Cast::to_bool},
    {"networks.*.attachable", Cast::to_bool},
    {"volumes.*.external", Cast::to_bool},
    {"secrets.*.external", Cast::to_bool},
    {"configs.*.external", Cast::to_bool},
};

bool path_matches(const std::vector<std::string>& parts, std::string_view pattern) {
  size_t index = 0;
  while (true) {
    size_t dot = pattern.find('.');
    std::string_view part = pattern.substr(0, dot);
    if (index >= parts.size() || (part != "*" && part != parts[index])) {
      return false;
    }
    ++index;
    if (dot == std::string_view::npos) {
      return index == parts.size();
    }
    pattern.remove_prefix(dot + 1);
  }
}

Cast cast_for(const std::vector<std::string>& parts) {
  for (const CastRule& rule : k_cast_rules) {
    if (path_matches(parts, rule.pattern)) {
      return rule.cast;
    }
  }
  return Cast::none;
}

// Operators of the compose spec (docker compose) that docker stack deploy does not know.
std::optional<std::string_view> compose_only_operator(std::string_view text, size_t dollar) {
  std::string_view rest = text.substr(dollar + 1);
  if (rest.empty() || rest[0] != '{') {
    return std::nullopt;
  }
  size_t i = 1;
  while (i < rest.size() && is_name_char(rest[i])) {
    ++i;
  }
  if (i == 1) {
    return std::nullopt;
  }
  for (std::string_view op : {":+", "+", ":=", "="}) {
    if (rest.substr(i, op.size()) == op) {
      return op;
    }
  }
  return std::nullopt;
}

class Walker {
 public:
  Walker(const Env& env, Diagnostics& diags) : m_env(env), m_diags(diags) {}

  void walk(SNode& node) {
    switch (node.kind) {
      case NodeKind::mapping:
        for (SEntry& entry : node.entries) {
          // The reference's path is a dotted string split back into parts, so a key with a
          // dot ("a.b") counts as two parts and its values match no cast rule.
          size_t pushed = push_key(entry.key);
          walk(entry.value);
          m_path.resize(m_path.size() - pushed);
        }
        break;
      case NodeKind::sequence:
        m_path.emplace_back("[]");
        for (SNode& item : node.items) {
          walk(item);
        }
        m_path.pop_back();
        break;
      case NodeKind::scalar:
        // Only strings are interpolated; the YAML layer already typed `3` or `true`.
        if (node.type == ScalarType::string) {
          visit(node);
        }
        break;
      case NodeKind::null:
        break;
    }
  }

  void report_unset() {
    for (const UnsetVariable& unset : m_unset) {
      Diagnostic& diagnostic = m_diags.warning(
          "STK013", unset.locs.front(),
          fmt::format("The \"{}\" variable is not set. Defaulting to a blank string.", unset.name));
      for (size_t k = 1; k < unset.locs.size(); ++k) {
        diagnostic.notes.push_back(Note{unset.locs[k], "also used here"});
      }
    }
  }

 private:
  struct UnsetVariable {
    std::string name;
    std::vector<SourceLoc> locs;
  };

  size_t push_key(std::string_view key) {
    size_t count = 0;
    while (true) {
      size_t dot = key.find('.');
      m_path.emplace_back(key.substr(0, dot));
      ++count;
      if (dot == std::string_view::npos) {
        return count;
      }
      key.remove_prefix(dot + 1);
    }
  }

  std::string path_string() const {
    std::string out;
    for (const std::string& part : m_path) {
      if (!out.empty()) {
        out += '.';
      }
      out += part;
    }
    return out;
  }

  // The position of byte `offset` of the scalar's value in the source, when the value's first
  // line shows the text up to there verbatim (a plain or quoted scalar without escapes before
  // it); otherwise the scalar's start.
  static SourceLoc locate(const SNode& node, size_t offset) {
    SourceLoc loc = node.loc;
    if (!loc.has_line() || loc.col == 0) {
      return loc;
    }
    std::string_view line = loc.file->line(loc.line);
    if (loc.col - 1 > line.size()) {
      return loc;
    }
    std::string_view raw = line.substr(loc.col - 1);
    size_t skip = 0;
    if (!raw.empty() && (raw[0] == '\'' || raw[0] == '"') && node.quoted) {
      skip = 1;
    }
    std::string_view prefix = std::string_view(node.text).substr(0, offset);
    raw.remove_prefix(std::min(skip, raw.size()));
    if (raw.size() > offset && raw.substr(0, offset) == prefix && raw[offset] == '$' &&
        node.text[offset] == '$') {
      loc.col += static_cast<uint32_t>(skip + offset);
    }
    return loc;
  }

  void visit(SNode& node) {
    if (node.text.find('$') == std::string::npos) {
      return;
    }
    Substitution sub = substitute(node.text, m_env);
    if (sub.error) {
      report_error(node, *sub.error);
      return;
    }
    for (const TemplateFinding& warning : sub.warnings) {
      report_warning(node, warning);
    }
    if (sub.value == node.text) {
      return;  // unchanged values keep their type and are never cast, as in the reference
    }
    Cast cast = cast_for(m_path);
    std::optional<std::string> failure;
    switch (cast) {
      case Cast::none:
        node.type = ScalarType::string;
        node.quoted = true;
        node.int_value = 0;
        node.float_value = 0;
        break;
      case Cast::to_int: {
        int64_t value = 0;
        if (!(failure = go_atoi(sub.value, value))) {
          node.type = ScalarType::integer;
          node.int_value = value;
          node.float_value = 0;
        }
        break;
      }
      case Cast::to_float: {
        auto value = go_parse_float(sub.value);
        if (!value) {
          failure = value.error();
        } else {
          node.type = ScalarType::floating;
          node.float_value = *value;
          node.int_value = 0;
        }
        break;
      }
      case Cast::to_bool: {
        bool value = false;
        if (!(failure = go_to_bool(sub.value, value))) {
          node.type = ScalarType::boolean;
          node.int_value = value ? 1 : 0;
          node.float_value = 0;
        }
        break;
      }
    }
    if (failure) {
      m_diags.error("STK012", node.loc,
                    fmt::format("error while interpolating {}: failed to cast to expected type: {}",
                                path_string(), *failure));
      return;  // the value keeps its original text, as in the reference
    }
    if (cast != Cast::none) {
      node.quoted = false;
    }
    node.text = std::move(sub.value);
  }

  void report_error(const SNode& node, const TemplateFinding& error) {
    bool invalid = error.kind == TemplateFinding::Kind::invalid;
    // The reference quotes the whole value for a bad `$`, and the message for a missing one.
    std::string message = fmt::format(
        "invalid interpolation format for {}: {}; you may need to escape any $ with another $",
        path_string(), go_quote(invalid ? std::string_view(node.text) : error.detail));
    SourceLoc loc = locate(node, error.offset);
    Diagnostic& diagnostic = m_diags.error(invalid ? "STK010" : "STK011", loc, message);
    if (invalid) {
      if (auto op = compose_only_operator(node.text, error.offset)) {
        diagnostic.notes.push_back(
            Note{loc, fmt::format("the \"{}\" operator is docker compose syntax; docker stack "
                                  "deploy only knows \":-\", \"-\", \":?\" and \"?\"",
                                  *op)});
      }
    }
  }

  void report_warning(const SNode& node, const TemplateFinding& warning) {
    SourceLoc loc = locate(node, warning.offset);
    switch (warning.kind) {
      case TemplateFinding::Kind::unset: {
        auto [it, inserted] = m_unset_index.try_emplace(warning.variable, m_unset.size());
        if (inserted) {
          m_unset.push_back(UnsetVariable{warning.variable, {}});
        }
        m_unset[it->second].locs.push_back(loc);
        break;
      }
      case TemplateFinding::Kind::odd_name: {
        std::optional<Split> split = split_operator(
            std::string_view(warning.templ)
                .substr(warning.templ.size() > 1 && warning.templ[1] == '{' ? 2 : 1));
        m_diags.warning(
            "STK014", loc,
            fmt::format("docker stack deploy reads {} as the variable {} with the default {} "
                        "(it splits at the first \"{}\"); no variable has that name, so the "
                        "default is always used",
                        go_quote(warning.templ), go_quote(warning.variable),
                        go_quote(warning.detail), split ? split->op : "-"));
        break;
      }
      case TemplateFinding::Kind::unbraced_modifier: {
        std::string_view expr = std::string_view(warning.templ).substr(1);
        size_t name_end = 0;
        while (name_end < expr.size() && is_name_char(expr[name_end])) {
          ++name_end;
        }
        m_diags.warning(
            "STK014", loc,
            fmt::format("without braces, {} is read as {} (an operator after the name takes "
                        "the rest of the value up to a \"}}\"); write {} if the rest is text",
                        go_quote(warning.templ), go_quote(fmt::format("${{{}}}", expr)),
                        go_quote(fmt::format("${{{}}}{}", expr.substr(0, name_end),
                                             expr.substr(name_end)))));
        break;
      }
      case TemplateFinding::Kind::hidden_error:
        if (warning.hidden_kind == TemplateFinding::Kind::invalid) {
          m_diags.warning("STK014", loc,
                          "this \"$\" starts no valid template; docker stack deploy drops it "
                          "without an error only because a later variable in the same value "
                          "hides the error; write \"$$\" for a literal \"$\"");
        } else {
          m_diags.warning("STK014", loc,
                          fmt::format("{}; docker stack deploy substitutes \"\" without an "
                                      "error only because a later variable in the same value "
                                      "hides the error",
                                      warning.detail));
        }
        break;
      case TemplateFinding::Kind::invalid:
      case TemplateFinding::Kind::required:
        break;  // errors are not warnings
    }
  }

  const Env& m_env;
  Diagnostics& m_diags;
  std::vector<std::string> m_path;
  std::vector<UnsetVariable> m_unset;
  std::map<std::string, size_t, std::less<>> m_unset_index;
};

}  // namespace

void interpolate(SNode& root, const Env& env, Diagnostics& diags) {
  Walker walker(env, diags);
  walker.walk(root);
  walker.report_unset();
}

}  // namespace stackc
