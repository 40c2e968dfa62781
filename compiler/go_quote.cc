#include "compiler/go_quote.h"

#include <fmt/format.h>

namespace stackc {

namespace {

// Decodes one UTF-8 sequence at s[i]; returns its length, or 0 if invalid (Go's rules: no
// overlongs, no surrogates, max U+10FFFF).
size_t decode_utf8(std::string_view s, size_t i, char32_t& out) {
  auto byte = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char b0 = byte(i);
  if (b0 < 0x80) {
    out = b0;
    return 1;
  }
  size_t len = 0;
  char32_t cp = 0;
  char32_t min = 0;
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    len = 2, cp = b0 & 0x1F, min = 0x80;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    len = 3, cp = b0 & 0x0F, min = 0x800;
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    len = 4, cp = b0 & 0x07, min = 0x10000;
  } else {
    return 0;
  }
  if (i + len > s.size()) {
    return 0;
  }
  for (size_t k = 1; k < len; ++k) {
    unsigned char b = byte(i + k);
    if ((b & 0xC0) != 0x80) {
      return 0;
    }
    cp = (cp << 6) | (b & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
    return 0;
  }
  out = cp;
  return len;
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
