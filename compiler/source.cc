#include "compiler/source.h"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>

#include <fmt/format.h>

namespace stackc {

SourceFile::SourceFile(std::string path, std::string text)
    : m_path(std::move(path)), m_text(std::move(text)) {
  m_line_starts.push_back(0);
  for (size_t i = 0; i < m_text.size(); ++i) {
    if (m_text[i] == '\n' && i + 1 < m_text.size()) {
      m_line_starts.push_back(i + 1);
    }
  }
}

std::string_view SourceFile::line(uint32_t line) const {
  if (line == 0 || line > m_line_starts.size()) {
    return {};
  }
  size_t begin = m_line_starts[line - 1];
  size_t end = m_text.find('\n', begin);
  if (end == std::string::npos) {
    end = m_text.size();
  }
  if (end > begin && m_text[end - 1] == '\r') {
    --end;
  }
  return std::string_view(m_text).substr(begin, end - begin);
}

tl::expected<const SourceFile*, std::string> SourceManager::load(const std::string& path) {
  std::string text;
  if (path == "-") {
    std::ostringstream buffer;
    buffer << std::cin.rdbuf();
    text = buffer.str();
  } else {
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) {
      return tl::unexpected(path + ": cannot read: Is a directory");
    }
    // Refuse huge files before reading them: a 1000-service stack is under 1 MiB.
    auto size = std::filesystem::file_size(path, ec);
    if (!ec && size > k_max_source_size) {
      return tl::unexpected(fmt::format("{}: file is too large ({} MiB; the limit is {} MiB)",
                                        path, size >> 20, k_max_source_size >> 20));
    }
    errno = 0;
    std::ifstream in(path, std::ios::binary);
    if (!in) {
      return tl::unexpected(path + ": cannot open: " + std::strerror(errno ? errno : ENOENT));
    }
    text.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    if (in.bad()) {
      return tl::unexpected(path + ": cannot read: " + std::strerror(errno ? errno : EIO));
    }
  }
  return add(path, std::move(text));
}

const SourceFile* SourceManager::add(std::string path, std::string text) {
  m_files.push_back(std::make_unique<SourceFile>(std::move(path), std::move(text)));
  return m_files.back().get();
}

}  // namespace stackc
