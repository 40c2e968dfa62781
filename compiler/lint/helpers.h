#pragma once
// Small facts several rules share: image references, service modes, secret-like names.

#include <optional>
#include <string>
#include <string_view>

#include <tl/expected.hpp>

#include "compiler/ir.h"

namespace stackc::lint {

// An image reference split as distribution/reference (the reference's parser) splits it.
struct ImageRef {
  std::string name;    // "docker.io/library/nginx" is not expanded: "nginx" stays "nginx"
  std::string tag;     // "" when absent
  std::string digest;  // "sha256:..." or ""
};
// Parses `text` with the reference's grammar; the error says what is wrong.
tl::expected<ImageRef, std::string> parse_image_reference(std::string_view text);

// Non-empty, starts and ends with an ASCII letter or digit, and has only those or characters of
// `inner` in between: the shape of engine object names and of host name labels.
bool is_alnum_edged(std::string_view text, std::string_view inner);

// The pieces of distribution/reference's grammar, each a full match of its regexp.go pattern.
bool is_path_component(std::string_view text);
bool is_domain(std::string_view text);
bool is_tag(std::string_view text);
bool is_digest(std::string_view text);

// deploy.mode as written, "replicated" when unset or empty (the reference's default).
std::string service_mode(const ir::Service& service);

// True for environment keys that name credentials (PASSWORD, SECRET, TOKEN, API_KEY, ...).
bool is_secret_like_key(std::string_view key);

// The first of `locs` that has a line, or the last one.
// The engine name of the network a service attaches to as `key`, when the stack declares that
// network external (predefined networks such as host and ingress can only be used that way).
std::optional<std::string> external_network_name(const ir::Stack& stack, const std::string& key);

SourceLoc first_located(std::initializer_list<SourceLoc> locs);

}  // namespace stackc::lint
