// STK135 invalid-ipam-subnet: a network's IPAM subnet is not an address/prefix. See
// docs/rules/STK135-invalid-ipam-subnet.md.

#include <arpa/inet.h>

#include <charconv>
#include <string>
#include <string_view>

#include <fmt/format.h>

#include "compiler/lint/helpers.h"
#include "compiler/lint/rule.h"

namespace stackc::lint {
namespace {

// "10.0.0.0/24" or "fd00::/64": an address and a prefix length that fits it.
bool valid_subnet(const std::string& text) {
  const size_t slash = text.find('/');
  if (slash == std::string::npos || slash + 1 == text.size()) {
    return false;
  }
  const std::string address = text.substr(0, slash);
  const std::string_view bits = std::string_view(text).substr(slash + 1);
  unsigned length = 0;
  auto [end, ec] = std::from_chars(bits.data(), bits.data() + bits.size(), length);
  if (ec != std::errc() || end != bits.data() + bits.size()) {
    return false;
  }
  unsigned char buffer[16];
  if (inet_pton(AF_INET, address.c_str(), buffer) == 1) {
    return length <= 32;
  }
  if (inet_pton(AF_INET6, address.c_str(), buffer) == 1) {
    return length <= 128;
  }
  return false;
}

class InvalidIpamSubnet final : public BasicRule {
 public:
  InvalidIpamSubnet()
      : BasicRule("STK135", "invalid-ipam-subnet", Severity::error,
                  "A network's IPAM subnet is not an address/prefix") {}

  void check(const LintContext& context, Diagnostics& diags) const override {
    for (const auto& [key, network] : context.stack.networks) {
      if (network.external.external && *network.external.external) {
        continue;  // never created, so never checked by the engine
      }
      for (const ir::IpamPool& pool : network.ipam_config) {
        if (pool.subnet && !valid_subnet(*pool.subnet)) {
          report(diags, first_located({pool.subnet.loc, pool.loc}),
                 fmt::format("subnet '{}' of network '{}' is not an address/prefix such as "
                             "10.20.0.0/24: the engine refuses to create the network",
                             *pool.subnet, key));
        }
      }
    }
  }
};

}  // namespace

const Rule& invalid_ipam_subnet_rule() {
  static const InvalidIpamSubnet rule;
  return rule;
}

}  // namespace stackc::lint
