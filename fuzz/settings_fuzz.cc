// libFuzzer target for .stackc.yaml (lint's settings): any bytes must give settings or
// printable diagnostics, never a crash, hang or sanitizer report.
#include <cstddef>
#include <cstdint>
#include <string>

#include "compiler/diag.h"
#include "compiler/lint/lint.h"
#include "compiler/source.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  stackc::SourceFile file(".stackc.yaml", std::string(reinterpret_cast<const char*>(data), size));
  stackc::Diagnostics diags;
  auto settings = stackc::lint::load_settings(file, diags);
  for (const stackc::Diagnostic& diagnostic : diags.items()) {
    (void)stackc::format_diagnostic(diagnostic, stackc::Color::off);
  }
  if (settings.has_value() == diags.has_errors()) {
    __builtin_trap();  // settings exactly when nothing was wrong
  }
  return 0;
}
