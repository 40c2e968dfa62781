#pragma once

namespace stackc {

// Asks the kernel to back the heap with 2 MiB pages from here on (see heap.cc for why). Call it
// first thing in main; it only changes how memory is mapped, never what the program does.
// Returns false when it could not arrange that (sanitizer builds, an unexpected heap layout).
bool use_huge_pages_for_heap();

}  // namespace stackc
