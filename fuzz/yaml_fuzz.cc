// libFuzzer entry point for parse_yaml: any bytes must give a tree or diagnostics, never a
// crash, hang, leak or sanitizer report. Build with clang and -DSTACKC_FUZZ=ON, then
//   build/fuzz/yaml_fuzz -max_len=4096 -timeout=2 corpus/
// Small limits keep each input fast, so the fuzzer explores structure instead of size.
#include <cstddef>
#include <cstdint>
#include <string>

#include "compiler/diag.h"
#include "compiler/source.h"
#include "compiler/yaml.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  stackc::SourceFile file("fuzz.yml", std::string(reinterpret_cast<const char*>(data), size));
  stackc::Diagnostics diags;
  stackc::YamlLimits limits;
  limits.max_nodes = 20'000;
  limits.max_alias_nodes = 5'000;
  std::optional<stackc::SNode> root = stackc::parse_yaml(file, diags, limits);
  // Every diagnostic must be printable (locations inside the file, snippets well-formed).
  for (const stackc::Diagnostic& diagnostic : diags.items()) {
    (void)stackc::format_diagnostic(diagnostic, stackc::Color::off);
  }
  if (root && diags.has_errors()) {
    __builtin_trap();  // a tree is only returned for a clean file
  }
  return 0;
}
