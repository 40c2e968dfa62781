// The progress view against a fake terminal: the exact bytes written, and what a terminal
// would show after interpreting them (cursor up, clear line, newline).

#include "cli/progress.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sstream>

namespace stackc {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

// Interprets the few sequences the view writes (CR, LF, ESC[nA, ESC[2K, SGR) into screen rows.
std::vector<std::string> screen(const std::string& bytes) {
  std::vector<std::string> rows(1);
  size_t row = 0;
  for (size_t i = 0; i < bytes.size(); ++i) {
    char c = bytes[i];
    if (c == '\x1b' && i + 1 < bytes.size() && bytes[i + 1] == '[') {
      size_t end = bytes.find_first_of("AKm", i + 2);
      std::string arg = bytes.substr(i + 2, end - i - 2);
      if (bytes[end] == 'A') {
        row -= std::stoul(arg);
      } else if (bytes[end] == 'K') {
        rows[row].clear();
      }
      i = end;
    } else if (c == '\r') {
      // the view clears the row right after: nothing to do for a column model without one
    } else if (c == '\n') {
      ++row;
      if (row == rows.size()) {
        rows.emplace_back();
      }
    } else {
      rows[row] += c;
    }
  }
  if (rows.back().empty()) {
    rows.pop_back();
  }
  return rows;
}

TEST(ProgressMode, AutoFollowsTheTerminal) {
  EXPECT_EQ(progress_mode("auto", true), ProgressMode::tty);
  EXPECT_EQ(progress_mode("auto", false), ProgressMode::plain);
  EXPECT_EQ(progress_mode("tty", false), ProgressMode::tty);
  EXPECT_EQ(progress_mode("plain", true), ProgressMode::plain);
  EXPECT_EQ(progress_mode("fancy", true), std::nullopt);
}

TEST(ProgressMode, NoColorTurnsColourOffOnly) {
  EXPECT_TRUE(progress_color(ProgressMode::tty, false, nullptr));
  EXPECT_TRUE(progress_color(ProgressMode::tty, false, ""));
  EXPECT_FALSE(progress_color(ProgressMode::tty, false, "1"));
  EXPECT_FALSE(progress_color(ProgressMode::tty, true, nullptr));
  EXPECT_FALSE(progress_color(ProgressMode::plain, false, nullptr));
}

TEST(ProgressView, PlainWritesOneLinePerChange) {
  std::ostringstream out;
  ProgressView view(out, ProgressMode::plain, false);
  view.message("updated service st_web");
  view.update("st_web", "0/2 running");
  view.update("st_api", "1/1 running, checking they stay up for 5s");
  view.update("st_web", "converged");
  view.finish();
  EXPECT_EQ(out.str(),
            "updated service st_web\n"
            "st_web: 0/2 running\n"
            "st_api: 1/1 running, checking they stay up for 5s\n"
            "st_web: converged\n");
}

TEST(ProgressView, TtyRedrawsOneLinePerServiceInPlace) {
  std::ostringstream out;
  ProgressView view(out, ProgressMode::tty, false);
  view.update("st_web", "0/2 running");
  EXPECT_EQ(out.str(), "\r\x1b[2Kst_web  0/2 running\n");
  view.update("st_api", "0/1 running; no suitable node (scheduling constraints)");
  view.update("st_web", "2/2 running, checking they stay up for 5s");
  // The third write goes two lines up and rewrites both lines.
  EXPECT_THAT(out.str(), HasSubstr("\x1b[2A\r\x1b[2Kst_web  2/2 running, checking they stay up "
                                   "for 5s\n\r\x1b[2Kst_api  0/1 running; no suitable node "
                                   "(scheduling constraints)\n"));
  view.update("st_web", "converged");
  EXPECT_THAT(screen(out.str()),
              ElementsAre("st_web  converged",
                          "st_api  0/1 running; no suitable node (scheduling constraints)"));
  EXPECT_THAT(out.str(), Not(HasSubstr("\x1b[32m")));  // no colour asked
}

TEST(ProgressView, AnUnchangedLineIsNotWrittenAgain) {
  for (ProgressMode mode : {ProgressMode::tty, ProgressMode::plain}) {
    std::ostringstream out;
    ProgressView view(out, mode, false);
    view.update("st_web", "1/2 running");
    std::string before = out.str();
    view.update("st_web", "1/2 running");
    EXPECT_EQ(out.str(), before);
  }
}

TEST(ProgressView, MessagesScrollAboveTheBlock) {
  std::ostringstream out;
  ProgressView view(out, ProgressMode::tty, false);
  view.message("updated service st_web");
  view.update("st_web", "0/1 running");
  view.update("st_db", "1/1 running");
  view.message("removed config st_old");
  view.update("st_db", "converged");
  view.finish();
  out << "stack st: 0 created, 1 updated, 1 unchanged, 1 removed\n";
  EXPECT_THAT(
      screen(out.str()),
      ElementsAre("updated service st_web", "removed config st_old", "st_web  0/1 running",
                  "st_db   converged", "stack st: 0 created, 1 updated, 1 unchanged, 1 removed"));
}

TEST(ProgressView, ColourMarksTheStateAndLinesAreCutToTheWidth) {
  std::ostringstream out;
  ProgressView view(out, ProgressMode::tty, true, 24);
  view.update("st_web", "converged");
  view.update("st_api", "failed: 3 tasks failed (0/1 running)");
  EXPECT_THAT(out.str(), HasSubstr("\x1b[1mst_web\x1b[0m  \x1b[32mconverged\x1b[0m"));
  // 23 columns (the last one of 24 stays empty, so the line never wraps), ending in "…".
  EXPECT_THAT(out.str(), HasSubstr("\x1b[1mst_api\x1b[0m  \x1b[31mfailed: 3 task\u2026\x1b[0m\n"));
}

TEST(ProgressView, CutsOnCodePointBoundaries) {
  std::ostringstream out;
  ProgressView view(out, ProgressMode::tty, false, 8);
  view.update("a", "\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9");  // 7 two-byte code points
  // 7 columns of 8: "a", two spaces, three whole code points and the ellipsis.
  EXPECT_EQ(screen(out.str()), std::vector<std::string>{"a  \u00e9\u00e9\u00e9\u2026"});
}

}  // namespace
}  // namespace stackc
