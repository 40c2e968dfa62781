#pragma once
// Short-syntax port specs and extra_hosts entries, as the reference's compose loader
// (docker CLI 28.2.2: go-connections nat.ParsePortSpec + opts.ConvertPortToPortConfig, and the
// HostsList transform) turns them into what `docker stack config` prints.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <tl/expected.hpp>

namespace stackc {

struct PortConfig {
  std::string mode;        // always "ingress" for the short syntax
  uint32_t target = 0;     // 0 prints as absent (port "0" is accepted)
  uint32_t published = 0;  // 0 = not published
  std::string protocol;    // "tcp" | "udp" | "sctp", lower-cased
  bool operator==(const PortConfig&) const = default;
};

struct PortSpec {
  // In the reference's order: sorted by the string "<target>/<proto>", so "8-10" gives
  // 10, 8, 9. A published range with a single target ("8080-8081:80") gives one entry per
  // published port.
  std::vector<PortConfig> ports;
  // One per target port whose spec names a host IP that is not 0.0.0.0/::, e.g.
  // "ignoring IP-address (127.0.0.1:80:80/tcp) service will listen on '0.0.0.0'".
  std::vector<std::string> warnings;
};

// `[ip:][published[-range]:]target[-range][/proto]`, or a bare number. IPv6 addresses may be
// bracketed ("[::1]:80:80") or not ("::1:80:80"). Errors are nat's texts ("invalid containerPort:
// x", "invalid hostPort: 1.2.3.4", "invalid proto: xyz", "no port specified: 80:<empty>", "invalid
// IP address: abc", "invalid ranges specified for container and host Ports: 8-10 and 8-9"); the
// reference's schema check reports all of them as "Does not match format 'ports'".
tl::expected<PortSpec, std::string> parse_port_spec(std::string_view spec);

// One extra_hosts list entry in the loader's normal form "host:ip": split at the first "=", else at
// the first ":"; brackets around the IP are removed ("h=[::1]" -> "h:::1"). An entry with neither
// separator is dropped by the reference (nullopt).
std::optional<std::string> normalize_extra_host(std::string_view entry);

// The map form of extra_hosts ({host: ip}): entries with a null ip are dropped, the rest become
// "host:ip" sorted as strings (before bracket removal, as the reference does), brackets removed.
// Pass each ip as the reference formats it: a YAML number or bool comes out of its fmt "%s" as
// "%!s(int=5)" / "%!s(float64=1.5)" / "%!s(bool=true)" (checked: `n: 5` printed "n:%!s(int=5)").
std::vector<std::string> normalize_extra_hosts_map(
    const std::vector<std::pair<std::string, std::optional<std::string>>>& entries);

// The converter's swarm notation for a normalized "host:ip" entry: "ip host" (nullopt when there
// is no ':', which normalized entries always have).
std::optional<std::string> extra_host_to_swarm(std::string_view normalized);

}  // namespace stackc
