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

namespace {

// go-yaml's is_printable on UTF-8 bytes: ASCII graphics and line feed, U+00A0 and up within
// the BMP except surrogates, U+FEFF and U+FFFE/FFFF. Everything beyond the BMP counts as not
// printable (go-yaml's test only looks at 2- and 3-byte sequences), so it gets escaped.
bool is_printable_at(std::string_view text, size_t i) {
  auto at = [&](size_t k) -> unsigned char {
    return k < text.size() ? static_cast<unsigned char>(text[k]) : 0;
  };
  unsigned char b0 = at(i);
  unsigned char b1 = at(i + 1);
  unsigned char b2 = at(i + 2);
  return b0 == 0x0A || (b0 >= 0x20 && b0 <= 0x7E) || (b0 == 0xC2 && b1 >= 0xA0) ||
         (b0 > 0xC2 && b0 < 0xED) || (b0 == 0xED && b1 < 0xA0) || b0 == 0xEE ||
         (b0 == 0xEF && !(b1 == 0xBB && b2 == 0xBF) && !(b1 == 0xBF && (b2 == 0xBE || b2 == 0xBF)));
}

size_t utf8_width(unsigned char lead) {
  return lead < 0x80 ? 1 : (lead >> 5) == 0x6 ? 2 : (lead >> 4) == 0xE ? 3 : (lead >> 3) == 0x1E ? 4 : 1;
}

}  // namespace

// Mirrors go-yaml v3: the representer picks literal style for text with a line break, plain
// when the text reads back as the same string, else double quotes; the emitter then falls back
// from plain to single quotes, and from single quotes or literal to double quotes, when the
// text's characters do not allow the lighter style.
ScalarStyle string_style(const std::string& text) {
  if (text.empty()) {
    return ScalarStyle::double_quoted;  // "" would read back as null
  }
  bool special = false;      // not printable: only double quotes can carry it
  bool indicator = false;    // plain would change the meaning
  bool has_break = false;
  bool space_break = false;  // a space right before a line break
  bool break_space = false;  // a space right after a line break
  for (size_t i = 0; i < text.size(); i += utf8_width(static_cast<unsigned char>(text[i]))) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (!is_printable_at(text, i)) {
      special = true;
    }
    if (c == '\n') {
      has_break = true;
      if (i > 0 && text[i - 1] == ' ') {
        space_break = true;
      }
      if (i + 1 < text.size() && text[i + 1] == ' ') {
        break_space = true;
      }
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
  const bool leading_space = text.front() == ' ' || text.front() == '\n';
  const bool trailing_space = text.back() == ' ';
  if (has_break) {
    bool block_allowed = !special && !space_break && !trailing_space;
    return block_allowed ? ScalarStyle::literal : ScalarStyle::double_quoted;
  }
  SNode probe;
  probe.kind = NodeKind::scalar;
  probe.text = text;
  resolve_plain_scalar(probe);
  if (probe.type != ScalarType::string || is_old_bool(text) || is_base60_float(text) ||
      is_yaml_timestamp(text)) {
    return ScalarStyle::double_quoted;
  }
  if (special || break_space || space_break) {
    return ScalarStyle::double_quoted;
  }
  if (indicator || leading_space || trailing_space) {
    return ScalarStyle::single_quoted;
  }
  return ScalarStyle::plain;
}

namespace {

// Double quotes with go-yaml's escapes (upper-case hex).
std::string quoted(const std::string& text) {
  std::string out = "\"";
  for (size_t i = 0; i < text.size();) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    size_t width = utf8_width(c);
    if (i + width > text.size()) {
      width = 1;
    }
    bool escape = !is_printable_at(text, i) || c == '"' || c == '\\' || c == '\n' ||
                  (c == 0xEF && i + 2 < text.size() && static_cast<unsigned char>(text[i + 1]) == 0xBB &&
                   static_cast<unsigned char>(text[i + 2]) == 0xBF);
    if (!escape) {
      out.append(text, i, width);
      i += width;
      continue;
    }
    char32_t rune = width == 1 ? c : c & (0x7F >> width);
    for (size_t k = 1; k < width; ++k) {
      rune = (rune << 6) | (static_cast<unsigned char>(text[i + k]) & 0x3F);
    }
    i += width;
    switch (rune) {
      case 0x00: out += "\\0"; break;
      case 0x07: out += "\\a"; break;
      case 0x08: out += "\\b"; break;
      case 0x09: out += "\\t"; break;
      case 0x0A: out += "\\n"; break;
      case 0x0B: out += "\\v"; break;
      case 0x0C: out += "\\f"; break;
      case 0x0D: out += "\\r"; break;
      case 0x1B: out += "\\e"; break;
      case 0x22: out += "\\\""; break;
      case 0x5C: out += "\\\\"; break;
      case 0x85: out += "\\N"; break;
      case 0xA0: out += "\\_"; break;
      case 0x2028: out += "\\L"; break;
      case 0x2029: out += "\\P"; break;
      default:
        if (rune <= 0xFF) {
          out += fmt::format("\\x{:02X}", static_cast<unsigned>(rune));
        } else if (rune <= 0xFFFF) {
          out += fmt::format("\\u{:04X}", static_cast<unsigned>(rune));
        } else {
          out += fmt::format("\\U{:08X}", static_cast<unsigned>(rune));
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
  // Block scalar header: an indentation hint when the text starts with a space or a break,
  // "-" without a final break, "+" with two.
  std::string out = "|";
  if (text.front() == ' ' || text.front() == '\n') {
    out += '2';
  }
  if (text.back() != '\n') {
    out += '-';
  } else if (text.size() == 1 || text[text.size() - 2] == '\n') {
    out += '+';
  }
  // go-yaml ends the header line with the text's first break when the text starts with one,
  // so a leading line break is lost; that is what the reference prints. The final break is the
  // end of the line the caller writes.
  bool header_open = true;
  bool line_start = true;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\n') {
      if (i + 1 == text.size()) {
        break;
      }
      out += '\n';
      header_open = false;
      line_start = true;
      continue;
    }
    if (line_start) {
      if (header_open) {
        out += '\n';
        header_open = false;
      }
      out.append(indent, ' ');
      line_start = false;
    }
    out += text[i];
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
