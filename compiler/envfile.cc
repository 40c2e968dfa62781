#include "compiler/envfile.h"

#include <algorithm>
#include <optional>
#include <string_view>

#include <fmt/format.h>

#include "compiler/interpolate.h"

namespace stackc {

namespace {

constexpr std::string_view k_bom = "\xEF\xBB\xBF";

bool is_blank(char c) { return c == ' ' || c == '\t'; }
bool is_name_start(char c) { return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_name_char(char c) { return is_name_start(c) || (c >= '0' && c <= '9'); }

// Byte offsets of line starts, to turn an offset into line:col.
class LineIndex {
 public:
  explicit LineIndex(std::string_view text) {
    m_starts.push_back(0);
    for (size_t i = 0; i < text.size(); ++i) {
      if (text[i] == '\n') {
        m_starts.push_back(i + 1);
      }
    }
  }
  SourceLoc loc(const SourceFile& file, size_t offset) const {
    size_t line = static_cast<size_t>(std::upper_bound(m_starts.begin(), m_starts.end(), offset) -
                                      m_starts.begin());
    return SourceLoc{&file, static_cast<uint32_t>(line),
                     static_cast<uint32_t>(offset - m_starts[line - 1] + 1)};
  }

 private:
  std::vector<size_t> m_starts;
};

// The end of the line starting at or containing `pos`, without its "\r\n" / "\n".
size_t content_end(std::string_view text, size_t pos) {
  size_t end = text.find('\n', pos);
  if (end == std::string_view::npos) {
    end = text.size();
  }
  if (end > pos && text[end - 1] == '\r') {
    --end;
  }
  return end;
}

size_t next_line(std::string_view text, size_t pos) {
  size_t end = text.find('\n', pos);
  return end == std::string_view::npos ? text.size() : end + 1;
}

std::string describe(char c) {
  if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x7F) {
    return fmt::format("byte 0x{:02x}", static_cast<unsigned char>(c));
  }
  return fmt::format("'{}'", c);
}

}  // namespace

std::vector<EnvVar> parse_dotenv(const SourceFile& file, Diagnostics& diags) {
  std::string_view text = file.text();
  LineIndex index(text);
  std::vector<EnvVar> vars;
  auto error = [&](size_t offset, std::string message) {
    diags.error("STK015", index.loc(file, offset), std::move(message));
  };
  size_t pos = text.substr(0, k_bom.size()) == k_bom ? k_bom.size() : 0;
  while (pos < text.size()) {
    size_t end = content_end(text, pos);
    size_t p = pos;
    while (p < end && is_blank(text[p])) {
      ++p;
    }
    if (p == end || text[p] == '#') {
      pos = next_line(text, pos);
      continue;
    }
    if (text.substr(p, 6) == "export" && p + 6 < end && is_blank(text[p + 6])) {
      p += 6;
      while (p < end && is_blank(text[p])) {
        ++p;
      }
    }
    size_t name_begin = p;
    if (!is_name_start(text[p])) {
      error(p, fmt::format("expected a variable name (letters, digits and '_', not starting "
                           "with a digit), found {}",
                           describe(text[p])));
      pos = next_line(text, pos);
      continue;
    }
    while (p < end && is_name_char(text[p])) {
      ++p;
    }
    std::string name(text.substr(name_begin, p - name_begin));
    size_t name_end = p;
    while (p < end && is_blank(text[p])) {
      ++p;
    }
    if (p == end) {
      error(name_end, fmt::format("missing '=' after the variable name '{}'", name));
      pos = next_line(text, pos);
      continue;
    }
    if (text[p] != '=') {
      error(p, fmt::format("unexpected {} after the variable name '{}'; expected '='",
                           describe(text[p]), name));
      pos = next_line(text, pos);
      continue;
    }
    ++p;
    size_t value_begin = p;
    while (p < end && is_blank(text[p])) {
      ++p;
    }
    std::string value;
    if (p < end && (text[p] == '\'' || text[p] == '"')) {
      char quote = text[p];
      size_t open = p;
      size_t q = p + 1;
      bool closed = false;
      while (q < text.size()) {
        char c = text[q];
        if (c == quote) {
          closed = true;
          break;
        }
        if (quote == '"' && c == '\\' && q + 1 < text.size()) {
          char e = text[q + 1];
          switch (e) {
            case 'n':
              value += '\n';
              break;
            case 'r':
              value += '\r';
              break;
            case 't':
              value += '\t';
              break;
            case '\\':
              value += '\\';
              break;
            case '"':
              value += '"';
              break;
            case '$':
              value += '$';
              break;
            default:
              value += '\\';
              value += e;
              break;
          }
          q += 2;
          continue;
        }
        value += c;
        ++q;
      }
      if (!closed) {
        error(open, fmt::format("unterminated {}-quoted value for '{}'",
                                quote == '"' ? "double" : "single", name));
        break;  // the rest of the file is inside the quotes
      }
      // After the closing quote only blanks and a comment may follow on its line.
      size_t after = q + 1;
      size_t after_end = content_end(text, after);
      size_t r = after;
      while (r < after_end && is_blank(text[r])) {
        ++r;
      }
      if (r < after_end && text[r] != '#') {
        error(r, fmt::format("unexpected text after the closing quote of '{}'", name));
      } else {
        vars.push_back(EnvVar{std::move(name), std::move(value), index.loc(file, name_begin)});
      }
      pos = next_line(text, after);
      continue;
    }
    std::string_view raw = text.substr(value_begin, end - value_begin);
    for (size_t i = 1; i < raw.size(); ++i) {
      if (raw[i] == '#' && is_blank(raw[i - 1])) {
        raw = raw.substr(0, i);
        break;
      }
    }
    while (!raw.empty() && is_blank(raw.front())) {
      raw.remove_prefix(1);
    }
    while (!raw.empty() && is_blank(raw.back())) {
      raw.remove_suffix(1);
    }
    vars.push_back(EnvVar{std::move(name), std::string(raw), index.loc(file, name_begin)});
    pos = next_line(text, pos);
  }
  return vars;
}

void add_env_vars(MapEnv& env, const std::vector<EnvVar>& vars) {
  for (const EnvVar& var : vars) {
    env.set(var.name, var.value);
  }
}

namespace {

// Go's unicode.IsSpace for the rune starting at s[i]; returns its byte length or 0.
size_t go_space_length(std::string_view s, size_t i) {
  unsigned char c = static_cast<unsigned char>(s[i]);
  if (c == ' ' || (c >= '\t' && c <= '\r')) {
    return 1;
  }
  auto at = [&](size_t k) -> unsigned char {
    return i + k < s.size() ? static_cast<unsigned char>(s[i + k]) : 0;
  };
  if (c == 0xC2 && (at(1) == 0x85 || at(1) == 0xA0)) {  // U+0085, U+00A0
    return 2;
  }
  if (c == 0xE1 && at(1) == 0x9A && at(2) == 0x80) {  // U+1680
    return 3;
  }
  if (c == 0xE2 && at(1) == 0x80 &&
      ((at(2) >= 0x80 && at(2) <= 0x8A) || at(2) == 0xA8 || at(2) == 0xA9 || at(2) == 0xAF)) {
    return 3;  // U+2000-200A, U+2028, U+2029, U+202F
  }
  if (c == 0xE2 && at(1) == 0x81 && at(2) == 0x9F) {  // U+205F
    return 3;
  }
  if (c == 0xE3 && at(1) == 0x80 && at(2) == 0x80) {  // U+3000
    return 3;
  }
  return 0;
}

// Offset of the first byte that is not valid UTF-8 (Go's utf8.Valid rules), or npos.
size_t first_invalid_utf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    unsigned char b0 = static_cast<unsigned char>(s[i]);
    if (b0 < 0x80) {
      ++i;
      continue;
    }
    size_t len = 0;
    unsigned char lo = 0x80;
    unsigned char hi = 0xBF;
    if (b0 >= 0xC2 && b0 <= 0xDF) {
      len = 2;
    } else if (b0 >= 0xE0 && b0 <= 0xEF) {
      len = 3;
      lo = b0 == 0xE0 ? 0xA0 : 0x80;
      hi = b0 == 0xED ? 0x9F : 0xBF;
    } else if (b0 >= 0xF0 && b0 <= 0xF4) {
      len = 4;
      lo = b0 == 0xF0 ? 0x90 : 0x80;
      hi = b0 == 0xF4 ? 0x8F : 0xBF;
    } else {
      return i;
    }
    if (i + len > s.size()) {
      return i;
    }
    for (size_t k = 1; k < len; ++k) {
      unsigned char b = static_cast<unsigned char>(s[i + k]);
      unsigned char min = k == 1 ? lo : 0x80;
      unsigned char max = k == 1 ? hi : 0xBF;
      if (b < min || b > max) {
        return i;
      }
    }
    i += len;
  }
  return std::string_view::npos;
}

// bufio.Scanner's default limit: a line of this many bytes (without its '\n') fails.
constexpr size_t k_max_line = 64 * 1024;

}  // namespace

std::vector<EnvVar> read_kvfile(const SourceFile& file, const Env& lookup, Diagnostics& diags) {
  std::string_view text = file.text();
  std::vector<EnvVar> vars;
  size_t pos = 0;
  for (uint32_t line_no = 1; pos < text.size(); ++line_no) {
    size_t newline = text.find('\n', pos);
    size_t raw_end = newline == std::string_view::npos ? text.size() : newline;
    size_t next = newline == std::string_view::npos ? text.size() : newline + 1;
    auto loc = [&](size_t offset) {
      return SourceLoc{&file, line_no, static_cast<uint32_t>(offset - pos + 1)};
    };
    if (raw_end - pos >= k_max_line) {
      diags.error("STK016", loc(pos), "bufio.Scanner: token too long (a line of 64 KiB or more)");
      break;  // the reference's scanner stops here
    }
    size_t end = raw_end > pos && text[raw_end - 1] == '\r' ? raw_end - 1 : raw_end;
    std::string_view line = text.substr(pos, end - pos);
    if (size_t bad = first_invalid_utf8(line); bad != std::string_view::npos) {
      // The reference also dumps the line's bytes; values may be secrets, so we do not.
      diags.error("STK016", loc(pos + bad), fmt::format("invalid utf8 bytes at line {}", line_no));
      pos = next;
      continue;
    }
    size_t p = pos;
    if (line_no == 1 && line.substr(0, k_bom.size()) == k_bom) {
      p += k_bom.size();
    }
    while (p < end) {
      size_t len = go_space_length(text, p);
      if (len == 0) {
        break;
      }
      p += len;
    }
    line = text.substr(p, end - p);
    if (line.empty() || line[0] == '#') {
      pos = next;
      continue;
    }
    size_t eq = line.find('=');
    std::string_view key = line.substr(0, eq);
    if (key.empty()) {
      // The reference quotes the line, which is a value here (maybe a secret); we do not.
      diags.error("STK016", loc(p), "no variable name before '='");
      pos = next;
      continue;
    }
    if (size_t space = key.find_first_of(" \t"); space != std::string_view::npos) {
      diags.error("STK016", loc(p + space), fmt::format("variable '{}' contains whitespaces", key));
      pos = next;
      continue;
    }
    if (eq != std::string_view::npos) {
      std::string_view value = line.substr(eq + 1);
      if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'') &&
          value.back() == value.front()) {
        diags.warning("STK017", loc(p + eq + 1),
                      "the quotes are part of the value: docker stack deploy (docker CLI 28) "
                      "keeps them, while docker compose and newer docker CLIs remove them");
      }
      vars.push_back(EnvVar{std::string(key), std::string(value), loc(p)});
    } else if (std::optional<std::string> value = lookup.get(key)) {
      vars.push_back(EnvVar{std::string(key), std::move(*value), loc(p)});
    }
    pos = next;
  }
  return vars;
}

}  // namespace stackc
