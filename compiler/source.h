#pragma once
// Source files and positions. Every stage reports locations as SourceLoc, so every message can
// show file:line:col, the source line and a caret.

#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <tl/expected.hpp>

namespace stackc {

// One loaded file. Owned by a SourceManager, so its address is stable for the whole run.
class SourceFile {
 public:
  SourceFile(std::string path, std::string text);

  const std::string& path() const { return m_path; }
  const std::string& text() const { return m_text; }
  // The text of 1-based line `line` without its newline; empty past the end.
  std::string_view line(uint32_t line) const;
  uint32_t line_count() const { return static_cast<uint32_t>(m_line_starts.size()); }

 private:
  std::string m_path;
  std::string m_text;
  std::vector<size_t> m_line_starts;
};

// A position in a file: 1-based line and column (columns count bytes). line == 0 means the
// location names only the file; file == nullptr means no file at all (a command-line problem).
struct SourceLoc {
  const SourceFile* file = nullptr;
  uint32_t line = 0;
  uint32_t col = 0;

  bool has_line() const { return file != nullptr && line > 0; }
};

// Files larger than this are refused unread (the YAML layer has the same limit).
constexpr size_t k_max_source_size = 16 * 1024 * 1024;

// Owns every file read during one run.
class SourceManager {
 public:
  // Reads `path` ("-" is standard input). The error names the file and the system's reason.
  tl::expected<const SourceFile*, std::string> load(const std::string& path);
  // Adds text that did not come from disk (tests, generated input).
  const SourceFile* add(std::string path, std::string text);

 private:
  std::deque<std::unique_ptr<SourceFile>> m_files;
};

}  // namespace stackc
