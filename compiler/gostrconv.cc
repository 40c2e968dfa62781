#include "compiler/gostrconv.h"

#include <locale.h>

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <string>

#include "compiler/go_quote.h"

namespace stackc {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }
char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

}  // namespace

// Go's strconv.underscoreOK: underscores may only separate digits (or a base prefix and a digit).
bool go_underscore_ok(std::string_view s) {
  char saw = '^';
  size_t i = 0;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
    s.remove_prefix(1);
  }
  bool hex = false;
  if (s.size() >= 2 && s[0] == '0' &&
      (lower(s[1]) == 'b' || lower(s[1]) == 'o' || lower(s[1]) == 'x')) {
    i = 2;
    saw = '0';
    hex = lower(s[1]) == 'x';
  }
  for (; i < s.size(); ++i) {
    char c = lower(s[i]);
    if (is_digit(c) || (hex && c >= 'a' && c <= 'f')) {
      saw = '0';
      continue;
    }
    if (c == '_') {
      if (saw != '0') {
        return false;
      }
      saw = '_';
      continue;
    }
    if (saw == '_') {
      return false;
    }
    saw = '!';
  }
  return saw != '_';
}

bool go_equal_fold(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) {
    return false;
  }
  for (size_t i = 0; i < a.size(); ++i) {
    if (lower(a[i]) != lower(b[i])) {
      return false;
    }
  }
  return true;
}

// Go's strconv.ParseFloat(s, 64). The syntax is checked here (Go float literal syntax: decimal or
// hexadecimal with mandatory p exponent, digit-separating underscores, inf/infinity/nan); the
// correctly rounded conversion is strtod's, in the C locale.
tl::expected<double, std::string> go_parse_float(std::string_view s) {
  auto syntax_error = [&] {
    return tl::unexpected("strconv.ParseFloat: parsing " + go_quote(s) + ": invalid syntax");
  };
  size_t i = 0;
  bool negative = false;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) {
    negative = s[i] == '-';
    ++i;
  }
  std::string_view rest = s.substr(i);
  if (go_equal_fold(rest, "inf") || go_equal_fold(rest, "infinity")) {
    return negative ? -std::numeric_limits<double>::infinity()
                    : std::numeric_limits<double>::infinity();
  }
  if (i == 0 && go_equal_fold(rest, "nan")) {
    return std::numeric_limits<double>::quiet_NaN();
  }
  bool hex = rest.size() >= 2 && rest[0] == '0' && lower(rest[1]) == 'x';
  if (hex) {
    i += 2;
  }
  bool underscores = false;
  bool saw_digits = false;
  bool saw_dot = false;
  for (; i < s.size(); ++i) {
    char c = lower(s[i]);
    if (c == '_') {
      underscores = true;
    } else if (c == '.') {
      if (saw_dot) {
        return syntax_error();
      }
      saw_dot = true;
    } else if (is_digit(c) || (hex && c >= 'a' && c <= 'f')) {
      saw_digits = true;
    } else {
      break;
    }
  }
  if (!saw_digits) {
    return syntax_error();
  }
  if (i < s.size() && lower(s[i]) == (hex ? 'p' : 'e')) {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) {
      ++i;
    }
    bool exponent_digits = false;
    for (; i < s.size() && (is_digit(s[i]) || s[i] == '_'); ++i) {
      underscores = underscores || s[i] == '_';
      exponent_digits = exponent_digits || s[i] != '_';
    }
    if (!exponent_digits) {
      return syntax_error();
    }
  } else if (hex) {
    return syntax_error();  // a hexadecimal mantissa requires a 'p' exponent
  }
  if (i != s.size() || (underscores && !go_underscore_ok(s))) {
    return syntax_error();
  }
  std::string clean;
  for (char c : s) {
    if (c != '_') {
      clean += c;
    }
  }
  static locale_t c_locale = newlocale(LC_ALL_MASK, "C", locale_t{});
  double value = strtod_l(clean.c_str(), nullptr, c_locale);
  if (std::isinf(value)) {
    return tl::unexpected("strconv.ParseFloat: parsing " + go_quote(s) + ": value out of range");
  }
  return value;
}


}  // namespace stackc
