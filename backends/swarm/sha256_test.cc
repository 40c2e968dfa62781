#include "backends/swarm/sha256.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

namespace stackc::swarm {
namespace {

TEST(Sha256, KnownVectors) {
  // FIPS 180-2 test vectors, and the docker context directory name of "lab" (from docker 28.2).
  EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  EXPECT_EQ(sha256_hex("lab"), "a51146d38077ff992eba84cf1d5e9b249073503eb74868699016153b031a38f7");
  EXPECT_EQ(sha256_hex(std::string(1000000, 'a')),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

// Every length around the one- and two-block padding boundaries (55/56, 63/64, 119/120), and
// bytes above 0x7f, against coreutils' sha256sum.
TEST(Sha256, MatchesSha256sumAcrossPaddingBoundaries) {
  std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("stackc-sha256-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  for (std::size_t length = 0; length <= 200; ++length) {
    std::string data;
    for (std::size_t i = 0; i < length; ++i) {
      data += static_cast<char>((i * 131 + length * 7) & 0xff);
    }
    std::filesystem::path file = dir / "data";
    std::ofstream(file, std::ios::binary) << data;
    std::string command = "sha256sum '" + file.string() + "'";
    FILE* pipe = popen(command.c_str(), "r");
    ASSERT_NE(pipe, nullptr);
    char digest[65] = {};
    ASSERT_EQ(std::fread(digest, 1, 64, pipe), 64u);
    pclose(pipe);
    EXPECT_EQ(sha256_hex(data), std::string(digest)) << "length " << length;
  }
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace stackc::swarm
