#include "cli/heap.h"

#include <gtest/gtest.h>
#include <sys/resource.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace stackc {
namespace {

#if !defined(__SANITIZE_ADDRESS__)
long minor_faults() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_minflt;
}

std::string thp_mode() {
  std::ifstream in("/sys/kernel/mm/transparent_hugepage/enabled");
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}
#endif

// Built twice: into the sanitized cli_tests, where the allocator is ASan's and the function
// must decline, and into the unsanitized heap_tests (cli/CMakeLists.txt), where it must work.
TEST(HugePageHeap, SmallBlocksAfterItFaultOncePerHugePage) {
#if defined(__SANITIZE_ADDRESS__)
  EXPECT_FALSE(use_huge_pages_for_heap());
#else
  if (thp_mode().find("[never]") != std::string::npos || thp_mode().empty()) {
    GTEST_SKIP() << "transparent huge pages are off on this kernel";
  }
  ASSERT_TRUE(use_huge_pages_for_heap());
  // 65536 blocks the size of tree nodes, 8 MiB with malloc's headers, each written: 2048
  // faults on 4 KiB pages.
  constexpr int k_blocks = 1 << 16;
  const long before = minor_faults();
  std::vector<char*> blocks;
  blocks.reserve(k_blocks);
  for (int i = 0; i < k_blocks; ++i) {
    blocks.push_back(static_cast<char*>(std::malloc(112)));
    blocks.back()[0] = 1;
  }
  const long faults = minor_faults() - before;
  for (char* block : blocks) {
    std::free(block);
  }
  // The vector (512 KiB) and the blocks below the first boundary fault too.
  EXPECT_LT(faults, 200) << "8 MiB of small blocks took " << faults << " page faults";
#endif
}

}  // namespace
}  // namespace stackc
