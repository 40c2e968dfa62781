#include "compiler/snode.h"

#include <charconv>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>

namespace stackc {

const char* describe_kind(const SNode& node) {
  switch (node.kind) {
    case NodeKind::null:
      return "null";
    case NodeKind::sequence:
      return "a list";
    case NodeKind::mapping:
      return "a mapping";
    case NodeKind::scalar:
      break;
  }
  switch (node.type) {
    case ScalarType::null:
      return "null";
    case ScalarType::boolean:
      return "a boolean";
    case ScalarType::integer:
      return "an integer";
    case ScalarType::floating:
      return "a number";
    case ScalarType::string:
      return "a string";
  }
  return "a value";
}

const SEntry* SNode::find_entry(std::string_view key) const {
  for (const SEntry& entry : entries) {
    if (entry.key == key) {
      return &entry;
    }
  }
  return nullptr;
}

const SNode* SNode::find(std::string_view key) const {
  const SEntry* entry = find_entry(key);
  return entry == nullptr ? nullptr : &entry->value;
}

SNode* SNode::find(std::string_view key) {
  return const_cast<SNode*>(static_cast<const SNode*>(this)->find(key));
}

}  // namespace stackc

namespace stackc {

namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// Go's strconv.ParseInt(s, 0, 64) / ParseUint(s, 0, 64) on text without '_': optional sign,
// then 0x/0X, 0o/0O, 0b/0B, a leading 0 (octal) or decimal digits. Returns false on bad syntax;
// `magnitude_overflow` tells a syntactically valid number too large for 64 bits.
bool parse_go_int(std::string_view s, bool& negative, bool& had_sign, uint64_t& magnitude,
                  bool& magnitude_overflow) {
  negative = false;
  had_sign = false;
  magnitude_overflow = false;
  magnitude = 0;
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
    negative = s[0] == '-';
    had_sign = true;
    s.remove_prefix(1);
  }
  if (s.empty()) {
    return false;
  }
  unsigned base = 10;
  if (s.size() >= 2 && s[0] == '0') {
    char p = s[1];
    if (p == 'x' || p == 'X') {
      base = 16;
      s.remove_prefix(2);
    } else if (p == 'o' || p == 'O') {
      base = 8;
      s.remove_prefix(2);
    } else if (p == 'b' || p == 'B') {
      base = 2;
      s.remove_prefix(2);
    } else {
      base = 8;
      s.remove_prefix(1);
    }
    if (s.empty()) {
      return false;
    }
  }
  for (char c : s) {
    unsigned digit;
    if (is_digit(c)) {
      digit = static_cast<unsigned>(c - '0');
    } else if (c >= 'a' && c <= 'f') {
      digit = static_cast<unsigned>(c - 'a' + 10);
    } else if (c >= 'A' && c <= 'F') {
      digit = static_cast<unsigned>(c - 'A' + 10);
    } else {
      return false;
    }
    if (digit >= base) {
      return false;
    }
    if (magnitude > (UINT64_MAX - digit) / base) {
      magnitude_overflow = true;
    } else {
      magnitude = magnitude * base + digit;
    }
  }
  return true;
}

// go-yaml's yamlStyleFloat: ^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$
bool is_yaml_style_float(std::string_view s) {
  size_t i = 0;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) {
    ++i;
  }
  auto digits = [&] {
    size_t start = i;
    while (i < s.size() && is_digit(s[i])) {
      ++i;
    }
    return i - start;
  };
  if (i < s.size() && s[i] == '.') {
    ++i;
    if (digits() == 0) {
      return false;
    }
  } else {
    if (digits() == 0) {
      return false;
    }
    if (i < s.size() && s[i] == '.') {
      ++i;
      digits();
    }
  }
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) {
      ++i;
    }
    if (digits() == 0) {
      return false;
    }
  }
  return i == s.size();
}

// Parses text accepted by is_yaml_style_float. False when it overflows a double (Go's ParseFloat
// then fails with ErrRange and go-yaml leaves the scalar a string); underflow gives 0.
bool parse_float(std::string_view s, double& out) {
  if (!s.empty() && s[0] == '+') {
    s.remove_prefix(1);
  }
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  if (ec == std::errc::result_out_of_range) {
    size_t e = s.find_first_of("eE");
    if (e != std::string_view::npos && e + 1 < s.size() && s[e + 1] == '-') {
      out = 0;
      return true;
    }
    return false;
  }
  return ec == std::errc() && ptr == s.data() + s.size();
}

void set_string(SNode& node) {
  node.kind = NodeKind::scalar;
  node.type = ScalarType::string;
}

void set_null(SNode& node) {
  node.kind = NodeKind::null;
  node.type = ScalarType::null;
}

void set_bool(SNode& node, bool value) {
  node.kind = NodeKind::scalar;
  node.type = ScalarType::boolean;
  node.int_value = value ? 1 : 0;
}

void set_float(SNode& node, double value) {
  node.kind = NodeKind::scalar;
  node.type = ScalarType::floating;
  node.float_value = value;
}

// Reads `count` (1..max digits) decimal digits at s[i]; go's time.Parse "1"/"2"/"15"/"4"/"5"
// layouts accept one or two digits, "2006" exactly four.
bool read_number(std::string_view s, size_t& i, size_t min_digits, size_t max_digits, int& out) {
  size_t start = i;
  out = 0;
  while (i < s.size() && is_digit(s[i]) && i - start < max_digits) {
    out = out * 10 + (s[i] - '0');
    ++i;
  }
  return i - start >= min_digits;
}

}  // namespace

bool is_yaml_timestamp(std::string_view s) {
  // go-yaml v3 parseTimestamp: YYYY-M-D, optionally followed by [Tt ]h:m:s[.frac] and, after
  // T/t, a zone Z or ±hh:mm (the space form has no zone).
  size_t i = 0;
  int year = 0;
  int month = 0;
  int day = 0;
  if (!read_number(s, i, 4, 4, year) || i >= s.size() || s[i] != '-') {
    return false;
  }
  ++i;
  if (!read_number(s, i, 1, 2, month) || i >= s.size() || s[i] != '-') {
    return false;
  }
  ++i;
  if (!read_number(s, i, 1, 2, day)) {
    return false;
  }
  static constexpr int k_days[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month < 1 || month > 12 || day < 1 || day > k_days[month - 1]) {
    return false;
  }
  if (month == 2 && day == 29 && !(year % 4 == 0 && (year % 100 != 0 || year % 400 == 0))) {
    return false;
  }
  if (i == s.size()) {
    return true;
  }
  char sep = s[i];
  if (sep != 'T' && sep != 't' && sep != ' ') {
    return false;
  }
  ++i;
  int hour = 0;
  int minute = 0;
  int second = 0;
  if (!read_number(s, i, 1, 2, hour) || i >= s.size() || s[i] != ':') {
    return false;
  }
  ++i;
  if (!read_number(s, i, 1, 2, minute) || i >= s.size() || s[i] != ':') {
    return false;
  }
  ++i;
  if (!read_number(s, i, 1, 2, second) || hour > 23 || minute > 59 || second > 59) {
    return false;
  }
  if (i < s.size() && s[i] == '.') {
    size_t start = ++i;
    while (i < s.size() && is_digit(s[i])) {
      ++i;
    }
    if (i == start) {
      return false;
    }
  }
  if (sep == ' ') {
    return i == s.size();
  }
  if (i < s.size() && s[i] == 'Z') {
    return i + 1 == s.size();
  }
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) {
    ++i;
    int zh = 0;
    int zm = 0;
    return read_number(s, i, 2, 2, zh) && i < s.size() && s[i] == ':' &&
           read_number(s, ++i, 2, 2, zm) && i == s.size();
  }
  return false;
}

void resolve_plain_scalar(SNode& node) {
  node.quoted = false;
  node.int_value = 0;
  node.float_value = 0;
  const std::string& in = node.text;
  if (in.empty()) {
    set_null(node);
    return;
  }
  char first = in[0];
  bool hint_word = std::string_view("yYnNtTfFoO~").find(first) != std::string_view::npos;
  bool hint_dot = first == '.';
  bool hint_number = is_digit(first) || first == '+' || first == '-';
  if (!hint_word && !hint_dot && !hint_number) {
    set_string(node);
    return;
  }
  // go-yaml's resolveMap.
  if (in == "~" || in == "null" || in == "Null" || in == "NULL") {
    set_null(node);
    return;
  }
  if (in == "true" || in == "True" || in == "TRUE") {
    set_bool(node, true);
    return;
  }
  if (in == "false" || in == "False" || in == "FALSE") {
    set_bool(node, false);
    return;
  }
  if (in == ".inf" || in == ".Inf" || in == ".INF" || in == "+.inf" || in == "+.Inf" ||
      in == "+.INF") {
    set_float(node, std::numeric_limits<double>::infinity());
    return;
  }
  if (in == "-.inf" || in == "-.Inf" || in == "-.INF") {
    set_float(node, -std::numeric_limits<double>::infinity());
    return;
  }
  if (in == ".nan" || in == ".NaN" || in == ".NAN") {
    set_float(node, std::numeric_limits<double>::quiet_NaN());
    return;
  }
  if (hint_word) {
    set_string(node);
    return;
  }
  std::string plain;
  plain.reserve(in.size());
  for (char c : in) {
    if (c != '_') {
      plain += c;
    }
  }
  if (hint_number) {
    bool negative = false;
    bool had_sign = false;
    bool overflow = false;
    uint64_t magnitude = 0;
    if (parse_go_int(plain, negative, had_sign, magnitude, overflow) && !overflow) {
      constexpr uint64_t k_int64_max = static_cast<uint64_t>(INT64_MAX);
      if (negative && magnitude <= k_int64_max + 1) {
        node.kind = NodeKind::scalar;
        node.type = ScalarType::integer;
        node.int_value =
            magnitude == k_int64_max + 1 ? INT64_MIN : -static_cast<int64_t>(magnitude);
        return;
      }
      if (!negative && magnitude <= k_int64_max) {
        node.kind = NodeKind::scalar;
        node.type = ScalarType::integer;
        node.int_value = static_cast<int64_t>(magnitude);
        return;
      }
      if (!negative && !had_sign) {
        // A uint64 in the reference; we have no unsigned type, so keep its value as a double.
        set_float(node, static_cast<double>(magnitude));
        return;
      }
    }
  }
  double value = 0;
  if (is_yaml_style_float(plain) && parse_float(plain, value)) {
    set_float(node, value);
    return;
  }
  set_string(node);
}

}  // namespace stackc
