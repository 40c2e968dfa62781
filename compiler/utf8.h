#pragma once
// UTF-8 decoding by Go's rules (unicode/utf8.DecodeRune), shared by the passes that mimic Go's
// rune loops: volume specs, shell words, Go's %q quoting.

#include <cstddef>
#include <string_view>

namespace stackc {

struct Rune {
  char32_t code_point;  // U+FFFD when not valid
  std::size_t length;   // bytes consumed: 1 when not valid, as Go steps over one bad byte
  bool valid;
};

// The code point starting at s[i] (i < s.size()). Truncated sequences, stray continuation
// bytes, overlong forms, surrogates and values above U+10FFFF are not valid.
Rune decode_rune(std::string_view s, std::size_t i);

}  // namespace stackc
