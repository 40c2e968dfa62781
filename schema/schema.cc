// The only translation unit that includes valijson (and it costs ~13 s to compile): keep it so.
//
// How it works. valijson 1.0 decides whether a document is valid, but its messages are generic
// ("Value type not permitted by 'type' constraint.") and cascade through every enclosing
// construct. So we keep only its leaf errors, map each error's context ("<root>", "[deploy]",
// "[replicas]") back to the SNode it names, and write the message ourselves by looking up the
// schema nodes that apply at that place (following $ref and oneOf, choosing the oneOf branches
// whose type fits the document). When a oneOf fails, every branch reports; we keep the branch
// that got deepest, as docker/cli's schema.go does, so one mistake gives one message.
//
// valijson 1.0 stops checking a map's remaining entries after the first entry that fails a
// patternProperties schema, so each service/network/volume/secret/config entry is validated on
// its own, and the top level with those entries' values replaced by {}.

#include "schema/schema.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <regex>
#include <string>
#include <tuple>
#include <unordered_map>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>
#include <valijson/adapters/nlohmann_json_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validation_results.hpp>
#include <valijson/validator.hpp>

#include "schema/suggest.h"
#include "schema/version_gate.h"

namespace stackc {
namespace {

using nlohmann::json;
using schema::closest_match;

// The top-level maps whose entries are validated one by one, with their definition.
struct Section {
  const char* key;         // "services"
  const char* definition;  // "service": its entries' schema, #/definitions/service
};
constexpr std::array<Section, 5> k_sections = {{{"services", "service"},
                                                {"networks", "network"},
                                                {"volumes", "volume"},
                                                {"secrets", "secret"},
                                                {"configs", "config"}}};

constexpr std::string_view k_stricter_prefix = "Stricter than docker";

// valijson 1.0 builds a std::regex for every patternProperties pattern each time it checks an
// object (a few per service: ~3 s for 1000 services under ASan), but caches the regexes of
// `pattern`. So the pass that only asks "valid?" uses a rewritten schema with the same meaning
// whose key checks go through propertyNames + pattern:
//   properties P + patternProperties {p: {}} + additionalProperties false
//     -> properties P + propertyNames {anyOf: [{enum: keys of P}, {pattern: p}]}
//   patternProperties {p: S} + additionalProperties false (no properties)
//     -> propertyNames {pattern: p} + additionalProperties S
// Other shapes are left alone. Only a part that fails is checked again, against the schema as
// written, to collect errors whose places and wording match the file.
// This is the step for one schema object (its children are done by prepare).
void rewrite_for_speed(json& schema) {
  const auto patterns = schema.find("patternProperties");
  const auto additional = schema.find("additionalProperties");
  if (patterns == schema.end() || !patterns->is_object() || additional == schema.end() ||
      *additional != false) {
    return;
  }
  const bool only_empty = std::all_of(patterns->begin(), patterns->end(), [](const json& sub) {
    return sub.is_object() && sub.empty();
  });
  const auto properties = schema.find("properties");
  const bool has_properties = properties != schema.end() && !properties->empty();
  if (only_empty) {
    json any_of = json::array();
    if (has_properties) {
      json names = json::array();
      for (const auto& [name, sub] : properties->items()) {
        names.push_back(name);
      }
      any_of.push_back({{"enum", names}});
    }
    for (const auto& [pattern, sub] : patterns->items()) {
      any_of.push_back({{"pattern", pattern}});
    }
    schema["propertyNames"] = {{"anyOf", any_of}};
    schema.erase("patternProperties");
    schema.erase("additionalProperties");
  } else if (!has_properties && patterns->size() == 1) {
    const std::string pattern = patterns->begin().key();
    json sub = patterns->begin().value();
    schema["propertyNames"] = {{"pattern", pattern}};
    schema["additionalProperties"] = std::move(sub);
    schema.erase("patternProperties");
  }
}

// Makes a copy of (part of) the schema ready for valijson, and adds the names of the
// definitions it refers to to `refs`.
// valijson checks uniqueItems by comparing every pair and, when collecting, reports every equal
// pair: a list of 10 000 equal strings would take seconds and gigabytes. Neither compiled
// variant has it; PartValidator::check_unique does it in O(n log n) from the schema as written.
// The fast variant is also rewritten (see rewrite_for_speed).
void prepare(json& schema, bool fast, std::vector<std::string>& refs) {
  if (schema.is_array()) {
    for (json& item : schema) {
      prepare(item, fast, refs);
    }
    return;
  }
  if (!schema.is_object()) {
    return;
  }
  schema.erase("uniqueItems");
  if (const auto ref = schema.find("$ref"); ref != schema.end() && ref->is_string()) {
    constexpr std::string_view prefix = "#/definitions/";
    refs.push_back(ref->get<std::string>().substr(prefix.size()));
  }
  for (json& value : schema) {
    prepare(value, fast, refs);
  }
  if (fast) {
    rewrite_for_speed(schema);
  }
}

// What a schema node stands for once $ref is followed and oneOf split into its branches.
void expand_schema(const json& document, const json& schema, std::vector<const json*>& out) {
  const json* current = &schema;
  for (auto ref = current->find("$ref"); ref != current->end(); ref = current->find("$ref")) {
    constexpr std::string_view prefix = "#/definitions/";
    current = &document.at("definitions").at(ref->get<std::string>().substr(prefix.size()));
  }
  if (const auto branches = current->find("oneOf"); branches != current->end()) {
    for (const json& branch : *branches) {
      expand_schema(document, branch, out);
    }
    return;
  }
  out.push_back(current);
}

// One compiled schema, in both variants, each compiled on first use: most runs only meet valid
// files (so never need the exact one), and a file without configs never pays for their schema.
struct SchemaPair {
  // Rewritten: for the yes/no pass.
  const valijson::Schema& fast() const {
    std::call_once(m_fast_once, [this] { m_compile(true, m_fast); });
    return m_fast;
  }
  // As written: for collecting errors.
  const valijson::Schema& exact() const {
    std::call_once(m_exact_once, [this] { m_compile(false, m_exact); });
    return m_exact;
  }
  std::function<void(bool fast, valijson::Schema&)> m_compile;
  mutable std::once_flag m_fast_once;
  mutable std::once_flag m_exact_once;
  mutable valijson::Schema m_fast;
  mutable valijson::Schema m_exact;
};

// The schema, parsed once per process: the JSON (read by the message writer) and compiled
// valijson schemas for the top level and for each section's definition.
struct CompiledSchema {
  json document;
  SchemaPair top;
  std::array<SchemaPair, k_sections.size()> sections;
  // {"$ref": each section's definition}: where the message writer starts for an entry. Kept
  // here because SchemaLookup remembers schema nodes by address.
  std::array<json, k_sections.size()> section_refs;
  // The definitions the sections compiled so far refer to, prepared for each variant (see
  // prepare): each is copied and prepared once, and only when a compile needs it.
  std::mutex compile_mutex;
  json fast_definitions = json::object();
  json exact_definitions = json::object();
  // For each section, the fast schema narrowed to the keys of the first file that used it, and
  // those keys (see narrowed_fast).
  std::mutex narrowed_mutex;
  std::array<std::pair<std::string, std::unique_ptr<valijson::Schema>>, k_sections.size()> narrowed;
};

// valijson copies what it needs out of `root` (enum values are frozen copies), so `root` may
// change once this returns.
void compile_one(const json& root, valijson::Schema& schema) {
  valijson::SchemaParser parser(valijson::SchemaParser::kDraft7);
  valijson::adapters::NlohmannJsonAdapter adapter(root);
  parser.populateSchema(adapter, schema);
}

// The top level's schema, for a document whose section entries are all {} (validate_schema
// checks each entry on its own). Their schemas become {} too, so that compiling the top level
// does not compile the service definition a second time; {} passes every section definition
// as written, so no verdict changes.
void compile_top(const json& document, bool fast, valijson::Schema& schema) {
  json top = json::object();
  for (const auto& [key, value] : document.items()) {
    if (key != "definitions") {
      top[key] = value;
    }
  }
  for (const Section& section : k_sections) {
    for (json& entry_schema : top.at("properties").at(section.key).at("patternProperties")) {
      entry_schema = json::object();
    }
  }
  std::vector<std::string> refs;  // none: the top level's only refs were the entries'
  prepare(top, fast, refs);
  compile_one(top, schema);
}

// Adds the definitions named in `names`, and those they refer to, prepared, to `prepared`.
void add_definitions(const json& definitions, std::vector<std::string> names, bool fast,
                     json& prepared) {
  while (!names.empty()) {
    const std::string name = std::move(names.back());
    names.pop_back();
    if (prepared.contains(name)) {
      continue;
    }
    json definition = definitions.at(name);
    prepare(definition, fast, names);
    prepared[name] = std::move(definition);
  }
}

// A copy of `schema` for documents whose mapping keys, place by place, are in `keys` (a tree:
// {"k": {key: subtree}, "i": the subtree of a list's items}; null when no mapping or list is
// there). A property's schema only applies where its key is present, so dropping those of
// keys that never are changes no verdict; unknown keys still fail, since the rewritten
// propertyNames lists the names kept, which include every known key present. Followed into
// properties, oneOf/anyOf/allOf branches, `items` and $refs (inlined: each place gets its own
// copy of a definition); other keywords are copied as they are.
json narrow(const json& definitions, const json& schema, const json& keys, int refs_followed = 0) {
  if (!schema.is_object()) {
    return schema;
  }
  if (const auto ref = schema.find("$ref"); ref != schema.end() && schema.size() == 1) {
    constexpr std::string_view prefix = "#/definitions/";
    constexpr int k_max_refs = 16;  // a $ref cycle: stop inlining, leave it to valijson
    if (refs_followed == k_max_refs) {
      return schema;
    }
    const std::string name = ref->get<std::string>().substr(prefix.size());
    return narrow(definitions, definitions.at(name), keys, refs_followed + 1);
  }
  static const json k_none;
  auto sub = [&](const char* kind, const std::string& key) -> const json& {
    if (!keys.is_object()) {
      return k_none;
    }
    const auto found = keys.find(kind);
    if (found == keys.end()) {
      return k_none;
    }
    if (key.empty()) {
      return *found;
    }
    const auto child = found->find(key);
    return child == found->end() ? k_none : *child;
  };
  json out = json::object();
  for (const auto& [key, value] : schema.items()) {
    if (key == "properties" && value.is_object()) {
      json& kept = out[key] = json::object();
      const json& present = sub("k", "");
      for (const auto& [name, property] : value.items()) {
        if (present.is_object() && present.contains(name)) {
          kept[name] = narrow(definitions, property, sub("k", name));
        }
      }
    } else if ((key == "oneOf" || key == "anyOf" || key == "allOf") && value.is_array()) {
      json& branches = out[key] = json::array();
      for (const json& branch : value) {
        branches.push_back(narrow(definitions, branch, keys));
      }
    } else if (key == "items" && value.is_object()) {
      out[key] = narrow(definitions, value, sub("i", ""));
    } else {
      out[key] = value;
    }
  }
  return out;
}

// The keys `node` uses, place by place, added to `tree` (see narrow).
void collect_keys(const SNode& node, json& tree) {
  if (node.is_mapping()) {
    json& keys = tree["k"];
    for (const SEntry& entry : node.entries) {
      collect_keys(entry.value, keys[entry.key]);
    }
  } else if (node.is_sequence()) {
    json& items = tree["i"];
    for (const SNode& item : node.items) {
      collect_keys(item, items);
    }
  }
}

// Compiles a section's definition, narrowed to `keys` when given (see narrow).
void compile_section(CompiledSchema& compiled, const char* definition, bool fast,
                     valijson::Schema& schema, const json* keys = nullptr) {
  const std::lock_guard<std::mutex> lock(compiled.compile_mutex);
  const json& definitions = compiled.document.at("definitions");
  // The definition itself is the compiled document's root, so its $refs resolve through the
  // "definitions" moved in below.
  json root = keys != nullptr ? narrow(definitions, definitions.at(definition), *keys)
                              : definitions.at(definition);
  std::vector<std::string> refs;
  prepare(root, fast, refs);
  json& prepared = fast ? compiled.fast_definitions : compiled.exact_definitions;
  add_definitions(definitions, std::move(refs), fast, prepared);
  // Moved in and back (even when compiling throws): the next section's compile uses them too.
  root["definitions"] = std::move(prepared);
  struct Restore {
    json& prepared;
    json& root;
    ~Restore() { prepared = std::move(root.at("definitions")); }
  } restore{prepared, root};
  compile_one(root, schema);
}

// The schema for the yes/no pass over the entries of section `index` whose keys are `keys`
// (see narrow): a service that sets a few of the definition's keys, and a few of deploy's,
// compiles a fraction of it. That pays off once: a process linting several files would
// compile one narrowed schema per distinct key set (31 varied files: +9% instructions), so the
// first key set gets a narrowed schema and any other the whole one, compiled once.
const valijson::Schema& narrowed_fast(CompiledSchema& compiled, size_t index, const json& keys) {
  {
    const std::lock_guard<std::mutex> lock(compiled.narrowed_mutex);
    auto& [narrowed_keys, schema] = compiled.narrowed[index];
    std::string wanted = keys.dump();
    if (schema == nullptr) {
      auto fresh = std::make_unique<valijson::Schema>();
      compile_section(compiled, k_sections[index].definition, true, *fresh, &keys);
      schema = std::move(fresh);
      narrowed_keys = std::move(wanted);
      return *schema;
    }
    if (narrowed_keys == wanted) {
      return *schema;
    }
  }
  return compiled.sections[index].fast();
}

// Whether a uniqueItems can apply at or below `schema`. Stops at the first yes: a file only
// asks about the nodes it reaches, and most of those reach a uniqueItems quickly.
bool compute_reaches_unique(const json& schema, const json& document,
                            std::unordered_map<const json*, bool>& memo) {
  if (!schema.is_object()) {
    return false;
  }
  if (const auto it = memo.find(&schema); it != memo.end()) {
    return it->second;
  }
  // A $ref cycle meets this guess: yes only costs a longer walk, no could skip a check.
  memo[&schema] = true;
  auto reaches = [&] {
    if (schema.value("uniqueItems", false)) {
      return true;
    }
    if (const auto ref = schema.find("$ref"); ref != schema.end()) {
      constexpr std::string_view prefix = "#/definitions/";
      const std::string name = ref->get<std::string>().substr(prefix.size());
      if (compute_reaches_unique(document.at("definitions").at(name), document, memo)) {
        return true;
      }
    }
    for (const char* key : {"oneOf", "anyOf", "allOf", "properties", "patternProperties"}) {
      if (const auto children = schema.find(key); children != schema.end()) {
        for (const json& child : *children) {
          if (compute_reaches_unique(child, document, memo)) {
            return true;
          }
        }
      }
    }
    for (const char* key : {"additionalProperties", "items"}) {
      if (const auto child = schema.find(key); child != schema.end()) {
        if (compute_reaches_unique(*child, document, memo)) {
          return true;
        }
      }
    }
    return false;
  };
  const bool result = reaches();
  memo[&schema] = result;
  return result;
}

CompiledSchema& compiled_schema() {
  // C++11 guarantees this runs once even with concurrent callers. If it throws (a broken embedded
  // schema, which the tests rule out), the next call tries again.
  // Never destroyed: freeing the JSON trees and compiled schemas at exit cost a tenth of a
  // small lint run, and the process is ending anyway.
  static CompiledSchema* const compiled = [] {
    auto result = std::make_unique<CompiledSchema>();
    result->document = json::parse(compose_schema_json());
    CompiledSchema* const self = result.get();  // never destroyed, see above
    self->top.m_compile = [self](bool fast, valijson::Schema& schema) {
      compile_top(self->document, fast, schema);
    };
    for (size_t i = 0; i < k_sections.size(); ++i) {
      const char* definition = k_sections[i].definition;
      self->section_refs[i] = {{"$ref", std::string("#/definitions/") + definition}};
      self->sections[i].m_compile = [self, definition](bool fast, valijson::Schema& schema) {
        compile_section(*self, definition, fast, schema);
      };
    }
    return result.release();
  }();
  return *compiled;
}

// --- SNode -> JSON -----------------------------------------------------------------------------

json to_json(const SNode& node) {
  switch (node.kind) {
    case NodeKind::null:
      return nullptr;
    case NodeKind::sequence: {
      json array = json::array();
      for (const SNode& item : node.items) {
        array.push_back(to_json(item));
      }
      return array;
    }
    case NodeKind::mapping: {
      json object = json::object();
      for (const SEntry& entry : node.entries) {
        object[entry.key] = to_json(entry.value);
      }
      return object;
    }
    case NodeKind::scalar:
      break;
  }
  switch (node.type) {
    case ScalarType::null:
      return nullptr;
    case ScalarType::boolean:
      return node.as_bool();
    case ScalarType::integer:
      return node.int_value;
    case ScalarType::floating: {
      // The reference hands its YAML to the schema validator through encoding/json, which
      // writes 1.0 as 1: so a whole float passes where an integer is required.
      const double value = node.float_value;
      if (std::isfinite(value) && value == std::trunc(value) && std::fabs(value) < 9.0e18) {
        return static_cast<int64_t>(value);
      }
      return value;
    }
    case ScalarType::string:
      return node.text;
  }
  return nullptr;
}

// --- Walking the document by a valijson context -------------------------------------------------

// One place in the document: the node, the entry that holds it (for the key's location) and the
// dotted path used in messages.
struct Place {
  const SNode* node = nullptr;
  const SEntry* entry = nullptr;
  std::string path;
};

void append_key(std::string& path, std::string_view key) {
  if (!path.empty()) {
    path += '.';
  }
  path += key;
}

// Follows `segments` (keys and indices, without brackets) from `start`. Returns nullopt when the
// context does not name a node (which valijson never does for the documents we give it).
std::optional<Place> walk(const Place& start, const std::vector<std::string>& segments,
                          size_t count) {
  Place place = start;
  for (size_t i = 0; i < count; ++i) {
    const std::string& segment = segments[i];
    if (place.node->is_mapping()) {
      const SEntry* entry = place.node->find_entry(segment);
      if (entry == nullptr) {
        return std::nullopt;
      }
      place.entry = entry;
      place.node = &entry->value;
      append_key(place.path, segment);
    } else if (place.node->is_sequence()) {
      const size_t index = std::stoul(segment);
      if (index >= place.node->items.size()) {
        return std::nullopt;
      }
      place.node = &place.node->items[index];
      place.path += fmt::format("[{}]", index);
    } else {
      return std::nullopt;
    }
  }
  return place;
}

// --- Looking up the schema nodes that apply at a place -----------------------------------------

class SchemaLookup {
 public:
  explicit SchemaLookup(const json& document) : m_document(document) {}

  // Adds `schema` to `out`, following $ref and splitting oneOf into its branches. Remembered by
  // address (so `schema` must live in the process-wide CompiledSchema), so that a big file pays
  // the string work of each $ref once. The memos live as long as one
  // validate_schema call: threads share nothing, and a run pays only for the nodes it meets.
  void expand(const json& schema, std::vector<const json*>& out) const {
    auto it = m_expansions.find(&schema);
    if (it == m_expansions.end()) {
      std::vector<const json*> expanded;
      expand_schema(m_document, schema, expanded);
      it = m_expansions.emplace(&schema, std::move(expanded)).first;
    }
    out.insert(out.end(), it->second.begin(), it->second.end());
  }

  // Whether a uniqueItems can apply at or below `schema` (so check_unique may skip it).
  bool reaches_unique(const json& schema) const {
    return compute_reaches_unique(schema, m_document, m_reaches_unique);
  }

  // The schemas for the child `segment` of `parent`, given the schemas for `parent`.
  std::vector<const json*> child(const std::vector<const json*>& schemas, const SNode& parent,
                                 const std::string& segment) const {
    std::vector<const json*> out;
    for (const json* schema : schemas) {
      if (parent.is_mapping()) {
        if (const auto properties = schema->find("properties"); properties != schema->end()) {
          if (const auto sub = properties->find(segment); sub != properties->end()) {
            expand(*sub, out);
            continue;
          }
        }
        bool matched = false;
        if (const auto patterns = schema->find("patternProperties"); patterns != schema->end()) {
          for (const auto& [pattern, sub] : patterns->items()) {
            if (matches(pattern, segment)) {
              expand(sub, out);
              matched = true;
            }
          }
        }
        const auto additional = schema->find("additionalProperties");
        if (!matched && additional != schema->end() && additional->is_object()) {
          expand(*additional, out);
        }
      } else if (parent.is_sequence()) {
        if (const auto items = schema->find("items");
            items != schema->end() && items->is_object()) {
          expand(*items, out);
        }
      }
    }
    return out;
  }

  // True when `key` is a declared property of `schema` or matches one of its patterns.
  bool knows_key(const json& schema, const std::string& key) const {
    if (schema.contains("properties") && schema.at("properties").contains(key)) {
      return true;
    }
    if (schema.contains("patternProperties")) {
      for (const auto& [pattern, sub] : schema.at("patternProperties").items()) {
        if (matches(pattern, key)) {
          return true;
        }
      }
    }
    return false;
  }

  bool matches(const std::string& pattern, const std::string& text) const {
    auto it = m_regexes.find(pattern);
    if (it == m_regexes.end()) {
      it = m_regexes.emplace(pattern, std::regex(pattern)).first;
    }
    return std::regex_search(text, it->second);
  }

 private:
  const json& m_document;
  mutable std::unordered_map<const json*, std::vector<const json*>> m_expansions;
  mutable std::unordered_map<const json*, bool> m_reaches_unique;
  mutable std::map<std::string, std::regex> m_regexes;
};

// The JSON Schema type of a node, as the reference's validator sees it (a whole float is an
// integer there, see to_json).
std::string_view json_type_of(const SNode& node) {
  switch (node.kind) {
    case NodeKind::null:
      return "null";
    case NodeKind::sequence:
      return "array";
    case NodeKind::mapping:
      return "object";
    case NodeKind::scalar:
      break;
  }
  switch (node.type) {
    case ScalarType::null:
      return "null";
    case ScalarType::boolean:
      return "boolean";
    case ScalarType::integer:
      return "integer";
    case ScalarType::floating:
      return to_json(node).is_number_integer() ? "integer" : "number";
    case ScalarType::string:
      return "string";
  }
  return "null";
}

bool schema_admits(const json& schema, const SNode& node) {
  const auto type = schema.find("type");
  if (type == schema.end()) {
    return true;
  }
  const std::string_view actual = json_type_of(node);
  auto admits_one = [&](const json& one) {
    const std::string& name = one.get_ref<const std::string&>();
    return name == actual || (name == "number" && actual == "integer");
  };
  if (type->is_string()) {
    return admits_one(*type);
  }
  return std::any_of(type->begin(), type->end(), admits_one);
}

std::vector<const json*> keep_admitting(const std::vector<const json*>& schemas,
                                        const SNode& node) {
  std::vector<const json*> out;
  for (const json* schema : schemas) {
    if (schema_admits(*schema, node)) {
      out.push_back(schema);
    }
  }
  return out;
}

// --- Words --------------------------------------------------------------------------------------

std::string join_alternatives(const std::vector<std::string>& words) {
  std::string out;
  for (size_t i = 0; i < words.size(); ++i) {
    if (i > 0) {
      out += i + 1 == words.size() ? " or " : ", ";
    }
    out += words[i];
  }
  return out;
}

std::string describe_type(const std::string& type, const json& schema) {
  if (type == "object") {
    return "a mapping";
  }
  if (type == "array") {
    const json* items = schema.contains("items") ? &schema.at("items") : nullptr;
    if (items != nullptr && items->is_object() && items->value("type", json()) == "string") {
      return "a list of strings";
    }
    return "a list";
  }
  if (type == "integer") {
    return "an integer";
  }
  if (type == "null") {
    return "null";
  }
  return "a " + type;  // string, number, boolean
}

// "a string or a list of strings", from every schema that could apply at a place.
std::string expected_types(const std::vector<const json*>& schemas) {
  std::vector<std::string> words;
  for (const json* schema : schemas) {
    if (!schema->contains("type")) {
      continue;
    }
    const json& type = schema->at("type");
    std::vector<std::string> names;
    if (type.is_string()) {
      names.push_back(type.get<std::string>());
    } else {
      for (const json& one : type) {
        names.push_back(one.get<std::string>());
      }
    }
    for (const std::string& name : names) {
      std::string word = describe_type(name, *schema);
      if (std::find(words.begin(), words.end(), word) == words.end()) {
        words.push_back(std::move(word));
      }
    }
  }
  return words.empty() ? "something else" : join_alternatives(words);
}

std::string quoted_list(const std::vector<std::string>& values) {
  std::vector<std::string> quoted;
  for (const std::string& value : values) {
    if (!value.empty()) {
      quoted.push_back("'" + value + "'");
    }
  }
  return join_alternatives(quoted);
}

std::string scalar_text(const SNode& node) {
  return node.is_scalar() ? node.text : describe_kind(node);
}

// --- Turning valijson's errors into diagnostics -------------------------------------------------

enum class ErrorKind { type, enumeration, pattern, unknown_key, required, range };

struct LeafError {
  ErrorKind kind;
  std::vector<std::string> segments;  // from the entry's root
  std::string detail;                 // the missing key's name, for `required`
};

std::optional<LeafError> classify(const valijson::ValidationResults::Error& error) {
  LeafError leaf;
  const std::string& text = error.description;
  auto starts = [&](std::string_view prefix) { return text.rfind(prefix, 0) == 0; };
  if (starts("Value type not permitted")) {
    leaf.kind = ErrorKind::type;
  } else if (starts("Failed to match against any enum values")) {
    leaf.kind = ErrorKind::enumeration;
  } else if (starts("Failed to match regex specified by 'pattern'")) {
    leaf.kind = ErrorKind::pattern;
  } else if (starts("Object contains a property that could not be validated")) {
    leaf.kind = ErrorKind::unknown_key;
  } else if (starts("Missing required property '")) {
    leaf.kind = ErrorKind::required;
    const size_t begin = text.find('\'') + 1;
    leaf.detail = text.substr(begin, text.rfind('\'') - begin);
  } else if (starts("Expected number greater than") || starts("Expected number less than")) {
    leaf.kind = ErrorKind::range;
  } else {
    return std::nullopt;  // a cascade line of an enclosing construct
  }
  for (size_t i = 1; i < error.context.size(); ++i) {
    const std::string& part = error.context[i];
    leaf.segments.push_back(part.size() >= 2 ? part.substr(1, part.size() - 2) : part);
  }
  return leaf;
}

bool is_prefix(const std::vector<std::string>& prefix, const std::vector<std::string>& path) {
  return prefix.size() <= path.size() && std::equal(prefix.begin(), prefix.end(), path.begin());
}

// Keeps the errors that describe real mistakes. A oneOf reports a type error for every branch
// whose type does not fit; those are noise when another branch matched the type and found
// something deeper or more specific. A type error and an enum error at the same place are one
// mistake: the type wins.
std::vector<LeafError> most_specific(std::vector<LeafError> errors) {
  // Sorted by place, an error's descendants follow it, so each decision looks at a short run
  // (a file with 100 000 wrong values must not take 100 000^2 steps).
  auto by_place = [](const LeafError& a, const LeafError& b) {
    return std::tie(a.segments, a.kind, a.detail) < std::tie(b.segments, b.kind, b.detail);
  };
  std::sort(errors.begin(), errors.end(), by_place);
  std::vector<LeafError> kept;
  for (size_t i = 0; i < errors.size(); ++i) {
    const LeafError& error = errors[i];
    if (i > 0 && !by_place(errors[i - 1], error)) {
      continue;  // several oneOf branches give the same error at one place
    }
    // The first error at this place, then everything at or below it.
    size_t j = i;
    while (j > 0 && errors[j - 1].segments == error.segments) {
      --j;
    }
    bool drop = false;
    for (; j < errors.size() && !drop && is_prefix(error.segments, errors[j].segments); ++j) {
      const LeafError& other = errors[j];
      const bool here = other.segments.size() == error.segments.size();
      if (error.kind == ErrorKind::type) {
        drop = !here || (other.kind != ErrorKind::type && other.kind != ErrorKind::enumeration &&
                         other.kind != ErrorKind::pattern);
      } else if (error.kind == ErrorKind::enumeration || error.kind == ErrorKind::pattern) {
        drop = here && other.kind == ErrorKind::type;
      }
    }
    if (!drop) {
      kept.push_back(error);
    }
  }
  return kept;
}

struct Finding {
  std::string code;
  SourceLoc loc;
  std::string message;
  std::string note;  // "" or why stackc is stricter than docker here
};

std::string stricter_note(const std::vector<const json*>& schemas) {
  for (const json* schema : schemas) {
    const std::string description = schema->value("description", std::string());
    if (description.rfind(k_stricter_prefix, 0) == 0) {
      return "stackc is stricter than docker stack deploy here: " +
             description.substr(k_stricter_prefix.size() + 2);
    }
  }
  return {};
}

bool is_valid_name(std::string_view name) {
  if (name.empty()) {
    return false;
  }
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '_' || c == '-';
  });
}

// Validates one part of the document (the top level, or one section entry) and adds findings.
class PartValidator {
 public:
  PartValidator(const CompiledSchema& schema, valijson::Validator& validator,
                std::vector<Finding>& findings)
      : m_validator(validator), m_lookup(schema.document), m_out(findings) {}

  // `quick`: the schema for the yes/no pass (compiled.fast() or one narrowed to the part's keys).
  // `top_level`: the part is the top level, whose section entries with good names get runs of
  // their own (see validate_schema).
  void run(const valijson::Schema& quick, const SchemaPair& compiled, const json& root_schema,
           const json& value, const Place& start, bool top_level = false) {
    std::vector<const json*> schemas;
    m_lookup.expand(root_schema, schemas);
    std::vector<std::string> segments;
    m_top_level = top_level;
    check_unique(schemas, *start.node, start, segments);

    valijson::adapters::NlohmannJsonAdapter adapter(value);
    // Most parts are valid: check without collecting first, which stops at the first failure.
    if (m_validator.validate(quick, adapter, nullptr)) {
      return;
    }
    valijson::ValidationResults results;
    if (m_validator.validate(compiled.exact(), adapter, &results)) {
      return;  // the schema as written decides
    }
    // valijson stops checking a patternProperties map after its first failing value (so
    // `environment: {A: [1], B: [2]}` would show only A); the rewritten schema checks such maps
    // through additionalProperties, which goes on. It says nothing about bad keys, which the
    // schema as written reports: together they give every error.
    valijson::ValidationResults more_results;
    m_validator.validate(compiled.fast(), adapter, &more_results);
    std::vector<LeafError> leaves;
    for (const valijson::ValidationResults* collected : {&results, &more_results}) {
      for (const valijson::ValidationResults::Error& error : *collected) {
        if (std::optional<LeafError> leaf = classify(error)) {
          leaves.push_back(std::move(*leaf));
        }
      }
    }
    if (leaves.empty()) {
      // A failure shape this code does not know: still say so rather than let it pass.
      m_out.push_back({"STK050",
                       start.node->loc,
                       fmt::format("{} does not match the compose schema",
                                   start.path.empty() ? "the stack file" : start.path),
                       {}});
      return;
    }
    // Past this many, more messages about one part help nobody, and finding each error's place
    // by key costs time on a huge broken file.
    constexpr size_t k_max_per_part = 50;
    const size_t before = m_out.size();
    for (const LeafError& leaf : most_specific(std::move(leaves))) {
      if (m_out.size() - before >= k_max_per_part) {
        m_out.push_back(
            {"STK050",
             start.entry != nullptr ? start.entry->key_loc : start.node->loc,
             fmt::format("too many problems in {}; stopping after {}",
                         start.path.empty() ? "the stack file" : start.path, k_max_per_part),
             {}});
        break;
      }
      report(leaf, root_schema, start);
    }
  }

 private:
  // Walks the document with the schemas that apply to each node (oneOf branches chosen by type)
  // and reports lists whose schema says uniqueItems and that repeat an item: once per list, at
  // the first repeat. Items are equal when their JSON is (so 1 and "1" differ, 1 and 1.0 not).
  void check_unique(const std::vector<const json*>& schemas, const SNode& node, const Place& start,
                    std::vector<std::string>& segments) {
    if (node.is_scalar() || node.is_null()) {
      return;
    }
    const std::vector<const json*> fitting = keep_admitting(schemas, node);
    const bool may_apply = std::any_of(fitting.begin(), fitting.end(), [&](const json* schema) {
      return m_lookup.reaches_unique(*schema);
    });
    if (!may_apply) {
      return;
    }
    if (node.is_mapping()) {
      const bool section = m_top_level && segments.size() == 1 &&
                           std::any_of(k_sections.begin(), k_sections.end(),
                                       [&](const Section& s) { return segments[0] == s.key; });
      for (const SEntry& entry : node.entries) {
        if (section && is_valid_name(entry.key)) {
          continue;  // its own run checks it: walking it here too only doubled the work
        }
        segments.push_back(entry.key);
        check_unique(m_lookup.child(fitting, node, entry.key), entry.value, start, segments);
        segments.pop_back();
      }
      return;
    }
    const bool unique = std::any_of(fitting.begin(), fitting.end(), [](const json* schema) {
      return schema->value("uniqueItems", false);
    });
    if (unique) {
      report_repeats(node, start, segments);
    }
    const std::vector<const json*> item_schemas = m_lookup.child(fitting, node, "0");
    for (size_t i = 0; i < node.items.size(); ++i) {
      segments.push_back(std::to_string(i));
      check_unique(item_schemas, node.items[i], start, segments);
      segments.pop_back();
    }
  }

  void report_repeats(const SNode& list, const Place& start,
                      const std::vector<std::string>& segments) {
    std::vector<std::pair<std::string, size_t>> keyed;
    keyed.reserve(list.items.size());
    for (size_t i = 0; i < list.items.size(); ++i) {
      keyed.emplace_back(to_json(list.items[i]).dump(), i);
    }
    std::sort(keyed.begin(), keyed.end());
    size_t first_repeat = list.items.size();
    size_t repeats = 0;
    for (size_t i = 1; i < keyed.size(); ++i) {
      if (keyed[i].first == keyed[i - 1].first) {
        first_repeat = std::min(first_repeat, keyed[i].second);
        ++repeats;
      }
    }
    if (repeats == 0) {
      return;
    }
    std::optional<Place> place = walk(start, segments, segments.size());
    if (!place) {
      return;
    }
    const SNode& item = list.items[first_repeat];
    std::string message =
        fmt::format("{}[{}] repeats an earlier item ('{}'); the items of {} must be unique",
                    place->path, first_repeat, scalar_text(item), place->path);
    if (repeats > 1) {
      message += fmt::format(" ({} repeated items in all)", repeats);
    }
    m_out.push_back({"STK054", item.loc, std::move(message), {}});
  }

  // The schemas that apply at `segments`, choosing oneOf branches by the document's types on the
  // way; the last step is not filtered, so that a type error can list every allowed type.
  std::vector<const json*> schemas_at(const json& root_schema, const Place& start,
                                      const std::vector<std::string>& segments) {
    std::vector<const json*> schemas;
    m_lookup.expand(root_schema, schemas);
    const SNode* node = start.node;
    for (const std::string& segment : segments) {
      schemas = keep_admitting(schemas, *node);
      std::optional<Place> next = walk(Place{node, nullptr, ""}, {segment}, 1);
      if (!next) {
        return {};
      }
      schemas = m_lookup.child(schemas, *node, segment);
      node = next->node;
    }
    return schemas;
  }

  void report(const LeafError& leaf, const json& root_schema, const Place& start) {
    std::optional<Place> place = walk(start, leaf.segments, leaf.segments.size());
    if (!place) {
      return;
    }
    const std::vector<const json*> all = schemas_at(root_schema, start, leaf.segments);
    const std::vector<const json*> fitting = keep_admitting(all, *place->node);
    const std::string& path = place->path;
    switch (leaf.kind) {
      case ErrorKind::type:
        m_out.push_back({"STK051",
                         place->node->loc,
                         fmt::format("{} must be {}, not {}", path, expected_types(all),
                                     describe_kind(*place->node)),
                         {}});
        break;
      case ErrorKind::enumeration:
      case ErrorKind::pattern:
        report_value(*place, fitting);
        break;
      case ErrorKind::unknown_key:
        report_unknown_keys(*place, fitting);
        break;
      case ErrorKind::required:
        m_out.push_back({"STK053",
                         place->node->loc,
                         fmt::format("{} is missing the required key '{}'", path, leaf.detail),
                         {}});
        break;
      case ErrorKind::range: {
        std::string bound = "allowed";
        for (const json* schema : fitting) {
          bool low = schema->contains("minimum");
          bool high = schema->contains("maximum");
          if (low && high) {
            bound = fmt::format("between {} and {}", schema->at("minimum").dump(),
                                schema->at("maximum").dump());
          } else if (low) {
            bound = fmt::format("at least {}", schema->at("minimum").dump());
          } else if (high) {
            bound = fmt::format("at most {}", schema->at("maximum").dump());
          }
        }
        m_out.push_back(
            {"STK052",
             place->node->loc,
             fmt::format("{} must be {}, not {}", path, bound, scalar_text(*place->node)),
             {}});
        break;
      }
    }
  }

  void report_value(const Place& place, const std::vector<const json*>& schemas) {
    std::vector<std::string> values;
    for (const json* schema : schemas) {
      for (const char* key : {"enum", "x-stackc-values"}) {
        if (schema->contains(key)) {
          for (const json& value : schema->at(key)) {
            if (value.is_string() && !value.get<std::string>().empty()) {
              values.push_back(value.get<std::string>());
            }
          }
        }
      }
    }
    const std::string text = scalar_text(*place.node);
    std::string message =
        fmt::format("{} must be {}{}, not '{}'", place.path, values.size() > 2 ? "one of " : "",
                    quoted_list(values), text);
    if (std::optional<std::string> guess = closest_match(text, values); guess && !guess->empty()) {
      message += fmt::format("; did you mean '{}'?", *guess);
    }
    m_out.push_back({"STK052", place.node->loc, std::move(message), stricter_note(schemas)});
  }

  // valijson names only the first unknown key of an object; we list them all.
  void report_unknown_keys(const Place& place, const std::vector<const json*>& schemas) {
    if (!place.node->is_mapping() || schemas.empty()) {
      return;
    }
    for (const SEntry& entry : place.node->entries) {
      const bool known = std::any_of(schemas.begin(), schemas.end(), [&](const json* schema) {
        return m_lookup.knows_key(*schema, entry.key);
      });
      if (known) {
        continue;
      }
      report_unknown_key(place, entry, schemas);
    }
  }

  void report_unknown_key(const Place& place, const SEntry& entry,
                          const std::vector<const json*>& schemas) {
    std::vector<std::string> names;
    bool extensions = false;
    bool name_map = false;
    for (const json* schema : schemas) {
      if (schema->contains("properties")) {
        for (const auto& [name, sub] : schema->at("properties").items()) {
          names.push_back(name);
        }
      }
      if (schema->contains("patternProperties")) {
        for (const auto& [pattern, sub] : schema->at("patternProperties").items()) {
          if (pattern == "^x-") {
            extensions = true;
          } else if (pattern == "^[a-zA-Z0-9._-]+$") {
            name_map = true;
          }
        }
      }
    }
    if (name_map && names.empty()) {
      m_out.push_back({"STK055", entry.key_loc,
                       fmt::format("'{}' is not a valid name in {}: use only letters, digits, "
                                   "'.', '_' and '-'",
                                   entry.key, place.path),
                       stricter_note(schemas)});
      return;
    }
    std::string message = place.path.empty()
                              ? fmt::format("unknown top-level key '{}'", entry.key)
                              : fmt::format("{} has no key '{}'", place.path, entry.key);
    if (names.empty()) {
      message = entry.key.empty()
                    ? fmt::format("{} has an empty key", place.path)
                    : fmt::format("'{}' is not allowed as a key in {}", entry.key, place.path);
    } else if (std::optional<std::string> guess = closest_match(entry.key, names)) {
      message += fmt::format("; did you mean '{}'?", *guess);
    } else if (extensions) {
      message += " (extension keys must start with 'x-')";
    }
    m_out.push_back({"STK050", entry.key_loc, std::move(message), {}});
  }

  valijson::Validator& m_validator;
  SchemaLookup m_lookup;
  std::vector<Finding>& m_out;
  bool m_top_level = false;
};

}  // namespace

void validate_schema(const SNode& root, Diagnostics& diags) {
  std::vector<Finding> findings;
  try {
    CompiledSchema& schema = compiled_schema();
    // One validator per call: it caches compiled regexes and is not safe to share.
    valijson::Validator validator;
    PartValidator part(schema, validator, findings);

    // The top level, with each section entry's value replaced by {} (checked below).
    json top = json::object();
    for (const SEntry& entry : root.entries) {
      const bool section = std::any_of(k_sections.begin(), k_sections.end(),
                                       [&](const Section& s) { return entry.key == s.key; });
      if (section && entry.value.is_mapping()) {
        json& names = top[entry.key] = json::object();
        for (const SEntry& named : entry.value.entries) {
          names[named.key] = json::object();
        }
      } else {
        top[entry.key] = to_json(entry.value);
      }
    }
    part.run(schema.top.fast(), schema.top, schema.document, top, Place{&root, nullptr, ""},
             /*top_level=*/true);

    // Each entry on its own, against its definition. Entries with a bad name were reported
    // above, and like the reference we do not look inside them.
    for (size_t i = 0; i < k_sections.size(); ++i) {
      const SNode* map = root.is_mapping() ? root.find(k_sections[i].key) : nullptr;
      if (map == nullptr || !map->is_mapping()) {
        continue;
      }
      json keys;  // the keys the checked entries use, place by place (see narrow)
      for (const SEntry& entry : map->entries) {
        if (is_valid_name(entry.key)) {
          collect_keys(entry.value, keys);
        }
      }
      const valijson::Schema* quick = nullptr;  // compiled when the first entry needs it
      for (const SEntry& entry : map->entries) {
        if (!is_valid_name(entry.key)) {
          continue;
        }
        if (quick == nullptr) {
          quick = &narrowed_fast(schema, i, keys);
        }
        std::string path = std::string(k_sections[i].key) + "." + entry.key;
        part.run(*quick, schema.sections[i], schema.section_refs[i], to_json(entry.value),
                 Place{&entry.value, &entry, std::move(path)});
      }
    }
  } catch (const std::exception& error) {
    diags.error(
        "STK059", root.loc,
        fmt::format("internal error while checking the stack file's structure: {}", error.what()));
    return;
  }

  std::stable_sort(findings.begin(), findings.end(), [](const Finding& a, const Finding& b) {
    return std::pair(a.loc.line, a.loc.col) < std::pair(b.loc.line, b.loc.col);
  });
  for (size_t i = 0; i < findings.size(); ++i) {
    const Finding& finding = findings[i];
    const bool repeated = i > 0 && findings[i - 1].message == finding.message &&
                          findings[i - 1].loc.line == finding.loc.line &&
                          findings[i - 1].loc.col == finding.loc.col;
    if (repeated) {
      continue;
    }
    Diagnostic& diagnostic = diags.error(finding.code, finding.loc, finding.message);
    if (!finding.note.empty()) {
      diagnostic.notes.push_back({finding.loc, finding.note});
    }
  }
  // The one schema is the newest version's: take away the keys an older `version:` lacks.
  check_version_gates(root, diags);
}

}  // namespace stackc
