#include "compiler/go_quote.h"

#include <fmt/format.h>

#include "compiler/utf8.h"

namespace stackc {

namespace {

// Decodes one UTF-8 sequence at s[i]; returns its length, or 0 if invalid (Go's rules).
size_t decode_utf8(std::string_view s, size_t i, char32_t& out) {
  Rune rune = decode_rune(s, i);
  out = rune.code_point;
  return rune.valid ? rune.length : 0;
}

// An approximation of Go's unicode.IsPrint for non-ASCII runes: the ranges that matter in
// practice (controls, format characters, non-ASCII spaces, private use) are not printable.
bool go_is_print(char32_t cp) {
  if (cp < 0x80) {
    return cp >= 0x20 && cp < 0x7F;
  }
  if (cp <= 0xA0 || cp == 0xAD || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200F) ||
      (cp >= 0x2028 && cp <= 0x202F) || (cp >= 0x205F && cp <= 0x206F) || cp == 0x3000 ||
      cp == 0xFEFF || (cp >= 0xE000 && cp <= 0xF8FF) || cp == 0xFFFE || cp == 0xFFFF ||
      cp >= 0xF0000) {
    return false;
  }
  return true;
}

}  // namespace

std::string go_quote(std::string_view text) {
  std::string out = "\"";
  for (size_t i = 0; i < text.size();) {
    char32_t cp = 0;
    size_t len = decode_utf8(text, i, cp);
    if (len == 0) {
      out += fmt::format("\\x{:02x}", static_cast<unsigned char>(text[i]));
      ++i;
      continue;
    }
    switch (cp) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\a':
        out += "\\a";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\v':
        out += "\\v";
        break;
      default:
        if (go_is_print(cp)) {
          out.append(text.substr(i, len));
        } else if (cp < 0x80) {
          out += fmt::format("\\x{:02x}", static_cast<unsigned>(cp));
        } else if (cp < 0x10000) {
          out += fmt::format("\\u{:04x}", static_cast<unsigned>(cp));
        } else {
          out += fmt::format("\\U{:08x}", static_cast<unsigned>(cp));
        }
    }
    i += len;
  }
  out += '"';
  return out;
}

}  // namespace stackc
