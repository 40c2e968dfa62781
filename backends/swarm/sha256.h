#pragma once
// SHA-256 from OpenSSL's libcrypto (EVP), which is always present next to libcurl's OpenSSL
// flavour on Debian. Used for docker context directory names and, later, content hashes.

#include <string>
#include <string_view>

namespace stackc::swarm {

// Lower-case hex digest (64 characters).
std::string sha256_hex(std::string_view data);

}  // namespace stackc::swarm
