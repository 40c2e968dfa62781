#pragma once
// The source-mapped tree: what compiler/yaml builds from a stack file, once. Every later stage
// (interpolation, schema, IR) reads this tree, never the YAML parser, so every node keeps where it
// came from. Anchors, aliases and `<<` merge keys are already resolved here, duplicate keys
// already rejected; a mapping's entries keep file order.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "compiler/source.h"

namespace stackc {

enum class NodeKind : uint8_t { null, scalar, sequence, mapping };

// What a scalar means, resolved as the reference's YAML parser (go-yaml v3, as used by
// docker/cli 28) resolves it: quoted scalars are strings; plain ones may be null, bool, int or
// float ("mode: 0440" is the int 288).
enum class ScalarType : uint8_t { null, boolean, integer, floating, string };

struct SEntry;

struct SNode {
  NodeKind kind = NodeKind::null;
  ScalarType type = ScalarType::null;  // for scalars; null nodes have ScalarType::null
  bool quoted = false;                 // written quoted or as a block scalar: always a string
  std::string text;                    // the scalar's text as written (after unescaping)
  int64_t int_value = 0;               // when type == integer, and 0/1 for booleans
  double float_value = 0;              // when type == floating
  SourceLoc loc;                       // where the value starts
  std::vector<SNode> items;            // kind == sequence
  std::vector<SEntry> entries;         // kind == mapping

  bool is_null() const { return kind == NodeKind::null; }
  bool is_scalar() const { return kind == NodeKind::scalar; }
  bool is_sequence() const { return kind == NodeKind::sequence; }
  bool is_mapping() const { return kind == NodeKind::mapping; }
  bool as_bool() const { return int_value != 0; }

  // The entry for `key` in a mapping, or nullptr.
  const SNode* find(std::string_view key) const;
  SNode* find(std::string_view key);
  const SEntry* find_entry(std::string_view key) const;
};

struct SEntry {
  std::string key;
  SourceLoc key_loc;
  SNode value;
};

// What a node is, for messages: "a list", "a mapping", "an integer", "a string", "null", ...
const char* describe_kind(const SNode& node);

// Resolves a plain (unquoted) scalar's text into kind, type and value, as the reference does
// (go-yaml v3 `resolve`): "", ~, null, Null, NULL -> null (kind null); true/True/TRUE,
// false/False/FALSE -> boolean (yes/no/on/off stay strings); Go integer syntax after removing
// every '_' (0x, 0o, 0b, legacy 0-octal "0440" = 288, sign) -> integer; YAML floats, .inf, .nan
// -> floating; anything else -> string. Integers in (INT64_MAX, UINT64_MAX] are kept as floating
// (the reference has a uint64 there). Used by the YAML layer and again by interpolation, which
// re-types substituted values. Sets quoted = false.
void resolve_plain_scalar(SNode& node);

// True when a plain scalar is one the reference turns into a time.Time ("2001-12-14",
// "2001-12-14T21:59:43Z", "2001-12-14 21:59:43.1"). The tree keeps these as strings; the
// reference later prints them as "2001-12-14 00:00:00 +0000 UTC" in environment/labels and
// rejects them for `image`, which later stages may want to warn about.
bool is_yaml_timestamp(std::string_view text);

}  // namespace stackc
