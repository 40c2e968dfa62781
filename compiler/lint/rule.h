#pragma once
// A lint rule (clang-tidy style): a stable id ("STK100"), a name ("undefined-network"), a
// default severity and a one-line summary, and a check over the typed, merged stack. Each rule
// lives in its own file in compiler/lint/rules/ and is listed in registry.cc; its page is
// docs/rules/<id>-<name>.md and its fixture tests/lint/<id>-<name>.yml.

#include <string>
#include <string_view>

#include "compiler/diag.h"
#include "compiler/ir.h"

namespace stackc::lint {

// What a rule sees. Rules report with `diags.report(severity, id, loc, message)` through
// Rule::report, so that the severity the configuration chose is used.
struct LintContext {
  const ir::Stack& stack;
};

class Rule {
 public:
  virtual ~Rule() = default;
  virtual std::string_view id() const = 0;
  virtual std::string_view name() const = 0;
  virtual Severity default_severity() const = 0;
  virtual std::string_view summary() const = 0;
  // Rules off by default run only when enabled (--enable, .stackc.yaml).
  virtual bool enabled_by_default() const { return true; }
  virtual void check(const LintContext& context, Diagnostics& diags) const = 0;

 protected:
  // Reports at the rule's default severity; the driver re-grades per configuration.
  Diagnostic& report(Diagnostics& diags, SourceLoc loc, std::string message) const {
    return diags.report(default_severity(), std::string(id()), loc, std::move(message));
  }
};

// The common case: metadata given to the constructor, only check() to write.
class BasicRule : public Rule {
 public:
  BasicRule(std::string_view id, std::string_view name, Severity severity, std::string_view summary,
            bool on_by_default = true)
      : m_id(id),
        m_name(name),
        m_severity(severity),
        m_summary(summary),
        m_on_by_default(on_by_default) {}
  std::string_view id() const override { return m_id; }
  std::string_view name() const override { return m_name; }
  Severity default_severity() const override { return m_severity; }
  std::string_view summary() const override { return m_summary; }
  bool enabled_by_default() const override { return m_on_by_default; }

 private:
  std::string_view m_id, m_name;
  Severity m_severity;
  std::string_view m_summary;
  bool m_on_by_default;
};

}  // namespace stackc::lint
