#include "schema/version_gate.h"

#include <string>
#include <string_view>

#include <fmt/format.h>

#include "compiler/load.h"

namespace stackc {
namespace {

// The build keys the 3.0–3.10 schemas know; from 3.11 on any other key is accepted (and, like
// all of `build`, ignored by docker stack deploy).
constexpr std::string_view k_build_keys[] = {"context", "dockerfile", "args",
                                             "labels",  "cache_from", "network",
                                             "target",  "shm_size",   "extra_hosts"};

void too_new(const SEntry& entry, const std::string& path, std::string_view version,
             std::string_view since, Diagnostics& diags) {
  diags.error("STK050", entry.key_loc,
              fmt::format("{} has no key '{}' in compose {}: it came with version {} (a file "
                          "without `version:` is read as 3.13)",
                          path, entry.key, version, since));
}

}  // namespace

void check_version_gates(const SNode& root, Diagnostics& diags) {
  if (!root.is_mapping()) {
    return;
  }
  const SEntry* version_entry = root.find_entry("version");
  if (version_entry == nullptr || !version_entry->value.is_scalar()) {
    return;  // no version: the newest, which has every key
  }
  const std::string& version = version_entry->value.text;
  const int minor = compose_minor(version);
  if (minor < 0 || minor >= 13) {
    return;  // "3", "" (newest) or a version the loader refuses on its own
  }
  const SNode* services = root.find("services");
  if (services == nullptr || !services->is_mapping()) {
    return;
  }
  for (const SEntry& service : services->entries) {
    if (!service.value.is_mapping()) {
      continue;
    }
    const std::string path = "services." + service.key;
    for (const SEntry& key : service.value.entries) {
      if (key.key == "oom_score_adj") {
        too_new(key, path, version, "3.13", diags);
      } else if (key.key == "healthcheck" && minor < 12 && key.value.is_mapping()) {
        if (const SEntry* interval = key.value.find_entry("start_interval")) {
          too_new(*interval, path + ".healthcheck", version, "3.12", diags);
        }
      } else if (key.key == "networks" && key.value.is_mapping()) {
        for (const SEntry& network : key.value.entries) {
          if (!network.value.is_mapping()) {
            continue;
          }
          if (const SEntry* opts = network.value.find_entry("driver_opts")) {
            too_new(*opts, path + ".networks." + network.key, version, "3.13", diags);
          }
        }
      } else if (key.key == "build" && minor < 11 && key.value.is_mapping()) {
        for (const SEntry& field : key.value.entries) {
          bool known = false;
          for (std::string_view name : k_build_keys) {
            known = known || field.key == name;
          }
          if (!known) {
            too_new(field, path + ".build", version, "3.11", diags);
          }
        }
      }
    }
  }
}

}  // namespace stackc
