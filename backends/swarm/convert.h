#pragma once
// Convert: the typed IR into the Engine API objects that `docker stack deploy` would create
// (docker/cli cli/compose/convert), offline. The result is what `stackc compile` prints and
// what plan/apply compare with the live swarm.
//
// What the reference resolves against the live swarm at deploy time is left open here and
// filled in by apply: secret and config IDs (SecretReference.SecretID / ConfigID stay empty,
// the names are set), and the image digest (the spec carries the image as written, with
// ":latest" added to untagged references, as the reference's client does). Likewise a
// config-based credential_spec: Privileges.CredentialSpec.Config carries the config's *name*,
// which apply replaces with its ID (the reference's client does the same after its lookup).
//
// Conversion errors are reported as STK050 (an undefined network/volume/secret/config),
// STK051 (a value the reference's converter refuses) and STK052 (an unreadable secret or
// config file).

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <tl/expected.hpp>

#include "compiler/diag.h"
#include "compiler/ir.h"

namespace stackc::swarm {

// Where a field of a converted spec comes from, so that a diff can speak in compose terms:
// the compose path and the file:line that set it (for several -c files, the file that won the
// merge), or, when no line sets it, what the reference derives it from. Kept as text (not a
// SourceLoc) because the plan outlives the front end's files.
struct Origin {
  std::string compose_path;  // "services.frontend.image"; empty when unknown
  std::string file;          // as given on the command line; empty when derived
  uint32_t line = 0;
  // No line sets it: what the reference derives it from ("the stack's namespace label");
  // beside a line: what the field is ("the com.docker.stack.image label").
  std::string derived;

  bool known() const { return !compose_path.empty() || !derived.empty(); }
};

// One recorded field: `spec_path` is written as plan's FieldChange paths are
// ("TaskTemplate.ContainerSpec.Env[0]", "Labels[\"com.docker.stack.image\"]"), with array
// indices in the order the planner compares them (after its normalization sorts the lists).
// `covers_children`: the value below the path comes from this line as a whole (a list, a map,
// a leaf); false for a block whose children are recorded one by one, so that a child no line
// sets is not blamed on the block.
struct FieldOrigin {
  std::string spec_path;
  Origin origin;
  bool covers_children = true;
};
using Origins = std::vector<FieldOrigin>;

// The origin of a changed field: the longest recorded path equal to `path` or above it (a
// block only when it covers its children); else the first recorded path below it (a whole
// object added or removed). nullptr when nothing matches.
const FieldOrigin* find_origin(const Origins& origins, std::string_view path);

// Appends a key to a spec path the way the planner writes it: `a.b`, or `a["b.c"]` for a key
// with a dot.
std::string spec_path_join(const std::string& path, const std::string& key);

struct ConvertOptions {
  std::string stack;  // the namespace: objects are named <stack>_<name>
};

// A network the stack creates (POST /networks/create body), or one it only uses.
struct DesiredNetwork {
  std::string key;        // the key under `networks:` ("default" for the implicit one)
  std::string name;       // the engine name: <stack>_<key>, or `name:` / the external name
  bool external = false;  // must exist already; never created, never removed
  // The create body as JSON text; empty for external networks. The reference's client also
  // sends "CheckDuplicate": true to engines below API 1.44; that depends on the engine, so it
  // is apply's to add.
  std::string spec_json;
};

// A secret or config the stack creates (POST /secrets/create or /configs/create body).
// `spec_json` contains the data base64-encoded: never print it; print `data_sha256` and
// `data_size` instead.
struct DesiredFileObject {
  std::string key;
  std::string name;
  bool external = false;
  std::string spec_json;    // empty for external objects
  std::string data_sha256;  // of the raw content
  size_t data_size = 0;
  Origin origin{};    // the key under secrets:/configs: (the file: line when there is one)
  Origins origins{};  // Labels
};

struct DesiredService {
  std::string key;                      // the compose service name
  std::string name;                     // <stack>_<key>
  std::vector<std::string> depends_on;  // compose service names, for ordered apply
  std::string image;                    // as written in the file (com.docker.stack.image)
  std::string spec_json;                // the ServiceSpec (POST /services/create body)
  // An update keeps the live (digest-pinned) image while the com.docker.stack.image label
  // still names this image, as the reference does for --resolve-image changed|never. False
  // under --resolve-image always: the registry's answer, or the tag, is sent as it is.
  bool reuse_live_image = true;
  Origin origin{};    // the key under services:
  Origins origins{};  // the fields of spec_json (see FieldOrigin)
};

// Specs are carried as JSON text so that this header needs no JSON library; the stages that
// read them parse them once.
struct DesiredStack {
  std::string stack;
  std::vector<DesiredNetwork> networks;    // sorted by name
  std::vector<DesiredFileObject> secrets;  // sorted by name
  std::vector<DesiredFileObject> configs;  // sorted by name
  std::vector<DesiredService> services;    // sorted by name
};

// Converts `stack`. Reads secret and config files from disk (as the reference's client does).
// Problems (an unreadable file, an undefined network/secret/config/volume) are reported to
// `diags` with the location of the reference; the result is empty when any was an error.
tl::expected<DesiredStack, std::string> convert_stack(const ir::Stack& stack,
                                                      const ConvertOptions& options,
                                                      Diagnostics& diags);

}  // namespace stackc::swarm
