#pragma once
// A small YAML writer that prints block style the way the reference's YAML library
// (go-yaml v3, as docker/cli marshals `docker stack config`) does: two-space indentation,
// sequences indented under their key, strings quoted only when a plain scalar would read
// back as something else.

#include <string>
#include <utility>
#include <vector>

namespace stackc {

class YValue {
 public:
  enum class Kind { null, boolean, integer, floating, string, sequence, mapping };

  static YValue null() { return YValue(Kind::null, "null"); }
  static YValue boolean(bool value) { return YValue(Kind::boolean, value ? "true" : "false"); }
  static YValue integer(long long value) { return YValue(Kind::integer, std::to_string(value)); }
  static YValue floating(double value);
  static YValue floating32(float value);
  static YValue string(std::string value) { return YValue(Kind::string, std::move(value)); }
  static YValue sequence() { return YValue(Kind::sequence, ""); }
  static YValue mapping() { return YValue(Kind::mapping, ""); }
  // A mapping that came from a Go map: written with its keys in go-yaml's order
  // (yaml_key_less), whatever order they were added in.
  static YValue sorted_mapping() {
    YValue value(Kind::mapping, "");
    value.m_sorted = true;
    return value;
  }

  // Appends to a sequence / a mapping; returns the new child.
  YValue& push(YValue value);
  YValue& add(std::string key, YValue value);

  Kind kind() const { return m_kind; }
  bool empty() const { return m_items.empty() && m_entries.empty(); }
  const std::string& text() const { return m_text; }
  const std::vector<YValue>& items() const { return m_items; }
  const std::vector<std::pair<std::string, YValue>>& entries() const { return m_entries; }
  bool sorted() const { return m_sorted; }

 private:
  YValue(Kind kind, std::string text) : m_kind(kind), m_text(std::move(text)) {}

  Kind m_kind;
  bool m_sorted = false;
  std::string m_text;
  std::vector<YValue> m_items;
  std::vector<std::pair<std::string, YValue>> m_entries;
};

// go-yaml's order for map keys: letters by code point, digit runs by their numeric value
// ("data-2" before "data-10"), a non-letter before a letter unless it follows a digit.
bool yaml_key_less(std::string_view a, std::string_view b);

// Prints a document whose root is a mapping.
std::string write_yaml(const YValue& root);

enum class ScalarStyle { plain, single_quoted, double_quoted, literal };
// How go-yaml v3 writes a string in block context: plain when it reads back as the same
// string, single-quoted when only indicators are in the way, double-quoted for control
// characters and for text that would read back as another type, literal for line breaks.
ScalarStyle string_style(const std::string& text);

}  // namespace stackc
