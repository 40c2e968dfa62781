#include "compiler/units.h"

#include "compiler/go_quote.h"
#include "compiler/gostrconv.h"

#include <locale.h>
#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <optional>

namespace stackc {
namespace {

constexpr uint64_t k_nanosecond = 1;
constexpr uint64_t k_microsecond = 1000 * k_nanosecond;
constexpr uint64_t k_millisecond = 1000 * k_microsecond;
constexpr uint64_t k_second = 1000 * k_millisecond;
constexpr uint64_t k_minute = 60 * k_second;
constexpr uint64_t k_hour = 60 * k_minute;
constexpr uint64_t k_two_63 = uint64_t{1} << 63;

bool is_digit(char c) { return c >= '0' && c <= '9'; }
char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

const char k_hex[] = "0123456789abcdef";

void append_hex_byte(std::string& out, unsigned char byte) {
  out += "\\x";
  out += k_hex[byte >> 4];
  out += k_hex[byte & 0xF];
}

// The `quote` of Go's time package: every byte outside printable ASCII becomes \xNN.
std::string time_quote(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    auto byte = static_cast<unsigned char>(c);
    if (byte >= 0x80 || byte < 0x20) {
      append_hex_byte(out, byte);
      continue;
    }
    if (c == '"' || c == '\\') {
      out += '\\';
    }
    out += c;
  }
  out += '"';
  return out;
}

std::string invalid_duration(std::string_view orig) {
  return "time: invalid duration " + time_quote(orig);
}

std::optional<uint64_t> duration_unit(std::string_view unit) {
  if (unit == "ns") {
    return k_nanosecond;
  }
  if (unit == "us" || unit == "\xC2\xB5s" /* U+00B5 micro sign */ ||
      unit == "\xCE\xBCs" /* U+03BC greek mu */) {
    return k_microsecond;
  }
  if (unit == "ms") {
    return k_millisecond;
  }
  if (unit == "s") {
    return k_second;
  }
  if (unit == "m") {
    return k_minute;
  }
  if (unit == "h") {
    return k_hour;
  }
  return std::nullopt;
}

// Go's fmtFrac: writes v/10^prec's fraction (without trailing zeros) before `end`.
uint64_t format_fraction(std::string& reversed, uint64_t v, int prec) {
  bool print = false;
  for (int i = 0; i < prec; ++i) {
    uint64_t digit = v % 10;
    print = print || digit != 0;
    if (print) {
      reversed += static_cast<char>('0' + digit);
    }
    v /= 10;
  }
  if (print) {
    reversed += '.';
  }
  return v;
}

void format_int(std::string& reversed, uint64_t v) {
  if (v == 0) {
    reversed += '0';
    return;
  }
  while (v > 0) {
    reversed += static_cast<char>('0' + v % 10);
    v /= 10;
  }
}

// Go's int64(f) on amd64: out-of-range values and NaN become the "integer indefinite" INT64_MIN.
int64_t go_float_to_int64(double f) {
  if (std::isnan(f) || f >= 9223372036854775808.0 || f < -9223372036854775808.0) {
    return std::numeric_limits<int64_t>::min();
  }
  return static_cast<int64_t>(f);
}

// ---- big.Rat subset for ParseCPUs ----

using Wide = unsigned __int128;
constexpr Wide k_wide_limit = static_cast<Wide>(1) << 120;  // headroom for * 1e9 below 2^127

// An unsigned integer with an optional base prefix (0b, 0o, 0x, and "0" = octal when
// `leading_zero_octal`), with Go's digit-separating underscores.
std::optional<Wide> parse_rat_integer(std::string_view s, bool leading_zero_octal) {
  int base = 10;
  std::string_view digits = s;
  if (s.size() >= 2 && s[0] == '0') {
    char p = lower(s[1]);
    if (p == 'x' || p == 'b' || p == 'o') {
      base = p == 'x' ? 16 : p == 'b' ? 2 : 8;
      digits = s.substr(2);
    } else if (leading_zero_octal) {
      base = 8;
      digits = s.substr(1);
    }
  }
  if (digits.empty() || (digits.find('_') != std::string_view::npos && !go_underscore_ok(s))) {
    return std::nullopt;
  }
  Wide value = 0;
  bool any = false;
  for (char c : digits) {
    if (c == '_') {
      continue;
    }
    char l = lower(c);
    int d = is_digit(l) ? l - '0' : (l >= 'a' && l <= 'f') ? l - 'a' + 10 : 99;
    if (d >= base) {
      return std::nullopt;
    }
    value = value * static_cast<Wide>(base) + static_cast<Wide>(d);
    if (value >= k_wide_limit) {
      return std::nullopt;
    }
    any = true;
  }
  if (!any) {
    return std::nullopt;
  }
  return value;
}

}  // namespace


tl::expected<int64_t, std::string> parse_duration(std::string_view text) {
  const std::string_view orig = text;
  std::string_view s = text;
  uint64_t total = 0;
  bool negative = false;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
    negative = s[0] == '-';
    s.remove_prefix(1);
  }
  if (s == "0") {
    return 0;
  }
  if (s.empty()) {
    return tl::unexpected(invalid_duration(orig));
  }
  while (!s.empty()) {
    if (!(s[0] == '.' || is_digit(s[0]))) {
      return tl::unexpected(invalid_duration(orig));
    }
    // Integer part (Go's leadingInt, which fails on overflow past 2^63).
    uint64_t v = 0;
    size_t i = 0;
    for (; i < s.size() && is_digit(s[i]); ++i) {
      if (v > k_two_63 / 10) {
        return tl::unexpected(invalid_duration(orig));
      }
      v = v * 10 + static_cast<uint64_t>(s[i] - '0');
      if (v > k_two_63) {
        return tl::unexpected(invalid_duration(orig));
      }
    }
    bool pre = i > 0;
    s.remove_prefix(i);
    // Fraction (Go's leadingFraction, which stops accumulating precision on overflow).
    uint64_t f = 0;
    double scale = 1;
    bool post = false;
    if (!s.empty() && s[0] == '.') {
      s.remove_prefix(1);
      bool overflow = false;
      size_t j = 0;
      for (; j < s.size() && is_digit(s[j]); ++j) {
        if (overflow) {
          continue;
        }
        if (f > (k_two_63 - 1) / 10) {
          overflow = true;
          continue;
        }
        uint64_t y = f * 10 + static_cast<uint64_t>(s[j] - '0');
        if (y > k_two_63) {
          overflow = true;
          continue;
        }
        f = y;
        scale *= 10;
      }
      post = j > 0;
      s.remove_prefix(j);
    }
    if (!pre && !post) {
      return tl::unexpected(invalid_duration(orig));
    }
    size_t u = 0;
    while (u < s.size() && s[u] != '.' && !is_digit(s[u])) {
      ++u;
    }
    if (u == 0) {
      return tl::unexpected("time: missing unit in duration " + time_quote(orig));
    }
    std::string_view unit_text = s.substr(0, u);
    s.remove_prefix(u);
    std::optional<uint64_t> unit = duration_unit(unit_text);
    if (!unit) {
      return tl::unexpected("time: unknown unit " + time_quote(unit_text) + " in duration " +
                            time_quote(orig));
    }
    if (v > k_two_63 / *unit) {
      return tl::unexpected(invalid_duration(orig));
    }
    v *= *unit;
    if (f > 0) {
      // Go computes the fraction in float64; the truncation is part of the observable result.
      v += static_cast<uint64_t>(static_cast<double>(f) * (static_cast<double>(*unit) / scale));
      if (v > k_two_63) {
        return tl::unexpected(invalid_duration(orig));
      }
    }
    total += v;
    if (total > k_two_63) {
      return tl::unexpected(invalid_duration(orig));
    }
  }
  if (negative) {
    return static_cast<int64_t>(0 - total);  // two's complement: 2^63 maps to INT64_MIN
  }
  if (total > k_two_63 - 1) {
    return tl::unexpected(invalid_duration(orig));
  }
  return static_cast<int64_t>(total);
}

std::string format_duration(int64_t nanoseconds) {
  // Built back to front like Go's Duration.format, then reversed.
  std::string reversed;
  uint64_t u = static_cast<uint64_t>(nanoseconds);
  bool negative = nanoseconds < 0;
  if (negative) {
    u = 0 - u;
  }
  if (u < k_second) {
    int prec = 0;
    reversed += 's';
    if (u == 0) {
      return "0s";
    }
    if (u < k_microsecond) {
      reversed += 'n';
    } else if (u < k_millisecond) {
      prec = 3;
      reversed += "\xB5\xC2";  // "µ" (U+00B5), reversed byte order
    } else {
      prec = 6;
      reversed += 'm';
    }
    u = format_fraction(reversed, u, prec);
    format_int(reversed, u);
  } else {
    reversed += 's';
    u = format_fraction(reversed, u, 9);
    format_int(reversed, u % 60);
    u /= 60;
    if (u > 0) {
      reversed += 'm';
      format_int(reversed, u % 60);
      u /= 60;
      if (u > 0) {
        reversed += 'h';
        format_int(reversed, u);
      }
    }
  }
  if (negative) {
    reversed += '-';
  }
  return std::string(reversed.rbegin(), reversed.rend());
}

tl::expected<int64_t, std::string> parse_bytes(std::string_view text) {
  const std::string quoted = "'" + std::string(text) + "'";
  size_t sep = text.find_last_of("0123456789. ");
  if (sep == std::string_view::npos) {
    return tl::unexpected("invalid size: " + quoted);
  }
  std::string_view num = text.substr(0, text[sep] == ' ' ? sep : sep + 1);
  std::string_view suffix = text.substr(sep + 1);
  auto size = go_parse_float(num);
  if (!size) {
    return tl::unexpected(size.error());
  }
  double value = *size;
  if (value < 0) {
    return tl::unexpected("invalid size: " + quoted);
  }
  if (suffix.empty()) {
    return go_float_to_int64(value);
  }
  auto bad_suffix = [](std::string_view sfx) {
    return tl::unexpected("invalid suffix: '" + std::string(sfx) + "'");
  };
  if (suffix.size() > 3) {
    return bad_suffix(suffix);  // reported as written: go-units lower-cases only after this check
  }
  std::string sfx;
  for (char c : suffix) {
    sfx += lower(c);
  }
  if (sfx[0] == 'b') {
    if (sfx.size() > 1) {
      return bad_suffix(sfx);
    }
    return go_float_to_int64(value);
  }
  static constexpr std::string_view k_prefixes = "kmgtp";
  size_t power = k_prefixes.find(sfx[0]);
  if (power == std::string_view::npos) {
    return bad_suffix(sfx);
  }
  if ((sfx.size() == 2 && sfx[1] != 'b') || (sfx.size() == 3 && sfx.substr(1) != "ib")) {
    return bad_suffix(sfx);
  }
  value *= static_cast<double>(int64_t{1} << (10 * (power + 1)));
  return go_float_to_int64(value);
}

tl::expected<int64_t, std::string> parse_cpus(std::string_view text) {
  auto unparseable = [&] {
    return tl::unexpected("failed to parse " + std::string(text) + " as a rational number");
  };
  auto out_of_range = [] { return tl::unexpected(std::string("value is out of range")); };
  std::string_view s = text;
  bool negative = false;
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
    negative = s[0] == '-';
    s.remove_prefix(1);
  }
  auto finish = [&](Wide nano) -> tl::expected<int64_t, std::string> {
    Wide limit = negative ? static_cast<Wide>(k_two_63) : static_cast<Wide>(k_two_63 - 1);
    if (nano > limit) {
      return out_of_range();
    }
    return negative ? static_cast<int64_t>(0 - static_cast<uint64_t>(nano))
                    : static_cast<int64_t>(nano);
  };
  if (size_t slash = s.find('/'); slash != std::string_view::npos) {
    // "a/b": both integers, each with its own optional base prefix; the divisor is unsigned.
    std::string_view a_text = s.substr(0, slash);
    std::string_view b_text = s.substr(slash + 1);
    if (!b_text.empty() && (b_text[0] == '+' || b_text[0] == '-')) {
      return unparseable();
    }
    auto a = parse_rat_integer(a_text, true);
    auto b = parse_rat_integer(b_text, true);
    if (!a || !b || *b == 0) {
      return unparseable();
    }
    Wide scaled = *a * 1000000000u;
    if (scaled % *b != 0) {
      return tl::unexpected(std::string("value is too precise"));
    }
    return finish(scaled / *b);
  }
  // Float form: an optional base prefix (0b, 0o, 0x; a plain leading 0 stays decimal), a mantissa
  // with an optional '.', then a base-10 "e" exponent (not after 0x) or a base-2 "p" exponent.
  // The value is digits * base^-fraction * 10^e * 2^p; times 1e9 it must be an integer.
  int base = 10;
  int bits_per_digit = 0;  // log2(base) for the power-of-two bases
  size_t i = 0;
  if (s.size() >= 2 && s[0] == '0' &&
      (lower(s[1]) == 'x' || lower(s[1]) == 'b' || lower(s[1]) == 'o')) {
    base = lower(s[1]) == 'x' ? 16 : lower(s[1]) == 'b' ? 2 : 8;
    bits_per_digit = base == 16 ? 4 : base == 2 ? 1 : 3;
    i = 2;
  }
  std::string digits;
  int64_t fraction_digits = 0;
  bool saw_dot = false;
  for (; i < s.size(); ++i) {
    char c = lower(s[i]);
    int d = is_digit(c) ? c - '0' : (c >= 'a' && c <= 'f') ? c - 'a' + 10 : 99;
    if (c == '_') {
      continue;
    }
    if (c == '.' && !saw_dot) {
      saw_dot = true;
      continue;
    }
    if (d >= base) {
      break;
    }
    digits += static_cast<char>(d);
    fraction_digits += saw_dot ? 1 : 0;
  }
  if (digits.empty() || !go_underscore_ok(s.substr(0, i))) {
    return unparseable();
  }
  int64_t exp10 = 0;
  int64_t exp2 = 0;
  if (i < s.size() && (lower(s[i]) == 'p' || (lower(s[i]) == 'e' && base != 16))) {
    bool binary = lower(s[i]) == 'p';
    ++i;
    bool exp_negative = false;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) {
      exp_negative = s[i] == '-';
      ++i;
    }
    size_t start = i;
    int64_t exponent = 0;
    for (; i < s.size() && is_digit(s[i]); ++i) {
      exponent = std::min<int64_t>(exponent * 10 + (s[i] - '0'), 1'000'000);
    }
    if (i == start) {
      return unparseable();
    }
    (binary ? exp2 : exp10) = exp_negative ? -exponent : exponent;
  }
  if (i != s.size()) {
    return unparseable();
  }
  // Drop leading zeros, and trailing zeros into the exponents, so that only significant digits
  // have to fit in 128 bits.
  size_t first = 0;
  while (first < digits.size() && digits[first] == 0) {
    ++first;
  }
  if (first == digits.size()) {
    return 0;
  }
  digits.erase(0, first);
  while (digits.back() == 0) {
    digits.pop_back();
    if (fraction_digits > 0) {
      --fraction_digits;
    } else if (base == 10) {
      ++exp10;
    } else {
      exp2 += bits_per_digit;
    }
  }
  if (base == 10) {
    exp10 -= fraction_digits;
  } else {
    exp2 -= bits_per_digit * fraction_digits;
  }
  exp10 += 9;  // nano-CPUs
  Wide numerator = 0;
  for (char d : digits) {
    if (numerator >= k_wide_limit / static_cast<Wide>(base)) {
      return out_of_range();
    }
    numerator = numerator * static_cast<Wide>(base) + static_cast<Wide>(d);
  }
  Wide denominator = 1;
  // Multiplies `target` by factor^count; false when it would pass 2^120.
  auto scale = [](Wide& target, Wide factor, int64_t count) {
    for (int64_t k = 0; k < count; ++k) {
      if (target >= k_wide_limit / factor) {
        return false;
      }
      target *= factor;
    }
    return true;
  };
  if (!scale(numerator, 10, std::max<int64_t>(exp10, 0)) ||
      !scale(numerator, 2, std::max<int64_t>(exp2, 0))) {
    return out_of_range();
  }
  // A denominator past 2^120 cannot divide the smaller non-zero numerator: too precise.
  if (!scale(denominator, 10, std::max<int64_t>(-exp10, 0)) ||
      !scale(denominator, 2, std::max<int64_t>(-exp2, 0)) || numerator % denominator != 0) {
    return tl::unexpected(std::string("value is too precise"));
  }
  return finish(numerator / denominator);
}

}  // namespace stackc
