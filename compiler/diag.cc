#include "compiler/diag.h"

#include <unistd.h>

#include <cstdlib>
#include <ostream>

#include <fmt/format.h>

namespace stackc {

Diagnostic& Diagnostics::report(Severity severity, std::string code, SourceLoc loc,
                                std::string message) {
  if (severity == Severity::error) {
    ++m_error_count;
  } else if (severity == Severity::warning) {
    ++m_warning_count;
  }
  m_items.push_back(Diagnostic{severity, std::move(code), loc, std::move(message), {}});
  return m_items.back();
}

void Diagnostics::append(const Diagnostics& other) {
  m_items.insert(m_items.end(), other.m_items.begin(), other.m_items.end());
  m_error_count += other.m_error_count;
  m_warning_count += other.m_warning_count;
}

namespace {

constexpr const char* k_bold = "\033[1m";
constexpr const char* k_reset = "\033[0m";
constexpr const char* k_green = "\033[1;32m";

// The header of a diagnostic. A finding of note severity prints as "info", so that it is not
// mistaken for the "note:" lines attached under an error or warning.
const char* severity_name(Severity severity, bool attached = false) {
  switch (severity) {
    case Severity::note:
      return attached ? "note" : "info";
    case Severity::warning:
      return "warning";
    case Severity::error:
      return "error";
  }
  return "error";
}

const char* severity_color(Severity severity) {
  switch (severity) {
    case Severity::note:
      return "\033[1;36m";
    case Severity::warning:
      return "\033[1;35m";
    case Severity::error:
      return "\033[1;31m";
  }
  return "";
}

std::string location_prefix(const SourceLoc& loc) {
  if (loc.file == nullptr) {
    return "stackc";
  }
  if (loc.line == 0) {
    return loc.file->path();
  }
  if (loc.col == 0) {
    return fmt::format("{}:{}", loc.file->path(), loc.line);
  }
  return fmt::format("{}:{}:{}", loc.file->path(), loc.line, loc.col);
}

// The source line and a caret under the column. Tabs before the column are kept in the caret
// line so that the caret lines up whatever the terminal's tab width. Control bytes (binary
// input) are shown as '?', and very long lines are cut around the column.
void append_snippet(std::string& out, const SourceLoc& loc, Color color) {
  if (!loc.has_line()) {
    return;
  }
  std::string_view line = loc.file->line(loc.line);
  size_t col = loc.col == 0 ? 0 : loc.col - 1;
  if (col > line.size()) {
    col = line.size();
  }
  constexpr size_t k_max_width = 160;
  size_t begin = 0;
  if (line.size() > k_max_width && col > k_max_width / 2) {
    begin = col - k_max_width / 2;
  }
  std::string_view shown = line.substr(begin, k_max_width);
  std::string text;
  std::string caret;
  for (size_t i = 0; i < shown.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(shown[i]);
    bool printable = c == '\t' || c >= 0x20;
    text += printable && c != 0x7f ? static_cast<char>(c) : '?';
    if (begin + i < col) {
      caret += c == '\t' ? '\t' : ' ';
    }
  }
  out += text;
  out += '\n';
  if (loc.col != 0) {
    if (color == Color::on) {
      out += k_green;
    }
    out += caret;
    out += '^';
    if (color == Color::on) {
      out += k_reset;
    }
    out += '\n';
  }
}

void append_message(std::string& out, const SourceLoc& loc, Severity severity,
                    const std::string& message, const std::string& code, Color color,
                    bool attached) {
  if (color == Color::on) {
    out += k_bold;
  }
  out += location_prefix(loc);
  out += ": ";
  if (color == Color::on) {
    out += severity_color(severity);
  }
  out += severity_name(severity, attached);
  out += ": ";
  if (color == Color::on) {
    out += k_reset;
    out += k_bold;
  }
  out += message;
  if (!code.empty()) {
    out += " [";
    out += code;
    out += ']';
  }
  if (color == Color::on) {
    out += k_reset;
  }
  out += '\n';
  append_snippet(out, loc, color);
}

}  // namespace

std::string format_diagnostic(const Diagnostic& diagnostic, Color color) {
  std::string out;
  append_message(out, diagnostic.loc, diagnostic.severity, diagnostic.message, diagnostic.code,
                 color, false);
  for (const Note& note : diagnostic.notes) {
    append_message(out, note.loc, Severity::note, note.message, "", color, true);
  }
  return out;
}

void print_diagnostics(std::ostream& out, const Diagnostics& diagnostics, Color color) {
  for (const Diagnostic& diagnostic : diagnostics.items()) {
    out << format_diagnostic(diagnostic, color);
  }
}

Color color_for_stderr() {
  const char* no_color = std::getenv("NO_COLOR");
  if (no_color != nullptr && no_color[0] != '\0') {
    return Color::off;
  }
  return isatty(STDERR_FILENO) ? Color::on : Color::off;
}

}  // namespace stackc
