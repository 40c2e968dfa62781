#pragma once
// The live side of a stack: what the swarm holds, read once before planning. Stack membership is
// only the com.docker.stack.namespace label (there is no stack object in Swarm), so the stack's
// services, networks, secrets and configs are the ones carrying `<label>=<stack>`. Preflight
// also needs what lies outside the stack: every network (external networks, ID -> name for
// service attachments) and the published ports of other services.
//
// Specs are kept as JSON text so that this header needs no JSON library.

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "backends/swarm/engine.h"

namespace stackc::swarm {

// The label stackc puts on the secrets and configs it creates: the sha256 of the raw content.
// Secret data cannot be read back, so this is the only way to tell whether a secret changed.
inline constexpr std::string_view k_content_hash_label = "io.stackc.content-sha256";

struct LiveObject {
  std::string id;
  std::string name;
  std::uint64_t version = 0;                  // Version.Index, sent back with updates
  std::map<std::string, std::string> labels;  // Spec.Labels
  std::string spec_json;                      // Spec; for configs with Data, for secrets without
  std::string content_sha256;                 // configs: of the decoded Data; else the label
  std::string update_state;                   // services: UpdateStatus.State ("paused", ...)
};

struct LiveNetwork {
  std::string id;
  std::string name;
  std::string scope;   // "swarm", "local"
  std::string driver;  // "overlay"
  bool internal = false;
  bool attachable = false;
  std::map<std::string, std::string> labels;
  std::map<std::string, std::string> options;
};

// A published port held by a service outside the stack.
struct ForeignPort {
  std::uint64_t published = 0;
  std::string protocol;  // tcp, udp, sctp
  std::string service;   // the holder's name
};

struct LiveStack {
  std::string stack;
  std::vector<LiveObject> services;   // the stack's, sorted by name
  std::vector<LiveObject> secrets;    // every secret (external ones are looked up here too)
  std::vector<LiveObject> configs;    // every config
  std::vector<LiveNetwork> networks;  // every network
  std::vector<ForeignPort> foreign_ports;
  std::string api_version;  // the engine's, as negotiated: what it keeps of a spec depends on it

  bool owns(const std::map<std::string, std::string>& labels) const;
  const LiveObject* service(std::string_view name) const;
  const LiveNetwork* network(std::string_view name_or_id) const;
};

// Lists services, networks, secrets and configs (4 calls plus none per object).
EngineResult<LiveStack> read_live_stack(Engine& engine, std::string_view stack);

// One object of a list or inspect answer (services, secrets, configs). Exposed for apply's
// re-inspect after an out-of-sequence update.
LiveObject live_object_from(const nlohmann::json& object);

// RFC 4648 base64 (Data in secret and config specs). False on invalid input.
bool base64_decode(std::string_view text, std::string& out);
std::string base64_encode(std::string_view data);

}  // namespace stackc::swarm
