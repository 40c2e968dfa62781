#include "compiler/diag.h"

#include <gtest/gtest.h>

#include <cstdio>

namespace stackc {
namespace {

TEST(Diag, ErrorWithLineAndCaret) {
  SourceManager sources;
  const SourceFile* file = sources.add("stack.yml", "services:\n  web:\n    image: nginx\n");
  Diagnostics diags;
  diags.error("STK002", SourceLoc{file, 3, 5}, "duplicate key 'image'");
  EXPECT_TRUE(diags.has_errors());
  EXPECT_EQ(format_diagnostic(diags.items()[0], Color::off),
            "stack.yml:3:5: error: duplicate key 'image' [STK002]\n"
            "    image: nginx\n"
            "    ^\n");
}

TEST(Diag, NotesFollowTheirDiagnostic) {
  SourceManager sources;
  const SourceFile* file = sources.add("a.yml", "x: 1\nx: 2\n");
  Diagnostics diags;
  diags.error("STK002", SourceLoc{file, 2, 1}, "duplicate key 'x'")
      .notes.push_back(Note{SourceLoc{file, 1, 1}, "first defined here"});
  EXPECT_EQ(format_diagnostic(diags.items()[0], Color::off),
            "a.yml:2:1: error: duplicate key 'x' [STK002]\n"
            "x: 2\n"
            "^\n"
            "a.yml:1:1: note: first defined here\n"
            "x: 1\n"
            "^\n");
}

// A finding of note severity must not read like a note attached to the finding above it.
TEST(Diag, ANoteLevelFindingHasItsOwnHeader) {
  SourceManager sources;
  const SourceFile* file = sources.add("p.yml", "ports:\n  - 80:80\n");
  Diagnostics diags;
  diags.report(Severity::note, "STK164", SourceLoc{file, 2, 5}, "privileged port 80")
      .notes.push_back(Note{SourceLoc{file, 1, 1}, "ports start here"});
  EXPECT_EQ(format_diagnostic(diags.items()[0], Color::off),
            "p.yml:2:5: info: privileged port 80 [STK164]\n"
            "  - 80:80\n"
            "    ^\n"
            "p.yml:1:1: note: ports start here\n"
            "ports:\n"
            "^\n");
}

TEST(Diag, TabsAreKeptInTheCaretLine) {
  SourceManager sources;
  const SourceFile* file = sources.add("t.yml", "a:\n\tb: 1\n");
  Diagnostics diags;
  diags.error("STK001", SourceLoc{file, 2, 2}, "tab");
  EXPECT_EQ(format_diagnostic(diags.items()[0], Color::off),
            "t.yml:2:2: error: tab [STK001]\n\tb: 1\n\t^\n");
}

TEST(Diag, FileOnlyAndNoFile) {
  SourceManager sources;
  const SourceFile* file = sources.add("empty.yml", "");
  Diagnostics diags;
  diags.error("STK001", SourceLoc{file, 0, 0}, "empty file");
  diags.warning("", SourceLoc{}, "no file");
  EXPECT_EQ(format_diagnostic(diags.items()[0], Color::off),
            "empty.yml: error: empty file [STK001]\n");
  EXPECT_EQ(format_diagnostic(diags.items()[1], Color::off), "stackc: warning: no file\n");
  EXPECT_EQ(diags.error_count(), 1u);
  EXPECT_EQ(diags.warning_count(), 1u);
}

TEST(Diag, BinaryBytesAreNotPrintedRaw) {
  SourceManager sources;
  const SourceFile* file = sources.add("bin.yml", std::string("a\x01\x02z\n", 5));
  Diagnostics diags;
  diags.error("STK001", SourceLoc{file, 1, 2}, "control character");
  EXPECT_EQ(format_diagnostic(diags.items()[0], Color::off),
            "bin.yml:1:2: error: control character [STK001]\na??z\n ^\n");
}

TEST(Diag, ColorWrapsButKeepsText) {
  SourceManager sources;
  const SourceFile* file = sources.add("c.yml", "a: 1\n");
  Diagnostics diags;
  diags.warning("STK300", SourceLoc{file, 1, 1}, "hello");
  std::string colored = format_diagnostic(diags.items()[0], Color::on);
  EXPECT_NE(colored.find("\033["), std::string::npos);
  EXPECT_NE(colored.find("hello [STK300]"), std::string::npos);
}

TEST(Source, LinesAreOneBasedAndStripCarriageReturns) {
  SourceFile file("f", "one\r\ntwo\nthree");
  EXPECT_EQ(file.line_count(), 3u);
  EXPECT_EQ(file.line(1), "one");
  EXPECT_EQ(file.line(2), "two");
  EXPECT_EQ(file.line(3), "three");
  EXPECT_EQ(file.line(4), "");
  EXPECT_EQ(file.line(0), "");
}

TEST(Source, MissingFileNamesFileAndReason) {
  SourceManager sources;
  auto result = sources.load("/nonexistent/stack.yml");
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error(), "/nonexistent/stack.yml: cannot open: No such file or directory");
}

TEST(Source, HugeFileIsRefusedUnread) {
  std::string path = ::testing::TempDir() + "/stackc-huge.yml";
  {
    std::FILE* f = std::fopen(path.c_str(), "wb");
    ASSERT_NE(f, nullptr);
    std::fseek(f, static_cast<long>(k_max_source_size) + 1, SEEK_SET);
    std::fputc('x', f);
    std::fclose(f);
  }
  SourceManager sources;
  auto result = sources.load(path);
  std::remove(path.c_str());
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error(), path + ": file is too large (16 MiB; the limit is 16 MiB)");
}

TEST(Source, DirectoryIsNotAFile) {
  SourceManager sources;
  auto result = sources.load("/tmp");
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error(), "/tmp: cannot read: Is a directory");
}

}  // namespace
}  // namespace stackc
