// Why: a stackc run is short and allocates most of what it will ever use at once (the embedded
// schema, the source-mapped tree), so the first touch of each fresh heap page is a large part of
// it. On virtual machines whose host hands out memory lazily (this project's own machines:
// 1000 fresh pages took 16 ms) one 4 KiB fault costs about 15 µs: the 190 heap pages of a
// small lint were ~3 ms of its ~11 ms, and the 6000 of a 1000-service lint ~90 ms. A 2 MiB
// transparent huge page costs one fault. glibc can do this itself (the glibc.malloc.hugetlb=1
// tunable), but only when set in the environment before the process starts.
//
// How: glibc's main arena grows the heap with brk, upwards and contiguously. We make it grow
// once by a generous pad, skip (by a never-touched, never-freed filler block) to the first
// 2 MiB boundary that no write has reached yet, and madvise(MADV_HUGEPAGE) the rest. A 2 MiB
// range that already holds one 4 KiB page stays on 4 KiB pages, hence the care about writes.
// Large blocks stay on that heap instead of separate mmaps, and free never trims it. Cost: peak
// RSS rounds up to whole huge pages, and the heap reserves the pad's address space.

#include "cli/heap.h"

#include <malloc.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>

namespace stackc {

bool use_huge_pages_for_heap() {
#if defined(__SANITIZE_ADDRESS__)
  return false;  // ASan has its own allocator: nothing here would reach it
#else
  constexpr uintptr_t k_huge = uintptr_t{2} << 20;
  constexpr int k_pad = 64 << 20;  // a 1000-service lint peaks at ~25 MiB
  if (mallopt(M_MMAP_THRESHOLD, k_pad) != 1 || mallopt(M_TRIM_THRESHOLD, 2 * k_pad) != 1 ||
      mallopt(M_TOP_PAD, k_pad) != 1) {
    return false;
  }
  // Larger than the current top chunk, so the heap grows by it plus the pad. glibc writes the
  // new top chunk's header at probe + k_huge: the 2 MiB range holding it is lost to 4 KiB pages.
  void* probe = std::malloc(k_huge);
  if (probe == nullptr) {
    return false;
  }
  const auto at = reinterpret_cast<uintptr_t>(probe);
  const uintptr_t begin = (at + k_huge + 2 * k_huge - 1) & ~(k_huge - 1);
  const uintptr_t end = reinterpret_cast<uintptr_t>(sbrk(0)) & ~(k_huge - 1);
  std::free(probe);
  if (at >= end || begin >= end) {
    return false;  // the heap is not one brk area (brk failed and glibc fell back to mmap)
  }
  // The filler takes the top chunk up to `begin` (its header is written just below); the next
  // allocation starts there. Never freed: merging it back would hand out memory below `begin`.
  if (std::malloc(begin - at - 64) == nullptr) {
    return false;
  }
  return madvise(reinterpret_cast<void*>(begin), end - begin, MADV_HUGEPAGE) == 0;
#endif
}

}  // namespace stackc
