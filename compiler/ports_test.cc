#include "compiler/ports.h"

#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace stackc {
namespace {

// Rows checked against docker 28.2.2. Accepted specs: written as `ports: ["<input>"]` in a stack
// file; the entries (mode, target, published, protocol; 0 = absent) and the warnings are what
// `docker stack config -c f.yml` printed, in its order. Rejected specs: `docker stack config`
// only says "services.s.ports.0 Does not match format 'ports'"; the texts are what
// `docker create -p <input>` (the same nat.ParsePortSpec) printed before contacting any daemon.
TEST(Ports, ShortSyntaxLikeTheReference) {
  struct Row {
    const char* input;
    std::vector<PortConfig> ports;
    std::vector<std::string> warnings;
    const char* error;
  };
  const std::vector<Row> rows = {
      {"80", {{"ingress", 80, 0, "tcp"}}, {}, ""},
      {"8080:80", {{"ingress", 80, 8080, "tcp"}}, {}, ""},
      {"127.0.0.1:9000-9001:9000-9001/udp",
       {{"ingress", 9000, 9000, "udp"}, {"ingress", 9001, 9001, "udp"}},
       {"ignoring IP-address (127.0.0.1:9000:9000/udp) service will listen on '0.0.0.0'",
        "ignoring IP-address (127.0.0.1:9001:9001/udp) service will listen on '0.0.0.0'"},
       ""},
      {"8-10",
       {{"ingress", 10, 0, "tcp"}, {"ingress", 8, 0, "tcp"}, {"ingress", 9, 0, "tcp"}},
       {},
       ""},
      {"8080-8081:80", {{"ingress", 80, 8080, "tcp"}, {"ingress", 80, 8081, "tcp"}}, {}, ""},
      {"[::1]:80:80",
       {{"ingress", 80, 80, "tcp"}},
       {"ignoring IP-address ([::1]:80:80/tcp) service will listen on '0.0.0.0'"},
       ""},
      {"0.0.0.0:80:80", {{"ingress", 80, 80, "tcp"}}, {}, ""},
      {"1.2.3.4:80:80/TCP",
       {{"ingress", 80, 80, "tcp"}},
       {"ignoring IP-address (1.2.3.4:80:80/tcp) service will listen on '0.0.0.0'"},
       ""},
      {"80/sctp", {{"ingress", 80, 0, "sctp"}}, {}, ""},
      {"1-2-3", {{"ingress", 1, 0, "tcp"}, {"ingress", 2, 0, "tcp"}}, {}, ""},
      {"0", {{"ingress", 0, 0, "tcp"}}, {}, ""},
      {"::1:80:80",
       {{"ingress", 80, 80, "tcp"}},
       {"ignoring IP-address ([::1]:80:80/tcp) service will listen on '0.0.0.0'"},
       ""},
      {":80", {{"ingress", 80, 0, "tcp"}}, {}, ""},
      {"80/", {{"ingress", 80, 0, "tcp"}}, {}, ""},
      {"1.2.3.4::80",
       {{"ingress", 80, 0, "tcp"}},
       {"ignoring IP-address (1.2.3.4::80/tcp) service will listen on '0.0.0.0'"},
       ""},
      {"8080:80/udp", {{"ingress", 80, 8080, "udp"}}, {}, ""},
      {"98-101:98-101",
       {{"ingress", 100, 100, "tcp"},
        {"ingress", 101, 101, "tcp"},
        {"ingress", 98, 98, "tcp"},
        {"ingress", 99, 99, "tcp"}},
       {},
       ""},
      {"[::]:80:80", {{"ingress", 80, 80, "tcp"}}, {}, ""},
      {"01:080", {{"ingress", 80, 1, "tcp"}}, {}, ""},
      {"[1.2.3.4]:80:80",
       {{"ingress", 80, 80, "tcp"}},
       {"ignoring IP-address (1.2.3.4:80:80/tcp) service will listen on '0.0.0.0'"},
       ""},
      {"80/tcp/udp", {{"ingress", 80, 0, "tcp"}}, {}, ""},
      {"80/UDP", {{"ingress", 80, 0, "udp"}}, {}, ""},
      {"0-0", {{"ingress", 0, 0, "tcp"}}, {}, ""},
      {"65535", {{"ingress", 65535, 0, "tcp"}}, {}, ""},
      {"1.2.3.4:0:80",
       {{"ingress", 80, 0, "tcp"}},
       {"ignoring IP-address (1.2.3.4:0:80/tcp) service will listen on '0.0.0.0'"},
       ""},
      {"7:8", {{"ingress", 8, 7, "tcp"}}, {}, ""},
      {"100-102:200-202",
       {{"ingress", 200, 100, "tcp"}, {"ingress", 201, 101, "tcp"}, {"ingress", 202, 102, "tcp"}},
       {},
       ""},
      {"0.0.0.0:8-9:8-9", {{"ingress", 8, 8, "tcp"}, {"ingress", 9, 9, "tcp"}}, {}, ""},
      {"8-10:80",
       {{"ingress", 80, 8, "tcp"}, {"ingress", 80, 9, "tcp"}, {"ingress", 80, 10, "tcp"}},
       {},
       ""},
      {"[]:80:80", {{"ingress", 80, 80, "tcp"}}, {}, ""},
      {"1.2.3.4:8080-8081:80",
       {{"ingress", 80, 8080, "tcp"}, {"ingress", 80, 8081, "tcp"}},
       {"ignoring IP-address (1.2.3.4:8080-8081:80/tcp) service will listen on '0.0.0.0'"},
       ""},
      {"::ffff:0.0.0.0:80:80", {{"ingress", 80, 80, "tcp"}}, {}, ""},
      {"::ffff:1.2.3.4:80:80",
       {{"ingress", 80, 80, "tcp"}},
       {"ignoring IP-address ([::ffff:1.2.3.4]:80:80/tcp) service will listen on '0.0.0.0'"},
       ""},
      {"9-10:9-10", {{"ingress", 10, 10, "tcp"}, {"ingress", 9, 9, "tcp"}}, {}, ""},
      {"[fe80::1]:53:53/udp",
       {{"ingress", 53, 53, "udp"}},
       {"ignoring IP-address ([fe80::1]:53:53/udp) service will listen on '0.0.0.0'"},
       ""},
      {"8-9:8-10", {}, {}, "invalid ranges specified for container and host Ports: 8-10 and 8-9"},
      {"80/xyz", {}, {}, "invalid proto: xyz"},
      {"x", {}, {}, "invalid containerPort: x"},
      {"1.2.3.4:80", {}, {}, "invalid hostPort: 1.2.3.4"},
      {"", {}, {}, "no port specified: <empty>"},
      {"80:8-10", {}, {}, "invalid ranges specified for container and host Ports: 8-10 and 80"},
      {"abc:80:80", {}, {}, "invalid IP address: abc"},
      {"80:", {}, {}, "no port specified: 80:<empty>"},
      {"/udp", {}, {}, "no port specified: /udp<empty>"},
      {" 80", {}, {}, "invalid containerPort:  80"},
      {"[fe80::1%eth0]:80:80", {}, {}, "invalid IP address: fe80::1%eth0"},
      {"10-8", {}, {}, "invalid containerPort: 10-8"},
      {"65536", {}, {}, "invalid containerPort: 65536"},
      {"-1", {}, {}, "invalid containerPort: -1"},
      {"80-", {}, {}, "invalid containerPort: 80-"},
      {"-80", {}, {}, "invalid containerPort: -80"},
      {"1.2.3.4:80:", {}, {}, "no port specified: 1.2.3.4:80:<empty>"},
      {"a:b:c:80", {}, {}, "invalid IP address: a:b"},
      {"[::1:80:80", {}, {}, "invalid IP address [::1: address [::1:: missing ']' in address"},
      {"[x]y:80:80", {}, {}, "invalid IP address [x]y: address [x]y:: missing port in address"},
      {"1.2.3.4.5:80:80", {}, {}, "invalid IP address: 1.2.3.4.5"},
      {"80:80:80:80", {}, {}, "invalid IP address: 80:80"},
      {"abc:80:", {}, {}, "invalid IP address: abc"},
      {"[::1]:x:80", {}, {}, "invalid hostPort: x"},
      {"1.2.3.4:80:80/xyz", {}, {}, "invalid proto: xyz"},
      {"80-81:90/xyz", {}, {}, "invalid proto: xyz"},
      {"x:80/xyz", {}, {}, "invalid hostPort: x"},
      {"01.2.3.4:80:80", {}, {}, "invalid IP address: 01.2.3.4"},
      {"[a]:b:80:80",
       {},
       {},
       "invalid IP address [a]:b: address [a]:b:: too many colons in address"},
      {"[[::1]]:80:80",
       {},
       {},
       "invalid IP address [[::1]]: address [[::1]]:: missing port in address"},
      {"[::1]]:80:80",
       {},
       {},
       "invalid IP address [::1]]: address [::1]]:: missing port in address"},
      {"+80", {}, {}, "invalid containerPort: +80"},
      {"80:+80", {}, {}, "invalid containerPort: +80"},
      {"1-", {}, {}, "invalid containerPort: 1-"},
      {"65535-65536", {}, {}, "invalid containerPort: 65535-65536"},
  };
  for (const Row& row : rows) {
    auto parsed = parse_port_spec(row.input);
    if (row.error[0] == '\0') {
      ASSERT_TRUE(parsed) << row.input << ": " << parsed.error();
      EXPECT_EQ(parsed->ports, row.ports) << row.input;
      EXPECT_EQ(parsed->warnings, row.warnings) << row.input;
    } else {
      ASSERT_FALSE(parsed) << row.input;
      EXPECT_EQ(parsed.error(), row.error) << row.input;
    }
  }
}

// Rows checked against docker 28.2.2: `extra_hosts: ["<input>"]`, and what `docker stack config`
// printed (nullopt: the entry disappeared from its output).
TEST(Ports, ExtraHostListEntriesLikeTheReference) {
  struct Row {
    const char* input;
    std::optional<std::string> normalized;
  };
  const std::vector<Row> rows = {
      {"h1:1.2.3.4", "h1:1.2.3.4"},
      {"h2=::1", "h2:::1"},
      {"h3:[::1]", "h3:::1"},
      {"h4=[::1]", "h4:::1"},
      {"h5", std::nullopt},
      {"h6:", "h6:"},
      {"h7=a:b", "h7:a:b"},
      {"h8:a=b", "h8:a:b"},
      {"[::1]:h9", "[::1]:h9"},
      {"h:[]", "h:[]"},
      {"h:[x]", "h:x"},
      {"=x", ":x"},
      {"", std::nullopt},
      {"h:[::1", "h:[::1"},
      {"h:[1]", "h:1"},
      {"h=[[::1]]", "h:[::1]"},
      {"h:ip:[::1]", "h:ip:[::1]"},
      {"h:[::1]:x", "h:[::1]:x"},
      {":", ":"},
      {"=", ":"},
      {"h= 1.2.3.4", "h: 1.2.3.4"},
  };
  for (const Row& row : rows) {
    EXPECT_EQ(normalize_extra_host(row.input), row.normalized) << row.input;
  }
}

// Checked against docker 28.2.2 with the map
//   {b: "[::1]", a: 1.2.3.4, c: null, "a:b": "[::2]", z: x, "b:": "[9]"}
// which `docker stack config` printed as below: sorted before the brackets are removed.
TEST(Ports, ExtraHostMapLikeTheReference) {
  const std::vector<std::pair<std::string, std::optional<std::string>>> entries = {
      {"b", "[::1]"},   {"a", "1.2.3.4"}, {"c", std::nullopt},
      {"a:b", "[::2]"}, {"z", "x"},       {"b:", "[9]"},
  };
  EXPECT_EQ(normalize_extra_hosts_map(entries),
            (std::vector<std::string>{"a:1.2.3.4", "a:b:[::2]", "b::[9]", "b:::1", "z:x"}));
}

TEST(Ports, ExtraHostSwarmNotation) {
  EXPECT_EQ(extra_host_to_swarm("h1:1.2.3.4"), "1.2.3.4 h1");
  EXPECT_EQ(extra_host_to_swarm("h2:::1"), "::1 h2");
  EXPECT_EQ(extra_host_to_swarm("h6:"), " h6");
  EXPECT_EQ(extra_host_to_swarm("nocolon"), std::nullopt);
}

}  // namespace
}  // namespace stackc

namespace stackc {
namespace {

// Arbitrary input never crashes (this runs under ASan/UBSan); accepted specs stay in range.
TEST(Ports, ArbitraryInputIsHandled) {
  std::mt19937_64 rng(11);
  const std::string_view alphabet = "0123456789:-/[]tcpudsa.f%x ";
  for (int i = 0; i < 20000; ++i) {
    std::string text;
    for (size_t n = rng() % 16; n > 0; --n) {
      text += alphabet[rng() % alphabet.size()];
    }
    auto parsed = parse_port_spec(text);
    if (!parsed) {
      EXPECT_FALSE(parsed.error().empty()) << text;
      continue;
    }
    EXPECT_FALSE(parsed->ports.empty()) << text;
    for (const PortConfig& port : parsed->ports) {
      EXPECT_EQ(port.mode, "ingress");
      EXPECT_TRUE(port.protocol == "tcp" || port.protocol == "udp" || port.protocol == "sctp");
      EXPECT_LE(port.target, 65535u);
      EXPECT_LE(port.published, 65535u);
    }
  }
}

}  // namespace
}  // namespace stackc
