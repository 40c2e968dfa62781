#include "compiler/ports.h"

#include <arpa/inet.h>

#include <algorithm>
#include <array>
#include <cstring>

namespace stackc {
namespace {

// strconv.ParseUint(s, 10, 16): plain decimal digits (no sign, no underscores), at most 65535.
std::optional<uint64_t> parse_uint16(std::string_view s) {
  if (s.empty()) {
    return std::nullopt;
  }
  uint64_t value = 0;
  for (char c : s) {
    if (c < '0' || c > '9') {
      return std::nullopt;
    }
    value = value * 10 + static_cast<uint64_t>(c - '0');
    if (value > 65535) {
      return std::nullopt;
    }
  }
  return value;
}

struct PortRange {
  uint64_t start = 0;
  uint64_t end = 0;
};

// nat.ParsePortRange: "80" or "80-90"; only the first two '-' fields count ("1-2-3" is 1-2).
std::optional<PortRange> parse_port_range(std::string_view s) {
  if (s.empty()) {
    return std::nullopt;
  }
  size_t dash = s.find('-');
  if (dash == std::string_view::npos) {
    auto port = parse_uint16(s);
    if (!port) {
      return std::nullopt;
    }
    return PortRange{*port, *port};
  }
  std::string_view second = s.substr(dash + 1);
  second = second.substr(0, second.find('-'));
  auto start = parse_uint16(s.substr(0, dash));
  auto end = parse_uint16(second);
  if (!start || !end || *end < *start) {
    return std::nullopt;
  }
  return PortRange{*start, *end};
}

// Go's net.ParseIP: dotted IPv4 (no leading zeros) or IPv6 without a zone. glibc's inet_pton
// accepts the same forms.
struct ParsedIp {
  bool ok = false;
  bool unspecified = false;
};

ParsedIp parse_ip(const std::string& ip) {
  std::array<unsigned char, 16> bytes{};
  if (ip.find(':') == std::string::npos) {
    if (inet_pton(AF_INET, ip.c_str(), bytes.data()) != 1) {
      return {};
    }
    return {true, bytes[0] == 0 && bytes[1] == 0 && bytes[2] == 0 && bytes[3] == 0};
  }
  if (inet_pton(AF_INET6, ip.c_str(), bytes.data()) != 1) {
    return {};
  }
  bool all_zero = std::all_of(bytes.begin(), bytes.end(), [](unsigned char b) { return b == 0; });
  // Go compares against both :: and the 16-byte form of 0.0.0.0 (::ffff:0.0.0.0).
  bool v4_zero =
      std::all_of(bytes.begin(), bytes.begin() + 10, [](unsigned char b) { return b == 0; }) &&
      bytes[10] == 0xFF && bytes[11] == 0xFF && bytes[12] == 0 && bytes[13] == 0 &&
      bytes[14] == 0 && bytes[15] == 0;
  return {true, all_zero || v4_zero};
}

// net.SplitHostPort(ip + ":") as nat uses it to strip the brackets of "[::1]"; the error text is
// Go's AddrError ("address [::1:: missing ']' in address").
tl::expected<std::string, std::string> strip_brackets(const std::string& ip) {
  const std::string hostport = ip + ":";
  auto fail = [&](const char* why) { return tl::unexpected("address " + hostport + ": " + why); };
  size_t last_colon = hostport.rfind(':');
  size_t end = hostport.find(']');
  if (end == std::string::npos) {
    return fail("missing ']' in address");
  }
  if (end + 1 == hostport.size()) {
    return fail("missing port in address");
  }
  if (end + 1 != last_colon) {
    return fail(hostport[end + 1] == ':' ? "too many colons in address"
                                         : "missing port in address");
  }
  if (hostport.find('[', 1) != std::string::npos) {
    return fail("unexpected '[' in address");
  }
  if (hostport.find(']', end + 1) != std::string::npos) {
    return fail("unexpected ']' in address");
  }
  return hostport.substr(1, end - 1);
}

std::string join_host_port(const std::string& host, const std::string& port) {
  if (host.find(':') != std::string::npos) {
    return "[" + host + "]:" + port;
  }
  return host + ":" + port;
}

}  // namespace

tl::expected<PortSpec, std::string> parse_port_spec(std::string_view spec) {
  // nat.splitParts: the last ':' field is the container port, the one before it the host port,
  // everything before that the IP (so an unbracketed IPv6 address keeps its colons).
  std::vector<std::string_view> parts;
  for (size_t start = 0;;) {
    size_t colon = spec.find(':', start);
    parts.push_back(spec.substr(start, colon - start));
    if (colon == std::string_view::npos) {
      break;
    }
    start = colon + 1;
  }
  std::string ip;
  std::string host_port;
  std::string container_port(parts.back());
  if (parts.size() >= 2) {
    host_port = std::string(parts[parts.size() - 2]);
  }
  if (parts.size() >= 3) {
    size_t ip_end = 0;
    for (size_t k = 0; k + 2 < parts.size(); ++k) {
      ip_end += parts[k].size() + (k > 0 ? 1 : 0);
    }
    ip = std::string(spec.substr(0, ip_end));
  }

  // nat.SplitProtoPort
  std::string proto;
  {
    size_t slash = container_port.find('/');
    std::string first = container_port.substr(0, slash);
    if (container_port.empty() || first.empty()) {
      proto.clear();
      container_port.clear();
    } else if (slash == std::string::npos) {
      proto = "tcp";
    } else {
      std::string second = container_port.substr(slash + 1);
      second = second.substr(0, second.find('/'));
      proto = second.empty() ? "tcp" : second;
      container_port = first;
    }
  }

  if (!ip.empty() && ip[0] == '[') {
    auto stripped = strip_brackets(ip);
    if (!stripped) {
      return tl::unexpected("invalid IP address " + ip + ": " + stripped.error());
    }
    ip = *stripped;
  }
  ParsedIp parsed_ip;
  if (!ip.empty()) {
    parsed_ip = parse_ip(ip);
    if (!parsed_ip.ok) {
      return tl::unexpected("invalid IP address: " + ip);
    }
  }
  if (container_port.empty()) {
    return tl::unexpected("no port specified: " + std::string(spec) + "<empty>");
  }
  auto container = parse_port_range(container_port);
  if (!container) {
    return tl::unexpected("invalid containerPort: " + container_port);
  }
  PortRange host;
  if (!host_port.empty()) {
    auto parsed = parse_port_range(host_port);
    if (!parsed) {
      return tl::unexpected("invalid hostPort: " + host_port);
    }
    host = *parsed;
    // A host range with a single container port is allowed: it publishes every host port.
    if (container->end - container->start != host.end - host.start &&
        container->end != container->start) {
      return tl::unexpected("invalid ranges specified for container and host Ports: " +
                            container_port + " and " + host_port);
    }
  }
  for (char& c : proto) {
    c = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  }
  if (proto != "tcp" && proto != "udp" && proto != "sctp") {
    return tl::unexpected("invalid proto: " + proto);
  }

  struct Mapping {
    std::string key;  // "<port>/<proto>", the reference's sort key
    uint64_t target;
    std::string binding_host_port;
  };
  std::vector<Mapping> mappings;
  uint64_t count = container->end - container->start + 1;
  for (uint64_t i = 0; i < count; ++i) {
    Mapping m;
    m.target = container->start + i;
    m.key = std::to_string(m.target) + "/" + proto;
    if (!host_port.empty()) {
      m.binding_host_port = std::to_string(host.start + i);
      if (count == 1 && host.start != host.end) {
        m.binding_host_port += "-" + std::to_string(host.end);
      }
    }
    mappings.push_back(std::move(m));
  }
  std::sort(mappings.begin(), mappings.end(),
            [](const Mapping& a, const Mapping& b) { return a.key < b.key; });

  PortSpec result;
  for (const Mapping& m : mappings) {
    if (parsed_ip.ok && !parsed_ip.unspecified) {
      result.warnings.push_back("ignoring IP-address (" + join_host_port(ip, m.binding_host_port) +
                                ":" + m.key + ") service will listen on '0.0.0.0'");
    }
    PortRange published;
    if (!m.binding_host_port.empty()) {
      published = *parse_port_range(m.binding_host_port);
    }
    for (uint64_t p = published.start; p <= published.end; ++p) {
      result.ports.push_back(
          PortConfig{"ingress", static_cast<uint32_t>(m.target), static_cast<uint32_t>(p), proto});
    }
  }
  return result;
}

namespace {

std::string strip_ip_brackets(std::string_view host_ip) {
  size_t colon = host_ip.find(':');
  std::string_view host = host_ip.substr(0, colon);
  std::string_view ip = colon == std::string_view::npos ? "" : host_ip.substr(colon + 1);
  if (ip.size() > 2 && ip.front() == '[' && ip.back() == ']') {
    ip = ip.substr(1, ip.size() - 2);
  }
  return std::string(host) + ":" + std::string(ip);
}

}  // namespace

std::optional<std::string> normalize_extra_host(std::string_view entry) {
  for (char sep : {'=', ':'}) {
    size_t at = entry.find(sep);
    if (at != std::string_view::npos) {
      return strip_ip_brackets(std::string(entry.substr(0, at)) + ":" +
                               std::string(entry.substr(at + 1)));
    }
  }
  return std::nullopt;
}

std::vector<std::string> normalize_extra_hosts_map(
    const std::vector<std::pair<std::string, std::optional<std::string>>>& entries) {
  std::vector<std::string> joined;
  for (const auto& [host, ip] : entries) {
    if (ip) {
      joined.push_back(host + ":" + *ip);
    }
  }
  std::sort(joined.begin(), joined.end());
  for (std::string& entry : joined) {
    entry = strip_ip_brackets(entry);
  }
  return joined;
}

std::optional<std::string> extra_host_to_swarm(std::string_view normalized) {
  size_t colon = normalized.find(':');
  if (colon == std::string_view::npos) {
    return std::nullopt;
  }
  return std::string(normalized.substr(colon + 1)) + " " + std::string(normalized.substr(0, colon));
}

}  // namespace stackc
