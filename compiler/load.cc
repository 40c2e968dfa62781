#include "compiler/load.h"

#include <filesystem>

#include <fmt/format.h>

#include "compiler/envfile.h"
#include "compiler/interpolate.h"
#include "compiler/ir_build.h"
#include "compiler/merge.h"
#include "compiler/yaml.h"

namespace stackc {
namespace {

constexpr const char* k_code_io = "STK020";
constexpr const char* k_code_version = "STK021";
constexpr const char* k_code_image = "STK022";
constexpr const char* k_code_env_file = "STK023";

// The reference's version table (docker CLI 28): "3.0" ... "3.13" each name a schema; a missing
// version, "" and "3" mean its newest, "3.13", and are printed so.
std::string check_version(const SNode& root, const SourceFile& file, Diagnostics& diags, bool& ok) {
  const SEntry* entry = root.find_entry("version");
  if (entry == nullptr) {
    return "3.13";
  }
  const SNode& value = entry->value;
  if (!value.is_scalar() || value.type != ScalarType::string) {
    diags.error(k_code_version, value.loc.has_line() ? value.loc : SourceLoc{&file, 0, 0},
                fmt::format("version must be a string such as \"3.13\", not {}",
                            value.is_scalar() ? value.text : "a collection"));
    ok = false;
    return "";
  }
  const std::string& version = value.text;
  if (version == "3" || version.empty()) {
    return "3.13";
  }
  if (compose_minor(version) >= 0) {
    return version;
  }
  diags.error(k_code_version, value.loc,
              fmt::format("unsupported compose file version \"{}\": stackc reads versions 3.0 to "
                          "3.13, like the docker CLI 28 (\"3\" or no version means 3.13)",
                          version));
  ok = false;
  return "";
}

std::string folder_of(const std::string& path) {
  if (path == "-") {
    return std::filesystem::current_path().string();
  }
  std::filesystem::path absolute = std::filesystem::absolute(path).lexically_normal();
  return absolute.parent_path().string();
}

// env_file contents, then `environment` over them, then the reference's rule that a variable
// left empty or without a value takes the deploying shell's value when it has one.
void apply_env_files(ir::Service& service, const BuildContext& context, const Env& env,
                     SourceManager& sources, Diagnostics& diags) {
  ir::StrMap merged;
  for (size_t i = 0; i < service.env_file.values.size(); ++i) {
    std::string path = service.env_file.values[i];
    if (path.empty() || path[0] != '/') {
      path = (std::filesystem::path(context.working_dir) / path).lexically_normal().string();
    }
    auto loaded = sources.load(path);
    if (!loaded) {
      diags.error(k_code_env_file, service.env_file.locs[i],
                  fmt::format("env_file: {}", loaded.error()));
      continue;
    }
    for (EnvVar& entry : read_kvfile(**loaded, env, diags)) {
      merged[entry.name] = ir::MapValue{std::move(entry.value), entry.loc};
    }
  }
  for (auto& [key, value] : service.environment) {
    merged[key] = value;
  }
  for (auto& [key, value] : merged) {
    if (!value.value || value.value->empty()) {
      if (std::optional<std::string> shell = env.get(key)) {
        value.value = *shell;
      }
    }
  }
  service.environment = std::move(merged);
}

}  // namespace

int compose_minor(std::string_view version) {
  if (version.size() < 3 || version.size() > 4 || version.substr(0, 2) != "3.") {
    return -1;
  }
  std::string_view minor = version.substr(2);
  if (minor.size() == 2 && minor[0] != '1') {
    return -1;  // "3.01" names no schema
  }
  int value = 0;
  for (char c : minor) {
    if (c < '0' || c > '9') {
      return -1;
    }
    value = value * 10 + (c - '0');
  }
  return value <= 13 ? value : -1;
}

tl::expected<ir::Stack, LoadFailure> load_stack(const LoadOptions& options, SourceManager& sources,
                                                Diagnostics& diags) {
  MapEnv no_env;
  const Env& env = options.env != nullptr ? *options.env : no_env;
  BuildContext context;
  context.working_dir = folder_of(options.files.empty() ? "-" : options.files.front());
  context.lookup_env = [&env](std::string_view name) { return env.get(name); };

  std::optional<ir::Stack> merged;
  std::string first_version;
  bool io_failed = false;
  for (const std::string& path : options.files) {
    // Read the file. An unreadable file is an I/O error, not an invalid stack.
    auto file = sources.load(path);
    if (!file) {
      diags.error(k_code_io, SourceLoc{}, file.error());
      io_failed = true;
      continue;
    }
    // Parse it into the source-mapped tree (merge keys, anchors, duplicate keys, limits).
    std::optional<SNode> root = parse_yaml(**file, diags);
    if (!root) {
      continue;
    }
    // Check the version before reading anything else: it decides the rules.
    bool version_ok = true;
    std::string version = check_version(*root, **file, diags, version_ok);
    if (!version_ok) {
      continue;
    }
    if (first_version.empty()) {
      first_version = version;
    } else if (version != first_version) {
      const SEntry* entry = root->find_entry("version");
      diags.error(k_code_version, entry ? entry->value.loc : SourceLoc{*file, 0, 0},
                  fmt::format("version mismatched between compose files: {} and {}", first_version,
                              version));
      continue;
    }
    // Substitute ${VAR} in values, check the structure, then type the file on its own, as the
    // reference does. A file the schema rejects is not typed: one message per mistake.
    size_t errors_before = diags.error_count();
    interpolate(*root, env, diags);
    if (options.check_tree != nullptr && diags.error_count() == errors_before) {
      options.check_tree(*root, diags);
    }
    if (diags.error_count() > errors_before) {
      continue;
    }
    std::optional<ir::Stack> stack = build_stack(*root, context, diags);
    if (!stack || diags.error_count() > errors_before) {
      continue;
    }
    stack->version.assign(version, stack->version.loc);
    for (ir::Service& service : stack->services) {
      apply_env_files(service, context, env, sources, diags);
    }
    // Merge it over the files before it.
    if (!merged) {
      merged = std::move(stack);
    } else {
      merge_stack(*merged, std::move(*stack));
    }
  }
  if (io_failed) {
    return tl::unexpected(LoadFailure::io);
  }
  if (diags.has_errors() || !merged) {
    return tl::unexpected(LoadFailure::invalid);
  }

  // Checks on the merged stack: every service needs an image (the reference checks this after
  // merging, so an override file may supply it).
  for (const ir::Service& service : merged->services) {
    if (!service.image || service.image->empty()) {
      diags.error(
          k_code_image, service.loc,
          fmt::format("invalid image reference for service {}: no image specified", service.name));
    }
  }
  if (diags.has_errors()) {
    return tl::unexpected(LoadFailure::invalid);
  }
  return std::move(*merged);
}

}  // namespace stackc
