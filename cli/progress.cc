#include "cli/progress.h"

#include <fmt/format.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>

namespace stackc {

namespace {

constexpr std::string_view k_clear_line = "\r\x1b[2K";
constexpr std::string_view k_bold = "\x1b[1m";
constexpr std::string_view k_green = "\x1b[32m";
constexpr std::string_view k_red = "\x1b[31m";
constexpr std::string_view k_yellow = "\x1b[33m";
constexpr std::string_view k_reset = "\x1b[0m";

bool starts_with(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

// The colour of a state line, by the words wait.h and rm begin them with.
std::string_view state_color(std::string_view line) {
  if (starts_with(line, "converged") || starts_with(line, "removed") || starts_with(line, "gone")) {
    return k_green;
  }
  if (starts_with(line, "failed")) {
    return k_red;
  }
  if (starts_with(line, "rolling back") || starts_with(line, "rolled back")) {
    return k_yellow;
  }
  return {};
}

// At most `columns` code points of UTF-8 `text`, "…" marking a cut.
std::string cut(const std::string& text, int columns) {
  if (columns <= 0) {
    return text;
  }
  int seen = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) == 0x80) {
      continue;  // a continuation byte
    }
    if (++seen == columns) {
      // This code point is the last that fits: keep it only when nothing follows.
      size_t next = i + 1;
      while (next < text.size() && (static_cast<unsigned char>(text[next]) & 0xC0) == 0x80) {
        ++next;
      }
      return next >= text.size() ? text : text.substr(0, i) + "\u2026";
    }
  }
  return text;
}

}  // namespace

std::optional<ProgressMode> progress_mode(std::string_view flag, bool is_tty) {
  if (flag == "auto") {
    return is_tty ? ProgressMode::tty : ProgressMode::plain;
  }
  if (flag == "tty") {
    return ProgressMode::tty;
  }
  if (flag == "plain") {
    return ProgressMode::plain;
  }
  return std::nullopt;
}

bool progress_color(ProgressMode mode, bool no_color_flag, const char* no_color_env) {
  return mode == ProgressMode::tty && !no_color_flag &&
         (no_color_env == nullptr || *no_color_env == '\0');
}

int terminal_width(int fd) {
  winsize size{};
  if (ioctl(fd, TIOCGWINSZ, &size) != 0 || size.ws_col == 0) {
    return 0;
  }
  return size.ws_col;
}

ProgressView::ProgressView(std::ostream& out, ProgressMode mode, bool color, int width)
    : m_out(out), m_mode(mode), m_color(color), m_width(width) {}

std::string ProgressView::format_line(const std::string& name, const std::string& line) const {
  size_t pad = 0;
  for (const auto& [other, _] : m_lines) {
    pad = std::max(pad, other.size());
  }
  // Cut before colouring: escape sequences take no columns.
  std::string plain =
      cut(fmt::format("{:<{}}  {}", name, pad, line), m_width > 1 ? m_width - 1 : 0);
  if (!m_color) {
    return plain;
  }
  std::string shown_name = plain.substr(0, std::min(plain.size(), name.size()));
  std::string rest = plain.substr(shown_name.size());
  size_t state_at = rest.find_first_not_of(' ');
  std::string spaces = rest.substr(0, state_at == std::string::npos ? rest.size() : state_at);
  std::string state = state_at == std::string::npos ? "" : rest.substr(state_at);
  std::string_view colour = state_color(line);
  return fmt::format("{}{}{}{}{}{}{}", k_bold, shown_name, k_reset, spaces, colour, state,
                     colour.empty() ? std::string_view() : k_reset);
}

void ProgressView::draw_block() {
  if (m_drawn > 0) {
    m_out << "\x1b[" << m_drawn << "A";  // back to the block's first line
  }
  for (const auto& [name, line] : m_lines) {
    m_out << k_clear_line << format_line(name, line) << "\n";
  }
  m_drawn = m_lines.size();
  m_out.flush();
}

void ProgressView::update(const std::string& name, const std::string& line) {
  auto it = std::find_if(m_lines.begin(), m_lines.end(),
                         [&](const auto& entry) { return entry.first == name; });
  if (it == m_lines.end()) {
    m_lines.emplace_back(name, line);
  } else if (it->second == line) {
    return;
  } else {
    it->second = line;
  }
  if (m_mode == ProgressMode::plain) {
    m_out << name << ": " << line << std::endl;  // flushed: progress is read live
    return;
  }
  draw_block();
}

void ProgressView::message(const std::string& text) {
  if (m_mode == ProgressMode::plain || m_drawn == 0) {
    m_out << text << std::endl;
    return;
  }
  // Write the message where the block begins, then the block again below it.
  m_out << "\x1b[" << m_drawn << "A" << k_clear_line << text << "\n";
  m_drawn = 0;
  draw_block();
}

void ProgressView::finish() {
  m_lines.clear();
  m_drawn = 0;
  m_out.flush();
}

}  // namespace stackc
