#include "compiler/yaml.h"

#include <algorithm>
#include <cstdint>
#include <istream>
#include <streambuf>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/mark.h>
#include <yaml-cpp/parser.h>

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

// Reads the file's text in place; std::istringstream would copy it.
class MemoryBuf : public std::streambuf {
 public:
  MemoryBuf(const char* data, size_t size) {
    char* begin = const_cast<char*>(data);
    setg(begin, begin, begin + size);
  }
};

// Thrown from the event handler to stop parsing after a fatal diagnostic was reported.
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

// yaml-cpp leaves a UTF-8 byte order mark out of its positions; put it back so that positions
// index the file's text and columns match its first line.
YAML::Mark shift(YAML::Mark mark, int bom) {
  if (!mark.is_null() && mark.pos >= 0) {
    mark.pos += bom;
    if (mark.line == 0) {
      mark.column += bom;
    }
  }
  return mark;
}

SourceLoc loc_of(const SourceFile& file, const YAML::Mark& mark) {
  if (mark.is_null() || mark.line < 0 || mark.column < 0) {
    return SourceLoc{&file, 0, 0};
  }
  return SourceLoc{&file, static_cast<uint32_t>(mark.line) + 1,
                   static_cast<uint32_t>(mark.column) + 1};
}

std::string describe_byte(unsigned char c) { return fmt::format("0x{:02x}", c); }

// YAML text must be UTF-8 without control characters (YAML 1.2 c-printable, C1 aside); the
// reference rejects the same files. yaml-cpp would otherwise accept binary input silently.
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

// yaml-cpp's mark for a node is where its properties (&anchor, !tag) start. Skips them (and
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

// yaml-cpp 0.7 accepts a quoted scalar that runs to the end of the file. Returns true when the
// quote opened at `pos` is closed.
bool quote_closed(const std::string& text, size_t pos) {
  char quote = text[pos];
  for (size_t i = pos + 1; i < text.size(); ++i) {
    char c = text[i];
    if (quote == '"' && c == '\\') {
      ++i;
    } else if (c == quote) {
      if (quote == '\'' && i + 1 < text.size() && text[i + 1] == '\'') {
        ++i;
      } else {
        return true;
      }
    }
  }
  return false;
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
  YAML::anchor_t anchor;
  size_t start;  // index of its first child in Builder::m_pending
};

struct Anchor {
  std::string name;
  bool open = true;
  SNode node;
  size_t nodes = 0;
  size_t height = 0;
};

class Builder : public YAML::EventHandler {
 public:
  Builder(const SourceFile& file, Diagnostics& diags, const YamlLimits& limits, int bom)
      : m_file(file), m_text(file.text()), m_diags(diags), m_limits(limits), m_bom(bom) {}

  std::optional<SNode>& root() { return m_root; }
  size_t documents() const { return m_documents; }

  void OnDocumentStart(const YAML::Mark& raw) override {
    const YAML::Mark mark = shift(raw, m_bom);
    // yaml-cpp 0.7 can get stuck on a stray character (a leading ',') and start empty documents
    // at the same place forever (fixed upstream in 0.9, bc67157).
    if (m_documents > 0 && mark.pos <= m_last_document_pos) {
      SourceLoc loc = loc_of(m_file, mark);
      size_t pos = static_cast<size_t>(std::max(mark.pos, 0));
      std::string what = pos < m_text.size() ? fmt::format("unexpected '{}'", m_text[pos])
                                             : std::string("unexpected end of file");
      m_diags.error(k_syntax, loc, what + "; the YAML parser cannot continue here");
      throw Abort{};
    }
    m_last_document_pos = mark.pos;
    ++m_documents;
    if (m_documents > 1) {
      m_extra_document = loc_of(m_file, mark);
    }
  }
  void OnDocumentEnd() override {}

  void OnAnchor(const YAML::Mark&, const std::string& name) override { m_anchor_name = name; }

  void OnNull(const YAML::Mark& raw, YAML::anchor_t anchor) override {
    const YAML::Mark mark = shift(raw, m_bom);
    if (m_documents > 1) {
      if (!m_frames.empty() || anchor != 0) {
        extra_document();
      }
      return;  // a trailing `---` with nothing after it
    }
    SNode node;
    node.loc = loc_of(m_file, mark);
    if (!explicit_null(mark)) {
      // An empty value: yaml-cpp's mark is the next token (often the next line); the key is
      // the closest meaningful place.
      node.loc = empty_value_loc(node.loc, static_cast<size_t>(std::max(mark.pos, 0)));
    }
    finish(Pending{std::move(node)}, anchor);
  }

  void OnAlias(const YAML::Mark& raw, YAML::anchor_t anchor) override {
    const YAML::Mark mark = shift(raw, m_bom);
    check_extra_document();
    SourceLoc loc = loc_of(m_file, mark);
    if (anchor >= m_anchors.size() || m_anchors[anchor].name.empty()) {
      m_diags.error(k_alias, loc, "alias refers to an unknown anchor");
      throw Abort{};
    }
    Anchor& target = m_anchors[anchor];
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

  void OnScalar(const YAML::Mark& raw, const std::string& tag, YAML::anchor_t anchor,
                const std::string& value) override {
    const YAML::Mark mark = shift(raw, m_bom);
    check_extra_document();
    size_t content = skip_properties(m_text, static_cast<size_t>(mark.pos));
    SNode node;
    node.loc = loc_of(m_file, mark);
    if (content != static_cast<size_t>(mark.pos)) {
      node.loc = loc_at(m_file, content);  // rare: a scalar with an anchor or a tag
    }
    char style = content < m_text.size() ? m_text[content] : '\0';
    bool quoted = style == '"' || style == '\'';
    bool block = style == '|' || style == '>';
    if (quoted && !quote_closed(m_text, content)) {
      m_diags.error(k_syntax, node.loc, "quoted string is not closed before the end of the file");
      throw Abort{};
    }
    node.text = value;
    bool key = in_key_position();
    if (tag == "?" || tag == "!") {
      // "!" is also yaml-cpp's tag for quoted scalars; a written `!` resolves like a plain one.
      if (quoted || block) {
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
    pending.merge_key = key && tag == "?" && !quoted && !block && pending.node.text == "<<";
    finish(std::move(pending), anchor);
  }

  void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value) override {
    open(NodeKind::sequence, mark, anchor);
  }
  void OnSequenceEnd() override { close(); }

  void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value) override {
    open(NodeKind::mapping, mark, anchor);
  }
  void OnMapEnd() override { close(); }

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
    m_diags.error(k_document, m_extra_document,
                  "a second YAML document starts here; a stack file holds one document");
  }

 private:
  [[noreturn]] void extra_document() {
    report_extra_document();
    throw Abort{};
  }
  void check_extra_document() {
    if (m_documents > 1) {
      extra_document();
    }
  }

  // yaml-cpp reports `key: null` and `key:` alike; tell them apart by what the mark points at.
  bool explicit_null(const YAML::Mark& mark) const {
    size_t pos = skip_properties(m_text, static_cast<size_t>(mark.pos));
    std::string_view rest = std::string_view(m_text).substr(std::min(pos, m_text.size()));
    size_t len = 0;
    if (rest.starts_with("~")) {
      len = 1;
    } else if (rest.starts_with("null") || rest.starts_with("Null") || rest.starts_with("NULL")) {
      len = 4;
    } else {
      return false;
    }
    if (len == rest.size()) {
      return true;
    }
    char next = rest[len];
    return is_blank(next) || next == ',' || next == ']' || next == '}' || next == '#';
  }

  // Where to report an empty value: at its key in a mapping, at its `-` in a block sequence.
  SourceLoc empty_value_loc(SourceLoc fallback, size_t pos) const {
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
      return loc_at(m_file, pos - 1);
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
  void resolve_tagged(SNode& node, const std::string& tag) {
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

  void open(NodeKind kind, const YAML::Mark& raw, YAML::anchor_t anchor) {
    const YAML::Mark mark = shift(raw, m_bom);
    check_extra_document();
    SourceLoc loc = loc_of(m_file, mark);
    if (m_frames.size() >= m_limits.max_depth) {
      m_diags.error(k_limit, loc,
                    fmt::format("values are nested more than {} levels deep", m_limits.max_depth));
      throw Abort{};
    }
    size_t content = skip_properties(m_text, static_cast<size_t>(mark.pos));
    if (content != static_cast<size_t>(mark.pos)) {
      loc = loc_at(m_file, content);
    }
    if (anchor != 0) {
      define_anchor(anchor);
    }
    m_frames.push_back(Frame{kind, loc, anchor, m_pending.size()});
  }

  void define_anchor(YAML::anchor_t anchor) {
    if (m_anchors.size() <= anchor) {
      m_anchors.resize(anchor + 1);
    }
    m_anchors[anchor].name = m_anchor_name;
    m_anchors[anchor].open = true;
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

  void finish(Pending&& pending, YAML::anchor_t anchor) {
    count(1);
    if (in_key_position()) {
      check_key(pending);
    }
    if (anchor != 0) {
      if (m_anchors.size() <= anchor || m_anchors[anchor].name.empty()) {
        define_anchor(anchor);  // a scalar or null: no open() came first
      }
      Anchor& target = m_anchors[anchor];
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
  int m_bom;
  std::optional<SNode> m_root;
  std::vector<Frame> m_frames;
  std::vector<Pending> m_pending;
  std::vector<Anchor> m_anchors;  // by yaml-cpp's anchor number
  std::string m_anchor_name;
  static constexpr size_t k_max_errors = 50;
  size_t m_errors = 0;
  size_t m_documents = 0;
  int m_last_document_pos = -1;
  SourceLoc m_extra_document;
  size_t m_nodes = 0;
  size_t m_alias_nodes = 0;
};

// yaml-cpp's messages, made clearer where they are known to confuse. `loc` starts at yaml-cpp's
// mark and is moved to the real culprit where we can tell (a tab in the indentation).
std::string syntax_message(const SourceFile& file, const YAML::Exception& e, SourceLoc& loc) {
  std::string msg = e.msg;
  if (msg == YAML::ErrorMsg::UNKNOWN_ANCHOR && e.mark.pos >= 0) {
    std::string_view rest = std::string_view(file.text()).substr(static_cast<size_t>(e.mark.pos));
    if (rest.starts_with("*")) {
      size_t end = 1;
      while (end < rest.size() && !is_blank(rest[end]) && rest[end] != ',' && rest[end] != ']' &&
             rest[end] != '}') {
        ++end;
      }
      return fmt::format("unknown anchor '{}' referenced", rest.substr(1, end - 1));
    }
  }
  if (msg == YAML::ErrorMsg::BAD_FILE || msg == "bad file") {
    return "values are nested too deeply";
  }
  // Tabs in indentation give "illegal map value" and the like, which do not say why.
  if (!e.mark.is_null() && e.mark.line >= 0) {
    SourceLoc mark = loc_of(file, e.mark);
    for (uint32_t line = mark.line; line + 1 >= mark.line && line >= 1; --line) {
      std::string_view text = file.line(line);
      size_t indent = text.find_first_not_of(" \t");
      size_t tab = text.substr(0, indent).find('\t');
      if (tab != std::string_view::npos) {
        loc = SourceLoc{&file, line, static_cast<uint32_t>(tab + 1)};
        return msg + " (a tab is used for indentation; YAML indentation must use spaces)";
      }
      if (line == 1) {
        break;
      }
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
  int bom = text.starts_with("\xef\xbb\xbf") ? 3 : 0;
  MemoryBuf buffer(text.data(), text.size());
  std::istream in(&buffer);
  Builder builder(file, diags, limits, bom);
  try {
    YAML::Parser parser(in);
    while (parser.HandleNextDocument(builder)) {
    }
  } catch (const Abort&) {
    return std::nullopt;
  } catch (const YAML::Exception& raw) {
    YAML::Exception e(shift(raw.mark, bom), raw.msg);
    if (builder.documents() > 1) {
      // Whatever is wrong in a second document, the second document is the problem.
      builder.report_extra_document();
      return std::nullopt;
    }
    SourceLoc loc = loc_of(file, e.mark);
    std::string message = syntax_message(file, e, loc);
    diags.error(e.msg == YAML::ErrorMsg::UNKNOWN_ANCHOR ? k_alias : k_syntax, loc, message);
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
