#pragma once
// Variable interpolation of a parsed stack file, as `docker stack deploy` / `docker stack config`
// of docker CLI 28 do it (cli/compose/template, cli/compose/interpolation, loader/interpolate.go).
//
// Syntax (every `$` in a string VALUE; mapping keys are never interpolated; `x-*` sections are):
//   $$            a literal `$`
//   $VAR ${VAR}   the value, or "" when unset (we warn, STK013; the reference is silent)
//   ${VAR:-def}   def when VAR is unset or empty      ${VAR-def}  def only when VAR is unset
//   ${VAR:?msg}   error when VAR is unset or empty    ${VAR?msg}  error only when VAR is unset
// Any other `$` (`$1`, `$ `, a trailing `$`, `${}`, `${ X}`, `${X`, `${X:+y}`) is an error. Names
// are [_a-zA-Z][_a-zA-Z0-9]*. There is no nesting: `${A:-${B}}` has the default "${B" followed by
// a literal "}". The reference's quirks are kept on purpose, because a drop-in must accept and
// produce what it does; we warn where they surprise (STK014):
//   - the operators are tried in the order ":-", "-", ":?", "?", each splitting at its first
//     occurrence, so `${X:?must-be-set}` is the variable "X:?must" with the default "be-set";
//   - without braces a modifier runs to the next "}" or the end: `$REG-x/app` is ${REG-x/app};
//   - an error is forgotten when a later `$VAR` in the same value succeeds (`$1 $HOME` gives
//     "1 /home/me" and no error).
//
// A value that changed is re-typed by its path (integers, one float, booleans; see
// interpolate.cc); other changed values become strings (type string, quoted).
//
// Diagnostic codes: STK010 invalid template, STK011 required variable missing, STK012 a
// substituted value does not cast to the type of its field, STK013 unset variable (warning),
// STK014 a template the reference reads differently than it looks (warning).

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "compiler/diag.h"
#include "compiler/snode.h"

namespace stackc {

// Where variable values come from.
class Env {
 public:
  virtual ~Env() = default;
  virtual std::optional<std::string> get(std::string_view name) const = 0;
};

// A fixed set of variables (tests, --env-file contents).
class MapEnv final : public Env {
 public:
  MapEnv() = default;
  MapEnv(std::initializer_list<std::pair<const std::string, std::string>> vars);
  // From `NAME=value` strings (an environ array, NULL-terminated). The name ends at the first
  // '='; entries with no '=' or an empty name are skipped; a later duplicate wins.
  static MapEnv from_environ(const char* const* envp);

  void set(std::string name, std::string value) { m_vars[std::move(name)] = std::move(value); }
  std::optional<std::string> get(std::string_view name) const override;
  size_t size() const { return m_vars.size(); }

 private:
  std::map<std::string, std::string, std::less<>> m_vars;
};

// The environment of this process, read once when constructed (as the reference reads
// os.Environ() once), so one run sees one consistent set.
class ProcessEnv final : public Env {
 public:
  ProcessEnv();
  std::optional<std::string> get(std::string_view name) const override { return m_vars.get(name); }

 private:
  MapEnv m_vars;
};

// `first` wins; `fallback` fills in what `first` lacks. Precedence used by the CLI (as in docker
// compose): LayeredEnv(process environment, --env-file contents), where the env files are merged
// into one MapEnv in command-line order so a later file overrides an earlier one. The reference
// has no --env-file at all; without the flag only the process environment is used.
class LayeredEnv final : public Env {
 public:
  LayeredEnv(const Env& first, const Env& fallback) : m_first(first), m_fallback(fallback) {}
  std::optional<std::string> get(std::string_view name) const override;

 private:
  const Env& m_first;
  const Env& m_fallback;
};

// One template-level finding in a string (an error or a warning), positioned by byte offset.
struct TemplateFinding {
  enum class Kind {
    invalid,            // a `$` that starts no template (the reference's error)
    required,           // ${X:?msg} / ${X?msg} with X missing (the reference's error)
    unset,              // $X / ${X} with X unset: substituted by ""
    odd_name,           // an operator split left a name that can never be set
    unbraced_modifier,  // $X-... / $X?... without braces
    hidden_error,       // an invalid/required error the reference forgets (see above)
  };
  Kind kind = Kind::invalid;
  size_t offset = 0;     // of the `$` in the input
  std::string templ;     // the template as written ("${X:-y}"; "$" for invalid)
  std::string variable;  // the name looked up (may be odd: "X:?must")
  std::string detail;    // required: "required variable X is missing a value: msg";
                         // odd_name: the default or message part; hidden_error: the hidden
                         // error's own detail (empty for invalid)
  Kind hidden_kind = Kind::invalid;  // for hidden_error: what was hidden
};

struct Substitution {
  std::string value;  // the substituted text (meaningless when `error` is set)
  // The error the reference reports for this string (the last one, as in the reference).
  std::optional<TemplateFinding> error;
  // Warnings, in text order: unset variables and quirks.
  std::vector<TemplateFinding> warnings;
};

// Substitutes every template in `text` exactly as the reference does.
Substitution substitute(std::string_view text, const Env& env);

// Substitutes templates in every string scalar value of `root` (a parsed stack file), re-types
// changed values by path, and reports problems to `diags` at file:line:col (the column of the
// `$` when it can be located in the source line, else the scalar's start). Values with an error
// keep their original text, as in the reference. Unset variables are reported once per name,
// with notes for the other places that use them.
void interpolate(SNode& root, const Env& env, Diagnostics& diags);


}  // namespace stackc
