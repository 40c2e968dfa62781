#pragma once
// Shared between the convert_*.cc files: the pieces of one conversion (docker CLI 28.2.2,
// cli/compose/convert) and the small value helpers they all use. Not part of the public API.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "backends/swarm/convert.h"
#include "compiler/diag.h"
#include "compiler/ir.h"

namespace stackc::swarm::detail {

// Key order follows the Engine API types, which makes the printed specs easy to compare with
// `docker service inspect`.
using Json = nlohmann::ordered_json;

// Conversion error codes (the front end uses STK001-049, lint STK100+).
inline constexpr const char* k_code_undefined = "STK060";  // undefined network/volume/secret/config
inline constexpr const char* k_code_invalid = "STK061";    // a value the converter rejects
inline constexpr const char* k_code_file = "STK062";       // a secret/config file cannot be read

// What every converter needs: the stack, its namespace, and where to report.
struct Context {
  const ir::Stack& stack;
  std::string ns;  // the stack name
  Diagnostics& diags;

  std::string scope(std::string_view name) const { return ns + "_" + std::string(name); }
};

// The client's image normalization before create/update (moby client imageWithTagString):
// a reference that parses and has no digest is familiarized and gets ":latest" when untagged
// ("nginx" -> "nginx:latest", "docker.io/library/redis:6" -> "redis:6"). Anything else (a
// digest, an unparsable reference) is sent unchanged.
std::string tagged_image(std::string_view image);

// Labels with com.docker.stack.namespace set (a user's own value is overwritten).
Json stack_labels(const Context& ctx, const ir::StrMap& labels);

// ContainerSpec.Mounts from the service's volumes (convert/volume.go).
Json convert_mounts(const Context& ctx, const ir::Service& service);

// The whole ServiceSpec (convert/service.go).
Json convert_service(const Context& ctx, const ir::Service& service);

// Where each field of convert_service's spec comes from (convert_origins.cc); it mirrors
// convert_service field by field, and a test checks every path it records exists in the spec.
Origins service_origins(const Context& ctx, const ir::Service& service);
// The same for a secret's or config's spec (its Labels); `kind` is "secret" or "config".
Origins file_object_origins(const ir::FileObject& object, std::string_view kind);

// `compose_path` set by the line at `loc` (a location without a line gives no file).
Origin origin_at(const SourceLoc& loc, std::string compose_path);

// Standard base64 with padding, as Go's encoding/json writes []byte.
std::string base64(std::string_view data);

}  // namespace stackc::swarm::detail
