#pragma once
// Live progress for `deploy --wait` and `rm`, following docker's `--progress auto|tty|plain`:
// on a terminal one line per service (or per waiting step) that is redrawn in place, with the
// one-off messages ("updated service web") scrolling above that block; otherwise (a pipe, a
// file, `--progress plain`) the plain log of "name: line" lines, each written when it changes.
// Colour only on a terminal and never with NO_COLOR or --no-color. The caller prints the final
// summary after finish(), the same in every mode.

#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace stackc {

enum class ProgressMode { plain, tty };

// `auto` is tty when `is_tty`; nullopt for a word that is none of auto, tty and plain.
std::optional<ProgressMode> progress_mode(std::string_view flag, bool is_tty);

// Colour on a terminal unless --no-color or NO_COLOR (set to anything non-empty, as
// https://no-color.org asks) says no.
bool progress_color(ProgressMode mode, bool no_color_flag, const char* no_color_env);

// The width of the terminal on `fd`, or 0 when it is not one (or does not say).
int terminal_width(int fd);

class ProgressView {
 public:
  // `width`: lines of the live block are cut to it (a wrapped line would break the redraw);
  // 0 cuts nothing.
  ProgressView(std::ostream& out, ProgressMode mode, bool color, int width = 0);

  // The state line of `name` changed: plain mode writes "name: line", tty mode redraws.
  void update(const std::string& name, const std::string& line);
  // A line that is not a state: written once, above the live block.
  void message(const std::string& text);
  // The live block stays as last drawn; later output goes below it.
  void finish();

 private:
  void draw_block();
  std::string format_line(const std::string& name, const std::string& line) const;

  std::ostream& m_out;
  ProgressMode m_mode;
  bool m_color;
  int m_width;
  std::vector<std::pair<std::string, std::string>> m_lines;  // in the order first seen
  size_t m_drawn = 0;  // lines of the block on the screen, the cursor just below them
};

}  // namespace stackc
