#include "compiler/yaml.h"

#include <algorithm>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <yaml.h>

namespace stackc {

namespace {

constexpr const char* k_syntax = "STK001";
constexpr const char* k_duplicate = "STK002";
constexpr const char* k_merge = "STK003";
constexpr const char* k_alias = "STK004";
constexpr const char* k_limit = "STK005";
constexpr const char* k_document = "STK006";
constexpr const char* k_key = "STK007";
constexpr const char* k_tag = "STK008";

constexpr std::string_view k_tag_prefix = "tag:yaml.org,2002:";
constexpr std::string_view k_second_document =
    "a second YAML document starts here; a stack file holds one document";

// Thrown from the builder to stop parsing after a fatal diagnostic was reported.
struct Abort {};

// Where `pos` (a byte offset) is, counting lines from 1; used only for errors.
SourceLoc loc_at(const SourceFile& file, size_t pos) {
  const std::string& text = file.text();
  pos = std::min(pos, text.size());
  uint32_t line = 1;
  size_t line_start = 0;
  for (size_t i = 0; i < pos; ++i) {
    if (text[i] == '\n') {
      ++line;
      line_start = i + 1;
    }
  }
  return SourceLoc{&file, line, static_cast<uint32_t>(pos - line_start + 1)};
}

// Turns libyaml's marks into byte positions and SourceLocs. libyaml counts characters (code
// points, after the BOM) and its own line breaks (also \r, U+0085, U+2028); SourceLoc
// counts bytes and '\n'. A cursor walks the text from mark to mark: marks arrive nearly in file
// order, so the whole parse walks the file about once.
class Locator {
 public:
  explicit Locator(const SourceFile& file) : m_file(file), m_text(file.text()) {
    // libyaml's reader drops a byte order mark before counting; our columns count it.
    m_byte = m_text.starts_with("\xef\xbb\xbf") ? 3 : 0;
    m_first = m_byte;
  }

  // The byte offset of character `index`.
  size_t byte_of(size_t index) {
    while (m_index < index && m_byte < m_text.size()) {
      forward();
      while (m_byte < m_text.size() && continuation(m_text[m_byte])) {
        ++m_byte;
      }
    }
    while (m_index > index) {
      backward();
    }
    return m_byte;
  }

  SourceLoc at_byte(size_t pos) {
    pos = std::clamp(pos, m_first, m_text.size());
    while (m_byte < pos) {
      forward();
    }
    while (m_byte > pos) {
      backward();
    }
    return SourceLoc{&m_file, m_line, static_cast<uint32_t>(m_byte - m_line_start + 1)};
  }

  SourceLoc at(const yaml_mark_t& mark) { return at_byte(byte_of(mark.index)); }

 private:
  static bool continuation(char c) { return (static_cast<unsigned char>(c) & 0xc0) == 0x80; }

  void forward() {
    char c = m_text[m_byte++];
    if (!continuation(c)) {
      ++m_index;
    }
    if (c == '\n') {
      ++m_line;
      m_line_start = m_byte;
    }
  }

  void backward() {
    char c = m_text[--m_byte];
    if (!continuation(c)) {
      --m_index;
    }
    if (c == '\n') {
      --m_line;
      m_line_start = m_byte;
      while (m_line_start > 0 && m_text[m_line_start - 1] != '\n') {
        --m_line_start;
      }
    }
  }

  const SourceFile& m_file;
  const std::string& m_text;
  size_t m_first = 0;  // where libyaml's first character is
  size_t m_byte = 0;
  size_t m_index = 0;  // characters from m_first to m_byte
  uint32_t m_line = 1;
  size_t m_line_start = 0;
};

std::string describe_byte(unsigned char c) { return fmt::format("0x{:02x}", c); }

// YAML text must be UTF-8 without control characters (YAML 1.2 c-printable, C1 aside); the
// reference rejects the same files. libyaml rejects them too, but says less about where and why.
bool check_encoding(const SourceFile& file, Diagnostics& diags) {
  const std::string& text = file.text();
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  size_t n = text.size();
  if (n >= 2 && ((s[0] == 0xff && s[1] == 0xfe) || (s[0] == 0xfe && s[1] == 0xff))) {
    diags.error(k_syntax, SourceLoc{&file, 0, 0},
                "file is UTF-16 encoded; stack files must be UTF-8");
    return false;
  }
  size_t i = 0;
  while (i < n) {
    unsigned char c = s[i];
    if (c < 0x80) {
      if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f) {
        diags.error(k_syntax, loc_at(file, i),
                    fmt::format("control character {} is not allowed in YAML (binary file?)",
                                describe_byte(c)));
        return false;
      }
      ++i;
      continue;
    }
    size_t len = 0;
    uint32_t min = 0;
    uint32_t cp = 0;
    if ((c & 0xe0) == 0xc0) {
      len = 2;
      min = 0x80;
      cp = c & 0x1f;
    } else if ((c & 0xf0) == 0xe0) {
      len = 3;
      min = 0x800;
      cp = c & 0x0f;
    } else if ((c & 0xf8) == 0xf0) {
      len = 4;
      min = 0x10000;
      cp = c & 0x07;
    }
    bool ok = len != 0 && i + len <= n;
    for (size_t k = 1; ok && k < len; ++k) {
      ok = (s[i + k] & 0xc0) == 0x80;
      cp = (cp << 6) | (s[i + k] & 0x3f);
    }
    ok = ok && cp >= min && cp <= 0x10ffff && !(cp >= 0xd800 && cp <= 0xdfff);
    if (!ok) {
      diags.error(
          k_syntax, loc_at(file, i),
          fmt::format("invalid UTF-8 byte {} (stack files must be UTF-8 text)", describe_byte(c)));
      return false;
    }
    i += len;
  }
  return true;
}

bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// libyaml's mark for a node is where its properties (&anchor, !tag) start. Skips them (and
// comments/line breaks between them) to where the content starts.
size_t skip_properties(const std::string& text, size_t pos) {
  while (pos < text.size()) {
    char c = text[pos];
    if (is_blank(c)) {
      ++pos;
    } else if (c == '#') {
      while (pos < text.size() && text[pos] != '\n') {
        ++pos;
      }
    } else if (c == '&' || c == '!') {
      if (c == '!' && pos + 1 < text.size() && text[pos + 1] == '<') {
        while (pos < text.size() && text[pos] != '>') {
          ++pos;
        }
      }
      while (pos < text.size() && !is_blank(text[pos])) {
        ++pos;
      }
    } else {
      break;
    }
  }
  return pos;
}

const char* kind_name(const SNode& node) {
  switch (node.kind) {
    case NodeKind::null:
      return "null";
    case NodeKind::scalar:
      switch (node.type) {
        case ScalarType::boolean:
          return "boolean";
        case ScalarType::integer:
          return "integer";
        case ScalarType::floating:
          return "number";
        default:
          return "string";
      }
    case NodeKind::sequence:
      return "sequence";
    case NodeKind::mapping:
      return "mapping";
  }
  return "value";
}

// "an integer", "a mapping": for messages.
std::string a_kind(const SNode& node) {
  std::string_view kind = kind_name(node);
  return fmt::format("{} {}", kind.starts_with('i') ? "an" : "a", kind);
}

size_t count_nodes(const SNode& node) {
  size_t count = 1;
  for (const SNode& item : node.items) {
    count += count_nodes(item);
  }
  for (const SEntry& entry : node.entries) {
    count += 1 + count_nodes(entry.value);
  }
  return count;
}

size_t height(const SNode& node) {
  size_t h = 0;
  for (const SNode& item : node.items) {
    h = std::max(h, height(item));
  }
  for (const SEntry& entry : node.entries) {
    h = std::max(h, height(entry.value));
  }
  return node.is_sequence() || node.is_mapping() ? h + 1 : h;
}

// A finished node waiting in its parent, with what merge keys need to know about it.
struct Pending {
  SNode node;
  bool from_alias = false;
  bool merge_key = false;  // a plain `<<` in key position
};

struct Frame {
  NodeKind kind;
  SourceLoc loc;
  size_t anchor;  // 1 + index in Builder::m_anchors, 0 for none
  size_t start;   // index of its first child in Builder::m_pending
};

struct Anchor {
  std::string name;
  bool open = true;
  SNode node;
  size_t nodes = 0;
  size_t height = 0;
};

class Builder {
 public:
  Builder(const SourceFile& file, Diagnostics& diags, const YamlLimits& limits)
      : m_file(file), m_text(file.text()), m_diags(diags), m_limits(limits), m_locator(file) {}

  std::optional<SNode>& root() { return m_root; }
  size_t documents() const { return m_documents; }
  Locator& locator() { return m_locator; }

  // One event from yaml_parser_parse.
  void handle(const yaml_event_t& event) {
    switch (event.type) {
      case YAML_DOCUMENT_START_EVENT:
        ++m_documents;
        if (m_documents > 1) {
          m_extra_document = m_locator.at(event.start_mark);
        }
        break;
      case YAML_ALIAS_EVENT:
        on_alias(event);
        break;
      case YAML_SCALAR_EVENT:
        on_scalar(event);
        break;
      case YAML_SEQUENCE_START_EVENT:
        open(NodeKind::sequence, event.start_mark, event.data.sequence_start.anchor);
        break;
      case YAML_MAPPING_START_EVENT:
        open(NodeKind::mapping, event.start_mark, event.data.mapping_start.anchor);
        break;
      case YAML_SEQUENCE_END_EVENT:
      case YAML_MAPPING_END_EVENT:
        close();
        break;
      default:
        break;
    }
  }

  void on_alias(const yaml_event_t& event) {
    check_extra_document();
    SourceLoc loc = m_locator.at(event.start_mark);
    std::string_view name = as_text(event.data.alias.anchor);
    auto found = m_anchor_ids.find(name);
    if (found == m_anchor_ids.end()) {
      m_diags.error(k_alias, loc, fmt::format("unknown anchor '{}' referenced", name));
      throw Abort{};
    }
    Anchor& target = m_anchors[found->second - 1];
    if (target.open) {
      m_diags.error(k_alias, loc,
                    fmt::format("anchor '{}' value contains itself (alias '*{}' is inside it)",
                                target.name, target.name));
      throw Abort{};
    }
    m_alias_nodes += target.nodes;
    if (m_alias_nodes > m_limits.max_alias_nodes) {
      m_diags.error(k_alias, loc,
                    fmt::format("alias '*{}' expands the file beyond {} nodes made from aliases; "
                                "is this an alias bomb (billion laughs)?",
                                target.name, m_limits.max_alias_nodes));
      throw Abort{};
    }
    if (m_frames.size() + target.height > m_limits.max_depth) {
      m_diags.error(k_limit, loc,
                    fmt::format("alias '*{}' nests values more than {} levels deep", target.name,
                                m_limits.max_depth));
      throw Abort{};
    }
    count(target.nodes - 1);  // finish() counts the root
    Pending pending{target.node, true};
    pending.node.loc = loc;
    finish(std::move(pending), 0);
  }

  void on_scalar(const yaml_event_t& event) {
    const auto& scalar = event.data.scalar;
    std::string_view tag = as_text(scalar.tag);
    bool plain = scalar.style == YAML_PLAIN_SCALAR_STYLE || scalar.style == YAML_ANY_SCALAR_STYLE;
    std::string_view value(reinterpret_cast<const char*>(scalar.value), scalar.length);
    size_t mark = m_locator.byte_of(event.start_mark.index);
    // A plain null: `~`, `null`, or nothing at all (`key:`). Its text is dropped.
    bool null =
        plain && tag.empty() &&
        (value.empty() || value == "~" || value == "null" || value == "Null" || value == "NULL");
    if (m_documents > 1) {
      if (null && m_frames.empty() && scalar.anchor == nullptr) {
        return;  // a trailing `---` with nothing (or only null) after it
      }
      extra_document();
    }
    SNode node;
    if (null) {
      node.loc = m_locator.at_byte(mark);
      if (value.empty()) {
        // An empty value: libyaml's mark is where the value would have started (often the
        // next line); the key is the closest meaningful place.
        node.loc = empty_value_loc(node.loc, mark);
      }
      finish(Pending{std::move(node)},
             scalar.anchor == nullptr ? 0 : define_anchor(as_text(scalar.anchor)));
      return;
    }
    size_t content = skip_properties(m_text, mark);
    node.loc = m_locator.at_byte(content);
    node.text = value;
    bool key = in_key_position();
    if (tag.empty() || tag == "!") {
      // A written `!` resolves like a plain scalar.
      if (!plain) {
        node.kind = NodeKind::scalar;
        node.type = ScalarType::string;
        node.quoted = true;
      } else {
        resolve_plain_scalar(node);
      }
    } else {
      resolve_tagged(node, tag);
      node.quoted = node.type == ScalarType::string;
    }
    Pending pending{std::move(node)};
    pending.merge_key = key && tag.empty() && plain && pending.node.text == "<<";
    finish(std::move(pending),
           scalar.anchor == nullptr ? 0 : define_anchor(as_text(scalar.anchor)));
  }

  // Non-fatal errors go through here; past k_max_errors the parse stops (a generated file with
  // thousands of repeated keys should not produce thousands of messages).
  Diagnostic& error(const char* code, SourceLoc loc, std::string message) {
    if (++m_errors > k_max_errors) {
      m_diags.error(code, loc, "too many errors in this file; stopping here");
      throw Abort{};
    }
    return m_diags.error(code, loc, std::move(message));
  }

  void report_extra_document() {
    m_diags.error(k_document, m_extra_document, std::string(k_second_document));
  }

 private:
  static std::string_view as_text(const yaml_char_t* text) {
    return text == nullptr ? std::string_view() : reinterpret_cast<const char*>(text);
  }

  [[noreturn]] void extra_document() {
    report_extra_document();
    throw Abort{};
  }
  void check_extra_document() {
    if (m_documents > 1) {
      extra_document();
    }
  }

  // Where to report an empty value: at its key in a mapping, at its `-` in a block sequence.
  SourceLoc empty_value_loc(SourceLoc fallback, size_t pos) {
    if (m_frames.empty()) {
      return fallback;
    }
    if (m_frames.back().kind == NodeKind::mapping) {
      size_t children = m_pending.size() - m_frames.back().start;
      return children % 2 == 1 ? m_pending.back().node.loc : fallback;
    }
    pos = std::min(pos, m_text.size());
    while (pos > 0 && is_blank(m_text[pos - 1])) {
      --pos;
    }
    if (pos > 0 && m_text[pos - 1] == '-') {
      return m_locator.at_byte(pos - 1);
    }
    return fallback;
  }

  bool in_key_position() const {
    return !m_frames.empty() && m_frames.back().kind == NodeKind::mapping &&
           (m_pending.size() - m_frames.back().start) % 2 == 0;
  }

  // An explicit YAML core tag on a scalar: the reference converts the text or fails with
  // "cannot decode !!str `abc` as a !!int". Other tags (custom, !!binary, !!timestamp) keep
  // the text as a string.
  void resolve_tagged(SNode& node, std::string_view tag) {
    std::string_view short_tag = tag;
    if (short_tag.starts_with(k_tag_prefix)) {
      short_tag.remove_prefix(k_tag_prefix.size());
    } else {
      short_tag = {};
    }
    if (short_tag != "int" && short_tag != "float" && short_tag != "bool" && short_tag != "null") {
      node.kind = NodeKind::scalar;
      node.type = ScalarType::string;
      return;
    }
    resolve_plain_scalar(node);
    bool ok = false;
    if (short_tag == "int") {
      ok = node.type == ScalarType::integer;
    } else if (short_tag == "float") {
      ok = node.type == ScalarType::floating || node.type == ScalarType::integer;
      if (node.type == ScalarType::integer) {
        node.type = ScalarType::floating;
        node.float_value = static_cast<double>(node.int_value);
        node.int_value = 0;
      }
    } else if (short_tag == "bool") {
      ok = node.type == ScalarType::boolean;
    } else {
      ok = node.kind == NodeKind::null;
    }
    if (!ok) {
      error(k_tag, node.loc,
            fmt::format("cannot use {} '{}' as !!{}", kind_name(node), node.text, short_tag));
    }
  }

  void count(size_t n) {
    m_nodes += n;
    if (m_nodes > m_limits.max_nodes) {
      m_diags.error(
          k_limit, SourceLoc{&m_file, 0, 0},
          fmt::format("file has more than {} values; refusing to load it", m_limits.max_nodes));
      throw Abort{};
    }
  }

  void open(NodeKind kind, const yaml_mark_t& mark, const yaml_char_t* anchor) {
    check_extra_document();
    size_t pos = m_locator.byte_of(mark.index);
    SourceLoc loc = m_locator.at_byte(pos);
    if (m_frames.size() >= m_limits.max_depth) {
      m_diags.error(k_limit, loc,
                    fmt::format("values are nested more than {} levels deep", m_limits.max_depth));
      throw Abort{};
    }
    size_t content = skip_properties(m_text, pos);
    if (content != pos) {
      loc = m_locator.at_byte(content);
    }
    size_t id = anchor == nullptr ? 0 : define_anchor(as_text(anchor));
    m_frames.push_back(Frame{kind, loc, id, m_pending.size()});
  }

  // A new anchor, open until its node is finished; a later anchor of the same name replaces it
  // for the aliases after it. Returns its id for finish().
  size_t define_anchor(std::string_view name) {
    m_anchors.emplace_back();
    m_anchors.back().name = name;
    size_t id = m_anchors.size();
    m_anchor_ids.insert_or_assign(m_anchors.back().name, id);
    return id;
  }

  void close() {
    Frame frame = m_frames.back();
    m_frames.pop_back();
    Pending pending;
    pending.node.loc = frame.loc;
    pending.node.kind = frame.kind;
    auto first = m_pending.begin() + static_cast<std::ptrdiff_t>(frame.start);
    if (frame.kind == NodeKind::sequence) {
      pending.node.items.reserve(m_pending.size() - frame.start);
      for (auto it = first; it != m_pending.end(); ++it) {
        pending.node.items.push_back(std::move(it->node));
      }
    } else {
      build_mapping(pending.node, first, m_pending.end());
    }
    m_pending.erase(first, m_pending.end());
    finish(std::move(pending), frame.anchor);
  }

  // Turns alternating key/value pendings into entries: duplicate keys are errors, `<<` values
  // are merged in its place, explicit keys win over merged ones, and earlier merged mappings
  // win over later ones (YAML 1.1 merge, as go-yaml v3 does it).
  void build_mapping(SNode& map, std::vector<Pending>::iterator first,
                     std::vector<Pending>::iterator last) {
    size_t pairs = static_cast<size_t>(last - first) / 2;
    bool has_merge = false;
    // Keys in file order; go-yaml also counts a second `<<` as a duplicate. Small mappings
    // (nearly all) are scanned; large ones use a hash map, so that even a file of one huge
    // mapping with repeated keys stays linear.
    auto key_at = [&](size_t i) -> Pending& { return first[static_cast<std::ptrdiff_t>(2 * i)]; };
    std::unordered_map<std::string_view, size_t> index;
    bool use_index = pairs > 16;
    if (use_index) {
      index.reserve(pairs);
    }
    std::vector<bool> keep(pairs, true);
    for (size_t i = 0; i < pairs; ++i) {
      Pending& key = key_at(i);
      has_merge = has_merge || key.merge_key;
      std::string_view text = key.node.text;
      size_t earlier = i;
      if (use_index) {
        earlier = index.try_emplace(text, i).first->second;
      } else {
        for (size_t j = 0; j < i; ++j) {
          if (key_at(j).node.text == text) {
            earlier = j;
            break;
          }
        }
      }
      if (earlier != i) {
        keep[i] = false;
        Diagnostic& diag =
            error(k_duplicate, key.node.loc, fmt::format("duplicate key '{}'", key.node.text));
        diag.notes.push_back(Note{key_at(earlier).node.loc, "first defined here"});
      }
    }
    std::unordered_set<std::string> taken;
    if (has_merge) {
      for (size_t i = 0; i < pairs; ++i) {
        if (!first[static_cast<std::ptrdiff_t>(2 * i)].merge_key) {
          taken.insert(first[static_cast<std::ptrdiff_t>(2 * i)].node.text);
        }
      }
    }
    // Room for the merged entries too: a stack of services sharing `<<: *defaults` would
    // otherwise double every service's vector once, and a third of the tree's memory was slack.
    size_t room = pairs;
    for (size_t i = 0; has_merge && i < pairs; ++i) {
      if (!key_at(i).merge_key) {
        continue;
      }
      const SNode& merged = first[static_cast<std::ptrdiff_t>(2 * i + 1)].node;
      room += merged.entries.size();
      for (const SNode& item : merged.items) {
        room += item.entries.size();
      }
    }
    map.entries.reserve(room);
    for (size_t i = 0; i < pairs; ++i) {
      if (!keep[i]) {
        continue;
      }
      Pending& key = first[static_cast<std::ptrdiff_t>(2 * i)];
      Pending& value = first[static_cast<std::ptrdiff_t>(2 * i + 1)];
      if (key.merge_key) {
        merge_into(map, value, taken);
        continue;
      }
      map.entries.push_back(SEntry{std::move(key.node.text), key.node.loc, std::move(value.node)});
    }
  }

  void merge_into(SNode& map, Pending& value, std::unordered_set<std::string>& taken) {
    auto bad = [&] {
      error(k_merge, value.node.loc,
            fmt::format("merge key '<<' needs a mapping or a sequence of mappings, not "
                        "{}{}",
                        value.from_alias ? "an alias to " : "", a_kind(value.node)));
    };
    auto add = [&](SNode& from) {
      for (SEntry& entry : from.entries) {
        if (taken.insert(entry.key).second) {
          map.entries.push_back(std::move(entry));
        }
      }
    };
    if (value.node.is_mapping()) {
      add(value.node);
      return;
    }
    if (!value.node.is_sequence() || value.from_alias) {
      bad();
      return;
    }
    for (SNode& item : value.node.items) {
      if (!item.is_mapping()) {
        error(k_merge, item.loc,
              fmt::format("merge key '<<' needs a sequence of mappings; this item is {}",
                          a_kind(item)));
        return;
      }
    }
    for (SNode& item : value.node.items) {
      add(item);
    }
  }

  void finish(Pending&& pending, size_t anchor) {
    count(1);
    if (in_key_position()) {
      check_key(pending);
    }
    if (anchor != 0) {
      Anchor& target = m_anchors[anchor - 1];
      target.open = false;
      target.node = pending.node;
      target.nodes = count_nodes(target.node);
      target.height = height(target.node);
    }
    if (m_frames.empty()) {
      if (!m_root) {
        m_root = std::move(pending.node);
      }
      return;
    }
    m_pending.push_back(std::move(pending));
  }

  // Keys must be strings: the reference fails on anything else ("json: unsupported type").
  void check_key(const Pending& key) {
    const SNode& node = key.node;
    if (node.is_mapping() || node.is_sequence()) {
      error(k_key, node.loc,
            fmt::format("{} cannot be a mapping key; keys must be strings", a_kind(node)));
      return;
    }
    if (node.is_null()) {
      error(k_key, node.loc, "a mapping key cannot be null; keys must be strings");
      return;
    }
    if (node.type != ScalarType::string) {
      error(k_key, node.loc,
            fmt::format("mapping key {} is {}, not a string; quote it (\"{}\")", node.text,
                        a_kind(node), node.text));
    }
  }

  const SourceFile& m_file;
  const std::string& m_text;
  Diagnostics& m_diags;
  const YamlLimits& m_limits;
  Locator m_locator;
  std::optional<SNode> m_root;
  std::vector<Frame> m_frames;
  std::vector<Pending> m_pending;
  std::vector<Anchor> m_anchors;                            // in order of definition
  std::map<std::string, size_t, std::less<>> m_anchor_ids;  // name -> latest id (index + 1)
  static constexpr size_t k_max_errors = 50;
  size_t m_errors = 0;
  size_t m_documents = 0;
  SourceLoc m_extra_document;
  size_t m_nodes = 0;
  size_t m_alias_nodes = 0;
};

// libyaml's messages, in the words stackc used before (yaml-cpp's, mostly the YAML spec's terms)
// where they are as clear. `context` tells apart problems that share a message. Anything not
// listed keeps libyaml's wording.
std::string_view known_message(std::string_view problem, std::string_view context) {
  struct Known {
    std::string_view problem;
    std::string_view context;  // empty: any
    std::string_view message;
  };
  static constexpr Known k_known[] = {
      {"mapping values are not allowed in this context", "", "illegal map value"},
      {"did not find expected key", "", "end of map not found"},
      {"did not find expected '-' indicator", "", "end of sequence not found"},
      {"did not find expected ',' or ']'", "", "end of sequence flow not found"},
      {"did not find expected ',' or '}'", "", "end of map flow not found"},
      {"found character that cannot start any token", "", "unknown token"},
      {"found a tab character that violates indentation", "",
       "illegal tab when looking for indentation"},
      {"found a tab character where an indentation space is expected", "",
       "illegal tab when looking for indentation"},
      {"did not find expected hexdecimal number", "",
       "bad character found while scanning hex number"},
      {"did not find expected alphabetic or numeric character", "while scanning an alias",
       "alias not found after *"},
      {"did not find expected alphabetic or numeric character", "while scanning an anchor",
       "anchor not found after &"},
      {"found duplicate %YAML directive", "", "repeated YAML directive"},
      {"found duplicate %TAG directive", "", "repeated TAG directive"},
      {"found incompatible YAML document", "", "YAML major version too large"},
      {"found an indentation indicator equal to 0", "",
       "cannot set zero indentation for a block scalar"},
      {"did not find expected comment or line break", "while scanning a block scalar",
       "unexpected character in block scalar"},
      {"found unexpected document indicator", "", "illegal document indicator in scalar"},
      {"did not find the expected '>'", "", "end of verbatim tag not found"},
  };
  for (const Known& known : k_known) {
    if (problem == known.problem && (known.context.empty() || context == known.context)) {
      return known.message;
    }
  }
  return problem;
}

// The message and place for libyaml's error. `loc` starts at its problem mark and is moved to
// the real culprit where we can tell (a tab in the indentation, the quote that never closes).
std::string syntax_message(const SourceFile& file, const yaml_parser_t& parser, Locator& locator,
                           SourceLoc& loc) {
  std::string_view problem = parser.problem == nullptr ? "syntax error" : parser.problem;
  std::string_view context = parser.context == nullptr ? "" : parser.context;
  if (parser.error == YAML_MEMORY_ERROR) {
    loc = SourceLoc{&file, 0, 0};
    return "out of memory while parsing";
  }
  if (parser.error == YAML_READER_ERROR) {
    // Characters YAML forbids that check_encoding lets through (C1 controls, U+FFFE/FFFF).
    loc = locator.at_byte(parser.problem_offset);
    return fmt::format("character U+{:04X} is not allowed in YAML ({})",
                       static_cast<unsigned>(parser.problem_value), problem);
  }
  std::string_view text = file.text();
  size_t pos = locator.byte_of(parser.problem_mark.index);
  loc = locator.at_byte(pos);
  if (problem == "found unexpected end of stream" && context == "while scanning a quoted scalar") {
    loc = locator.at(parser.context_mark);
    return "quoted string is not closed before the end of the file";
  }
  if (problem == "could not find expected ':'") {
    loc = locator.at(parser.context_mark);  // the line that reads like a key without a value
  }
  if (problem == "did not find expected node content" && pos < text.size()) {
    if (text[pos] == ']' || text[pos] == '}') {
      return "illegal flow end";
    }
    if (text[pos] == ',') {
      return "unexpected ','; the YAML parser cannot continue here";
    }
  }
  if (problem == "did not find expected key" && pos < text.size() &&
      (text[pos] == '&' || text[pos] == '!')) {
    return fmt::format("cannot assign multiple {} to the same node",
                       text[pos] == '&' ? "anchors" : "tags");
  }
  if (problem == "found unknown escape character" && pos + 1 < text.size()) {
    return fmt::format("unknown escape character: {}", text[pos + 1]);
  }
  std::string msg(known_message(problem, context));
  // Tabs in indentation give "found character that cannot start any token" and the like,
  // which do not say why.
  for (uint32_t line = loc.line; line + 1 >= loc.line && line >= 1; --line) {
    std::string_view line_text = file.line(line);
    size_t indent = line_text.find_first_not_of(" \t");
    size_t tab = line_text.substr(0, indent).find('\t');
    if (tab != std::string_view::npos) {
      bool at_tab = loc.line == line && loc.col == tab + 1;
      loc = SourceLoc{&file, line, static_cast<uint32_t>(tab + 1)};
      if (at_tab && msg == "unknown token") {
        msg = "illegal tab when looking for indentation";
      }
      return msg + " (a tab is used for indentation; YAML indentation must use spaces)";
    }
    if (line == 1) {
      break;
    }
  }
  return msg;
}

}  // namespace

std::optional<SNode> parse_yaml(const SourceFile& file, Diagnostics& diags,
                                const YamlLimits& limits) {
  const std::string& text = file.text();
  if (text.size() > limits.max_file_size) {
    diags.error(k_syntax, SourceLoc{&file, 0, 0},
                fmt::format("file is too large ({} bytes; stack files are limited to {} MiB)",
                            text.size(), limits.max_file_size / (1024 * 1024)));
    return std::nullopt;
  }
  if (!check_encoding(file, diags)) {
    return std::nullopt;
  }
  size_t errors_before = diags.error_count();
  Builder builder(file, diags, limits);
  yaml_parser_t parser;
  if (yaml_parser_initialize(&parser) == 0) {
    diags.error(k_syntax, SourceLoc{&file, 0, 0}, "out of memory while parsing");
    return std::nullopt;
  }
  struct Done {
    yaml_parser_t& parser;
    ~Done() { yaml_parser_delete(&parser); }
  } done{parser};
  yaml_parser_set_input_string(&parser, reinterpret_cast<const unsigned char*>(text.data()),
                               text.size());
  try {
    for (;;) {
      yaml_event_t event;
      if (yaml_parser_parse(&parser, &event) == 0) {
        break;
      }
      struct Free {
        yaml_event_t& event;
        ~Free() { yaml_event_delete(&event); }
      } free_event{event};
      if (event.type == YAML_STREAM_END_EVENT) {
        break;
      }
      builder.handle(event);
    }
  } catch (const Abort&) {
    return std::nullopt;
  }
  if (parser.error != YAML_NO_ERROR) {
    if (builder.documents() > 1) {
      // Whatever is wrong in a second document, the second document is the problem.
      builder.report_extra_document();
      return std::nullopt;
    }
    if (parser.problem != nullptr &&
        std::string_view(parser.problem) == "did not find expected <document start>") {
      // Content after `...`: it could only start another document.
      diags.error(k_document, builder.locator().at(parser.problem_mark),
                  std::string(k_second_document));
      return std::nullopt;
    }
    SourceLoc loc;
    std::string message = syntax_message(file, parser, builder.locator(), loc);
    diags.error(k_syntax, loc, message);
    return std::nullopt;
  }
  std::optional<SNode>& root = builder.root();
  if (!root || root->is_null()) {
    diags.error(k_document, SourceLoc{&file, 0, 0},
                "file is empty; a stack file must be a mapping (services: ...)");
    return std::nullopt;
  }
  if (!root->is_mapping()) {
    diags.error(k_document, root->loc,
                fmt::format("top-level object must be a mapping, not {}", a_kind(*root)));
    return std::nullopt;
  }
  if (diags.error_count() > errors_before) {
    return std::nullopt;
  }
  return std::move(*root);
}

}  // namespace stackc
