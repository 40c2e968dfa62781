#include "compiler/utf8.h"

namespace stackc {

Rune decode_rune(std::string_view s, std::size_t i) {
  constexpr Rune k_invalid{0xFFFD, 1, false};
  auto b0 = static_cast<unsigned char>(s[i]);
  if (b0 < 0x80) {
    return {b0, 1, true};
  }
  std::size_t length = 0;
  char32_t code_point = 0;
  char32_t min = 0;
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    length = 2, code_point = b0 & 0x1F, min = 0x80;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    length = 3, code_point = b0 & 0x0F, min = 0x800;
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    length = 4, code_point = b0 & 0x07, min = 0x10000;
  } else {
    return k_invalid;
  }
  if (i + length > s.size()) {
    return k_invalid;
  }
  for (std::size_t k = 1; k < length; ++k) {
    auto b = static_cast<unsigned char>(s[i + k]);
    if ((b & 0xC0) != 0x80) {
      return k_invalid;
    }
    code_point = (code_point << 6) | (b & 0x3F);
  }
  if (code_point < min || code_point > 0x10FFFF || (code_point >= 0xD800 && code_point <= 0xDFFF)) {
    return k_invalid;
  }
  return {code_point, length, true};
}

}  // namespace stackc
