// libFuzzer target for both env-file dialects (see compiler/envfile.h): the same bytes as an
// --env-file (compose .env syntax) and as a service's env_file: (the reference's kvfile).
// Never a crash, hang or sanitizer report; every diagnostic printable.
#include <cstddef>
#include <cstdint>
#include <string>

#include "compiler/diag.h"
#include "compiler/envfile.h"
#include "compiler/interpolate.h"
#include "compiler/source.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  stackc::SourceFile file("fuzz.env", std::string(reinterpret_cast<const char*>(data), size));
  stackc::Diagnostics diags;
  stackc::MapEnv env;
  stackc::add_env_vars(env, stackc::parse_dotenv(file, diags));
  stackc::MapEnv lookup{{"HOME", "/root"}, {"PATH", "/bin"}};
  (void)stackc::read_kvfile(file, lookup, diags);
  for (const stackc::Diagnostic& diagnostic : diags.items()) {
    (void)stackc::format_diagnostic(diagnostic, stackc::Color::off);
  }
  return 0;
}
