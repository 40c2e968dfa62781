#include "cli/stackc.h"

int main(int argc, char** argv) { return stackc::stackc_main(argc, argv); }
