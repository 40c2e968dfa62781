#include "cli/heap.h"
#include "cli/stackc.h"

int main(int argc, char** argv) {
  stackc::use_huge_pages_for_heap();
  return stackc::stackc_main(argc, argv);
}
