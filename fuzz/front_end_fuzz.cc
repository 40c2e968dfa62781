// libFuzzer target for the whole front end: one to three stack files and an --env-file, through
// parse, interpolation, schema, typing, merge, lint, convert and the config printer. The input
// is split at form feeds: with no form feed it is one stack file; otherwise the last part is the
// env file and the others (up to three) the stack files, in -c order. They are written to a
// private folder so that relative env_file:, secret and config paths resolve beside them as
// they would for a user. Any input must give diagnostics or a result, never a crash, hang,
// leak or sanitizer report, and every diagnostic must be printable.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "backends/swarm/convert.h"
#include "compiler/config_yaml.h"
#include "compiler/diag.h"
#include "compiler/envfile.h"
#include "compiler/interpolate.h"
#include "compiler/lint/lint.h"
#include "compiler/load.h"
#include "compiler/source.h"
#include "fuzz/split.h"
#include "schema/schema.h"

namespace {

const std::filesystem::path& work_dir() {
  static const std::filesystem::path dir = [] {
    const char* tmp = std::getenv("TMPDIR");
    std::filesystem::path path =
        std::filesystem::path(tmp ? tmp : "/tmp") / ("stackc-fuzz-" + std::to_string(getpid()));
    std::filesystem::create_directories(path);
    return path;
  }();
  return dir;
}

void write(const std::filesystem::path& path, const std::string& text) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
}

void check_printable(const stackc::Diagnostics& diags) {
  for (const stackc::Diagnostic& diagnostic : diags.items()) {
    (void)stackc::format_diagnostic(diagnostic, stackc::Color::off);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::vector<std::string> parts = stackc::fuzz::split_parts(data, size, 4);
  std::string env_text;
  if (parts.size() > 1) {
    env_text = std::move(parts.back());
    parts.pop_back();
  }
  std::vector<std::string> files;
  for (size_t i = 0; i < parts.size(); ++i) {
    std::filesystem::path path = work_dir() / ("stack" + std::to_string(i) + ".yml");
    write(path, parts[i]);
    files.push_back(path.string());
  }

  stackc::SourceManager sources;
  stackc::Diagnostics diags;
  stackc::MapEnv from_file;
  stackc::add_env_vars(from_file, stackc::parse_dotenv(*sources.add("fuzz.env", env_text), diags));
  // A fixed "process environment", so that runs are reproducible.
  stackc::MapEnv process{{"HOME", "/root"}, {"TAG", "1.0"}, {"DB_PASSWORD", "canary"}};
  stackc::LayeredEnv env(process, from_file);

  stackc::LoadOptions options;
  options.files = files;
  options.env = &env;
  options.check_tree = stackc::validate_schema;
  auto stack = stackc::load_stack(options, sources, diags);
  check_printable(diags);

  stackc::Diagnostics findings;
  stackc::lint::LintSettings settings;
  stackc::lint::lint_stack(stack ? &*stack : nullptr, settings, diags, findings);
  check_printable(findings);
  if (!stack) {
    return 0;
  }
  (void)stackc::format_config_yaml(*stack);
  stackc::Diagnostics convert_diags;
  auto desired =
      stackc::swarm::convert_stack(*stack, stackc::swarm::ConvertOptions{"fz"}, convert_diags);
  check_printable(convert_diags);
  if (desired && convert_diags.has_errors()) {
    __builtin_trap();  // a result is only returned for a stack without errors
  }
  return 0;
}
