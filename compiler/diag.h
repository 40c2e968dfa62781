#pragma once
// Diagnostics: what every stage reports, and the compiler-style printer.
//
//   stack.yml:12:5: error: duplicate key 'image' [STK002]
//       image: nginx
//       ^
//   stack.yml:9:5: note: first defined here
//
// Stages only collect; the CLI alone decides what a diagnostic means for the exit status.

#include <iosfwd>
#include <string>
#include <vector>

#include "compiler/source.h"

namespace stackc {

enum class Severity { note, warning, error };

struct Note {
  SourceLoc loc;
  std::string message;
};

struct Diagnostic {
  Severity severity = Severity::error;
  std::string code;  // "STK002"; empty for messages that are not a rule or a check
  SourceLoc loc;
  std::string message;
  std::vector<Note> notes;
};

// Collects the diagnostics of a run, in the order they were reported.
class Diagnostics {
 public:
  Diagnostic& report(Severity severity, std::string code, SourceLoc loc, std::string message);
  Diagnostic& error(std::string code, SourceLoc loc, std::string message) {
    return report(Severity::error, std::move(code), loc, std::move(message));
  }
  Diagnostic& warning(std::string code, SourceLoc loc, std::string message) {
    return report(Severity::warning, std::move(code), loc, std::move(message));
  }

  const std::vector<Diagnostic>& items() const { return m_items; }
  bool has_errors() const { return m_error_count > 0; }
  size_t error_count() const { return m_error_count; }
  size_t warning_count() const { return m_warning_count; }
  // Appends another collection (a pass run on its own, a file linted in parallel).
  void append(const Diagnostics& other);

 private:
  std::vector<Diagnostic> m_items;
  size_t m_error_count = 0;
  size_t m_warning_count = 0;
};

enum class Color { off, on };

// Formats one diagnostic with its source line, caret and notes; ends with a newline.
std::string format_diagnostic(const Diagnostic& diagnostic, Color color);
// Prints every diagnostic of `diagnostics` to `out`.
void print_diagnostics(std::ostream& out, const Diagnostics& diagnostics, Color color);
// Colour only on a terminal, and never when NO_COLOR is set to a non-empty value.
Color color_for_stderr();

}  // namespace stackc
