#include "compiler/lint/helpers.h"

#include <algorithm>
#include <cctype>

#include <fmt/format.h>

namespace stackc::lint {
namespace {

// distribution/reference's grammar (regexp.go) written as plain scanners: compiling the
// equivalent std::regex objects cost a sixth of a small lint run. helpers_test.cc checks each
// against that regex.
bool lower_alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }
bool hex_digit(char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0; }
bool alpha(char c) { return std::isalpha(static_cast<unsigned char>(c)) != 0; }

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

}  // namespace

bool is_alnum_edged(std::string_view text, std::string_view inner) {
  auto alnum = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; };
  if (text.empty() || !alnum(text.front()) || !alnum(text.back())) {
    return false;
  }
  return std::all_of(text.begin(), text.end(),
                     [&](char c) { return alnum(c) || inner.find(c) != std::string_view::npos; });
}

// [a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*
bool is_path_component(std::string_view text) {
  size_t i = 0;
  auto run = [&] {
    size_t from = i;
    while (i < text.size() && lower_alnum(text[i])) {
      ++i;
    }
    return i > from;
  };
  if (!run()) {
    return false;
  }
  while (i < text.size()) {
    if (text[i] == '.') {
      ++i;
    } else if (text[i] == '_') {
      i += (i + 1 < text.size() && text[i + 1] == '_') ? 2 : 1;
    } else if (text[i] == '-') {
      while (i < text.size() && text[i] == '-') {
        ++i;
      }
    } else {
      return false;
    }
    if (!run()) {
      return false;
    }
  }
  return true;
}

// (?:label(?:\.label)*|\[[a-fA-F0-9:]+\])(?::[0-9]+)?  where a label is
// [a-zA-Z0-9] or [a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]
bool is_domain(std::string_view text) {
  std::string_view host = text;
  std::string_view port;
  bool has_port = false;
  if (!text.empty() && text[0] == '[') {
    size_t close = text.find(']');
    if (close == std::string_view::npos || close == 1) {
      return false;
    }
    for (char c : text.substr(1, close - 1)) {
      if (!hex_digit(c) && c != ':') {
        return false;
      }
    }
    std::string_view after = text.substr(close + 1);
    if (!after.empty()) {
      if (after[0] != ':') {
        return false;
      }
      has_port = true;
      port = after.substr(1);
    }
  } else {
    if (size_t colon = text.find(':'); colon != std::string_view::npos) {
      host = text.substr(0, colon);
      port = text.substr(colon + 1);
      has_port = true;
    }
    size_t start = 0;
    while (true) {
      size_t dot = host.find('.', start);
      std::string_view label =
          host.substr(start, dot == std::string_view::npos ? dot : dot - start);
      if (!is_alnum_edged(label, "-")) {
        return false;
      }
      if (dot == std::string_view::npos) {
        break;
      }
      start = dot + 1;
    }
  }
  if (has_port) {
    if (port.empty()) {
      return false;
    }
    for (char c : port) {
      if (c < '0' || c > '9') {
        return false;
      }
    }
  }
  return true;
}

// [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}
bool is_tag(std::string_view text) {
  if (text.empty() || text.size() > 128 || text[0] == '.' || text[0] == '-') {
    return false;
  }
  return std::all_of(text.begin(), text.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '-';
  });
}

// [A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}
bool is_digest(std::string_view text) {
  size_t colon = text.find(':');
  if (colon == std::string_view::npos) {
    return false;
  }
  std::string_view algorithm = text.substr(0, colon);
  std::string_view hex = text.substr(colon + 1);
  if (hex.size() < 32 || !std::all_of(hex.begin(), hex.end(), hex_digit)) {
    return false;
  }
  bool component_start = true;
  for (char c : algorithm) {
    if (component_start) {
      if (!alpha(c)) {
        return false;
      }
      component_start = false;
    } else if (c == '-' || c == '_' || c == '+' || c == '.') {
      component_start = true;
    } else if (!std::isalnum(static_cast<unsigned char>(c))) {
      return false;
    }
  }
  return !component_start;  // not empty, not ending in a separator
}

tl::expected<ImageRef, std::string> parse_image_reference(std::string_view text) {
  if (text.empty()) {
    return tl::unexpected(std::string("the reference is empty"));
  }
  ImageRef ref;
  std::string rest(text);
  if (size_t at = rest.find('@'); at != std::string::npos) {
    ref.digest = rest.substr(at + 1);
    rest.resize(at);
    if (!is_digest(ref.digest)) {
      return tl::unexpected(fmt::format("'{}' is not a valid digest", ref.digest));
    }
  }
  size_t slash = rest.rfind('/');
  size_t colon = rest.rfind(':');
  if (colon != std::string::npos && (slash == std::string::npos || colon > slash)) {
    ref.tag = rest.substr(colon + 1);
    rest.resize(colon);
    if (!is_tag(ref.tag)) {
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
      if (!is_domain(head)) {
        return tl::unexpected(fmt::format("'{}' is not a valid registry host", head));
      }
      path = std::string_view(rest).substr(first + 1);
    }
  }
  size_t start = 0;
  while (true) {
    size_t end = path.find('/', start);
    std::string component(path.substr(start, end == std::string_view::npos ? end : end - start));
    if (!is_path_component(component)) {
      if (lower(component) != component && is_path_component(lower(component))) {
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
