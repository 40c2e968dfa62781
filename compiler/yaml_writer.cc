#include "compiler/yaml_writer.h"

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <vector>
#include <cmath>
#include <string_view>

#include <fmt/format.h>

#include "compiler/snode.h"

namespace stackc {

YValue YValue::floating(double value) {
  if (std::isnan(value)) {
    return YValue(Kind::floating, ".nan");
  }
  if (std::isinf(value)) {
    return YValue(Kind::floating, value > 0 ? ".inf" : "-.inf");
  }
  return YValue(Kind::floating, fmt::format("{}", value));
}

YValue YValue::floating32(float value) {
  if (std::isnan(value) || std::isinf(value)) {
    return floating(value);
  }
  // The shortest text that reads back as the same float32, as Go prints a float32.
  return YValue(Kind::floating, fmt::format("{}", value));
}

YValue& YValue::push(YValue value) {
  m_items.push_back(std::move(value));
  return m_items.back();
}

YValue& YValue::add(std::string key, YValue value) {
  m_entries.emplace_back(std::move(key), std::move(value));
  return m_entries.back().second;
}

namespace {

// YAML 1.1 booleans and base-60 numbers: go-yaml v3 still quotes these for old readers.
bool is_old_bool(std::string_view text) {
  static constexpr std::string_view k_words[] = {"y",  "Y",  "yes", "Yes", "YES", "n",  "N",
                                                 "no", "No", "NO",  "on",  "On",  "ON", "off",
                                                 "Off", "OFF"};
  for (std::string_view word : k_words) {
    if (text == word) {
      return true;
    }
  }
  return false;
}

bool is_base60_float(std::string_view text) {
  // [-+]?[0-9][0-9_]*(:[0-5]?[0-9])+(\.[0-9_]*)?
  size_t i = 0;
  if (i < text.size() && (text[i] == '-' || text[i] == '+')) {
    ++i;
  }
  if (i >= text.size() || !std::isdigit(static_cast<unsigned char>(text[i]))) {
    return false;
  }
  while (i < text.size() && (std::isdigit(static_cast<unsigned char>(text[i])) || text[i] == '_')) {
    ++i;
  }
  int groups = 0;
  while (i < text.size() && text[i] == ':') {
    ++i;
    size_t digits = 0;
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i])) && digits < 2) {
      ++i;
      ++digits;
    }
    if (digits == 0 || (digits == 2 && text[i - 2] > '5')) {
      return false;
    }
    ++groups;
  }
  if (groups == 0) {
    return false;
  }
  if (i < text.size() && text[i] == '.') {
    ++i;
    while (i < text.size() && (std::isdigit(static_cast<unsigned char>(text[i])) || text[i] == '_')) {
      ++i;
    }
  }
  return i == text.size();
}

// One code point of UTF-8 text (invalid bytes stand for themselves).
std::vector<char32_t> runes(std::string_view text) {
  std::vector<char32_t> out;
  for (size_t i = 0; i < text.size();) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    size_t length = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 1;
    if (i + length > text.size()) {
      length = 1;
    }
    char32_t rune = length == 1 ? c : c & (0x7F >> length);
    for (size_t k = 1; k < length; ++k) {
      rune = (rune << 6) | (static_cast<unsigned char>(text[i + k]) & 0x3F);
    }
    out.push_back(rune);
    i += length;
  }
  return out;
}

// unicode.IsLetter / IsDigit, exact for ASCII; other code points count as letters, which
// holds for the scripts names are written in.
bool is_letter(char32_t r) {
  return (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || r >= 0xC0;
}
bool is_digit(char32_t r) { return r >= '0' && r <= '9'; }

bool is_blank_at(std::string_view text, size_t i) {
  return i >= text.size() || text[i] == ' ' || text[i] == '\t' || text[i] == '\n';
}

}  // namespace

bool yaml_key_less(std::string_view a_text, std::string_view b_text) {
  std::vector<char32_t> a = runes(a_text);
  std::vector<char32_t> b = runes(b_text);
  bool digits = false;
  for (size_t i = 0; i < a.size() && i < b.size(); ++i) {
    if (a[i] == b[i]) {
      digits = is_digit(a[i]);
      continue;
    }
    bool al = is_letter(a[i]);
    bool bl = is_letter(b[i]);
    if (al && bl) {
      return a[i] < b[i];
    }
    if (al || bl) {
      return digits ? al : bl;
    }
    // Both non-letters: compare the digit runs that start here by value.
    int64_t an = 0;
    int64_t bn = 0;
    if (a[i] == '0' || b[i] == '0') {
      for (size_t j = i; j-- > 0 && is_digit(a[j]);) {
        if (a[j] != '0') {
          an = 1;
          bn = 1;
          break;
        }
      }
    }
    size_t ai = i;
    for (; ai < a.size() && is_digit(a[ai]); ++ai) {
      an = an * 10 + static_cast<int64_t>(a[ai] - '0');
    }
    size_t bi = i;
    for (; bi < b.size() && is_digit(b[bi]); ++bi) {
      bn = bn * 10 + static_cast<int64_t>(b[bi] - '0');
    }
    if (an != bn) {
      return an < bn;
    }
    if (ai != bi) {
      return ai < bi;
    }
    return a[i] < b[i];
  }
  return a.size() < b.size();
}

ScalarStyle string_style(const std::string& text) {
  if (text.empty()) {
    return ScalarStyle::double_quoted;  // "" would read back as null
  }
  if (text.find('\n') != std::string::npos) {
    return ScalarStyle::literal;
  }
  bool special = false;  // bytes a single-quoted scalar cannot carry
  bool indicator = text.empty();
  for (size_t i = 0; i < text.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (c < 0x20 || c == 0x7f) {
      special = true;
    }
    if (i == 0) {
      if (std::string_view("#,[]{}&*!|>'\"%@`").find(static_cast<char>(c)) !=
          std::string_view::npos) {
        indicator = true;
      }
      if ((c == '?' || c == ':' || c == '-') && is_blank_at(text, 1)) {
        indicator = true;
      }
    } else {
      if (c == ':' && is_blank_at(text, i + 1)) {
        indicator = true;
      }
      if (c == '#' && (text[i - 1] == ' ' || text[i - 1] == '\t')) {
        indicator = true;
      }
    }
  }
  if (!text.empty() && (text.front() == ' ' || text.back() == ' ')) {
    indicator = true;
  }
  if (special) {
    return ScalarStyle::double_quoted;
  }
  SNode probe;
  probe.kind = NodeKind::scalar;
  probe.text = text;
  resolve_plain_scalar(probe);
  if (!text.empty() &&
      (probe.type != ScalarType::string || is_old_bool(text) || is_base60_float(text))) {
    return ScalarStyle::double_quoted;
  }
  return indicator ? ScalarStyle::single_quoted : ScalarStyle::plain;
}

namespace {

std::string quoted(const std::string& text) {
  std::string out = "\"";
  for (char ch : text) {
    unsigned char c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\r':
        out += "\\r";
        break;
      default:
        if (c < 0x20 || c == 0x7f) {
          out += fmt::format("\\x{:02X}", c);
        } else {
          out += ch;
        }
    }
  }
  out += '"';
  return out;
}

std::string single_quoted(const std::string& text) {
  std::string out = "'";
  for (char c : text) {
    out += c;
    if (c == '\'') {
      out += '\'';
    }
  }
  out += '\'';
  return out;
}

// `indent` is where a literal block's lines start.
std::string styled(const std::string& text, size_t indent) {
  switch (string_style(text)) {
    case ScalarStyle::plain:
      return text;
    case ScalarStyle::single_quoted:
      return single_quoted(text);
    case ScalarStyle::double_quoted:
      return quoted(text);
    case ScalarStyle::literal:
      break;
  }
  std::string out = text.back() == '\n' ? "|" : "|-";
  size_t begin = 0;
  while (begin < text.size()) {
    size_t end = text.find('\n', begin);
    if (end == std::string::npos) {
      end = text.size();
    }
    out += '\n';
    if (end > begin) {
      out.append(indent, ' ');
      out.append(text, begin, end - begin);
    }
    begin = end + 1;
  }
  return out;
}

std::string scalar(const YValue& value, size_t indent) {
  if (value.kind() != YValue::Kind::string) {
    return value.text();
  }
  return styled(value.text(), indent);
}

bool is_collection(const YValue& value) {
  return value.kind() == YValue::Kind::sequence || value.kind() == YValue::Kind::mapping;
}

// Text for a value that follows "key:" or "- " on the same line, or "" if it goes below.
std::string inline_form(const YValue& value, size_t indent) {
  if (value.kind() == YValue::Kind::mapping && value.empty()) {
    return "{}";
  }
  if (value.kind() == YValue::Kind::sequence && value.empty()) {
    return "[]";
  }
  if (is_collection(value)) {
    return "";
  }
  return scalar(value, indent);
}

std::string key_text(const std::string& key) {
  return styled(key, 0);
}

void write_value(std::string& out, const YValue& value, size_t indent);

void write_mapping(std::string& out, const YValue& value, size_t indent, bool first_inline) {
  std::vector<const std::pair<std::string, YValue>*> entries;
  for (const auto& entry : value.entries()) {
    entries.push_back(&entry);
  }
  if (value.sorted()) {
    std::sort(entries.begin(), entries.end(), [](const auto* a, const auto* b) {
      return yaml_key_less(a->first, b->first);
    });
  }
  bool first = true;
  for (const auto* entry : entries) {
    const std::string& key = entry->first;
    const YValue& child = entry->second;
    if (!(first && first_inline)) {
      out.append(indent, ' ');
    }
    first = false;
    out += key_text(key);
    out += ':';
    std::string inline_text = inline_form(child, indent + 2);
    if (!inline_text.empty()) {
      out += ' ';
      out += inline_text;
      out += '\n';
    } else {
      out += '\n';
      write_value(out, child, indent + 2);
    }
  }
}

void write_sequence(std::string& out, const YValue& value, size_t indent) {
  for (const YValue& item : value.items()) {
    out.append(indent, ' ');
    out += "- ";
    std::string inline_text = inline_form(item, indent + 2);
    if (!inline_text.empty()) {
      out += inline_text;
      out += '\n';
    } else if (item.kind() == YValue::Kind::mapping) {
      write_mapping(out, item, indent + 2, true);
    } else {
      out += '\n';
      write_value(out, item, indent + 2);
    }
  }
}

void write_value(std::string& out, const YValue& value, size_t indent) {
  if (value.kind() == YValue::Kind::mapping) {
    write_mapping(out, value, indent, false);
  } else if (value.kind() == YValue::Kind::sequence) {
    write_sequence(out, value, indent);
  } else {
    out.append(indent, ' ');
    out += scalar(value, indent);
    out += '\n';
  }
}

}  // namespace

std::string write_yaml(const YValue& root) {
  std::string out;
  if (root.kind() == YValue::Kind::mapping && root.empty()) {
    return "{}\n";
  }
  write_value(out, root, 0);
  return out;
}

}  // namespace stackc
