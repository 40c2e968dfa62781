#pragma once
// SHA-256 (FIPS 180-4), our own small implementation: linking libcrypto for one digest cost
// every stackc process (lint included) the load of a 4 MB shared library at start-up. Used for
// docker context directory names and secret/config content hashes; speed is not critical.

#include <string>
#include <string_view>

namespace stackc::swarm {

// Lower-case hex digest (64 characters).
std::string sha256_hex(std::string_view data);

}  // namespace stackc::swarm
