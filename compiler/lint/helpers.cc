#include "compiler/lint/helpers.h"

#include <algorithm>
#include <cctype>
#include <regex>

#include <fmt/format.h>

namespace stackc::lint {
namespace {

// distribution/reference's grammar (regexp.go), written out once.
const std::regex& path_component() {
  static const std::regex re("[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*");
  return re;
}
const std::regex& domain_re() {
  static const std::regex re(
      "(?:(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])"
      "(?:\\.(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]))*|\\[[a-fA-F0-9:]+\\])"
      "(?::[0-9]+)?");
  return re;
}
const std::regex& tag_re() {
  static const std::regex re("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}");
  return re;
}
const std::regex& digest_re() {
  static const std::regex re(
      "[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}");
  return re;
}

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

}  // namespace

tl::expected<ImageRef, std::string> parse_image_reference(std::string_view text) {
  if (text.empty()) {
    return tl::unexpected(std::string("the reference is empty"));
  }
  ImageRef ref;
  std::string rest(text);
  if (size_t at = rest.find('@'); at != std::string::npos) {
    ref.digest = rest.substr(at + 1);
    rest.resize(at);
    if (!std::regex_match(ref.digest, digest_re())) {
      return tl::unexpected(fmt::format("'{}' is not a valid digest", ref.digest));
    }
  }
  size_t slash = rest.rfind('/');
  size_t colon = rest.rfind(':');
  if (colon != std::string::npos && (slash == std::string::npos || colon > slash)) {
    ref.tag = rest.substr(colon + 1);
    rest.resize(colon);
    if (!std::regex_match(ref.tag, tag_re())) {
      return tl::unexpected(fmt::format("'{}' is not a valid tag", ref.tag));
    }
  }
  ref.name = rest;
  if (rest.empty()) {
    return tl::unexpected(std::string("the repository name is empty"));
  }
  if (rest.size() > 255) {
    return tl::unexpected(std::string("the repository name is longer than 255 characters"));
  }
  // The first component is a registry when it has a '.' or ':' or is "localhost".
  std::string_view path = rest;
  size_t first = rest.find('/');
  if (first != std::string::npos) {
    std::string head = rest.substr(0, first);
    if (head.find_first_of(".:") != std::string::npos || head == "localhost" ||
        head.find('[') != std::string::npos) {
      if (!std::regex_match(head, domain_re())) {
        return tl::unexpected(fmt::format("'{}' is not a valid registry host", head));
      }
      path = std::string_view(rest).substr(first + 1);
    }
  }
  size_t start = 0;
  while (true) {
    size_t end = path.find('/', start);
    std::string component(path.substr(start, end == std::string_view::npos ? end : end - start));
    if (!std::regex_match(component, path_component())) {
      if (lower(component) != component && std::regex_match(lower(component), path_component())) {
        return tl::unexpected(std::string("repository name must be lowercase"));
      }
      return tl::unexpected(
          fmt::format("'{}' is not a valid repository name component", component));
    }
    if (end == std::string_view::npos) {
      break;
    }
    start = end + 1;
  }
  return ref;
}

std::string service_mode(const ir::Service& service) {
  if (!service.deploy.mode || service.deploy.mode->empty()) {
    return "replicated";
  }
  return *service.deploy.mode;  // the reference matches modes exactly
}

bool is_secret_like_key(std::string_view key) {
  std::string upper(key);
  for (char& c : upper) {
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  // *_FILE variables hold a path to a secret, not the secret.
  if (upper.size() > 5 && upper.ends_with("_FILE")) {
    return false;
  }
  static constexpr std::string_view k_words[] = {
      "PASSWORD", "PASSWD",      "SECRET",     "TOKEN",      "API_KEY",
      "APIKEY",   "PRIVATE_KEY", "ACCESS_KEY", "CREDENTIAL", "AUTH_KEY"};
  return std::any_of(std::begin(k_words), std::end(k_words),
                     [&](std::string_view word) { return upper.find(word) != std::string::npos; });
}

SourceLoc first_located(std::initializer_list<SourceLoc> locs) {
  SourceLoc last;
  for (const SourceLoc& loc : locs) {
    if (loc.has_line()) {
      return loc;
    }
    last = loc;
  }
  return last;
}

std::optional<std::string> external_network_name(const ir::Stack& stack, const std::string& key) {
  auto it = stack.networks.find(key);
  if (it == stack.networks.end() || !it->second.external.external ||
      !*it->second.external.external) {
    return std::nullopt;
  }
  return it->second.name ? *it->second.name : key;
}

}  // namespace stackc::lint
