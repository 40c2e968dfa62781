// Service volumes to ContainerSpec.Mounts, as the reference's cli/compose/convert/volume.go
// does: compose order kept, named volumes namespaced unless `name:` says otherwise, option
// blocks of another mount type refused.

#include <nlohmann/json.hpp>

#include <fmt/format.h>

#include "backends/swarm/convert_internal.h"

namespace stackc::swarm::detail {
namespace {

// The fields every mount type shares (createMountFromVolume).
Json base_mount(const ir::Mount& mount) {
  Json out = Json::object();
  if (mount.type && !mount.type->empty()) {
    out["Type"] = *mount.type;
  }
  if (mount.source && !mount.source->empty()) {
    out["Source"] = *mount.source;
  }
  if (mount.target && !mount.target->empty()) {
    out["Target"] = *mount.target;
  }
  if (mount.read_only && *mount.read_only) {
    out["ReadOnly"] = true;
  }
  if (mount.consistency && !mount.consistency->empty()) {
    out["Consistency"] = *mount.consistency;
  }
  return out;
}

// "X options are incompatible with type Y": the reference checks tmpfs, bind, volume in this
// order per type; the first offending block is reported.
bool incompatible(const Context& ctx, const ir::Mount& mount, std::string_view type) {
  const char* block = nullptr;
  if (mount.has_tmpfs && type != "tmpfs") {
    block = "tmpfs";
  } else if (mount.has_bind && type != "bind" && type != "npipe") {
    block = "bind";
  } else if (mount.has_volume && type != "volume") {
    block = "volume";
  }
  if (block == nullptr) {
    return false;
  }
  ctx.diags.error(k_code_invalid, mount.loc,
                  fmt::format("{} options are incompatible with type {}", block, type));
  return true;
}

// The stack volume a mount names, its Source set to the volume's name, or its key namespaced;
// null (reported) when the file does not declare it.
const ir::Volume* stack_volume(const Context& ctx, const ir::Mount& mount, Json& out) {
  auto found = ctx.stack.volumes.find(*mount.source);
  if (found == ctx.stack.volumes.end()) {
    ctx.diags.error(k_code_undefined, mount.source.loc,
                    fmt::format("undefined volume \"{}\"", *mount.source));
    return nullptr;
  }
  const ir::Volume& volume = found->second;
  out["Source"] = volume.name && !volume.name->empty() ? *volume.name : ctx.scope(*mount.source);
  return &volume;
}

bool volume_mount(const Context& ctx, const ir::Mount& mount, Json& out) {
  if (incompatible(ctx, mount, "volume")) {
    return false;
  }
  out = base_mount(mount);
  if (!mount.source || mount.source->empty()) {
    return true;  // anonymous: no options at all, even with `volume: {nocopy: true}`
  }
  const ir::Volume* found = stack_volume(ctx, mount, out);
  if (found == nullptr) {
    return false;
  }
  const ir::Volume& volume = *found;
  Json options = Json::object();
  if (mount.volume_nocopy && *mount.volume_nocopy) {
    options["NoCopy"] = true;
  }
  bool external = volume.external.external && *volume.external.external;
  if (!external) {
    options["Labels"] = stack_labels(ctx, volume.labels);
    if ((volume.driver && !volume.driver->empty()) || !volume.driver_opts.empty()) {
      Json driver = Json::object();
      if (volume.driver && !volume.driver->empty()) {
        driver["Name"] = *volume.driver;
      }
      if (!volume.driver_opts.empty()) {
        Json opts = Json::object();
        for (const auto& [key, value] : volume.driver_opts) {
          opts[key] = value.value.value_or("");
        }
        driver["Options"] = std::move(opts);
      }
      options["DriverConfig"] = std::move(driver);
    }
  }
  out["VolumeOptions"] = std::move(options);
  return true;
}

bool bind_mount(const Context& ctx, const ir::Mount& mount, std::string_view type, Json& out) {
  if (!mount.source || mount.source->empty()) {
    ctx.diags.error(k_code_invalid, mount.loc,
                    fmt::format("invalid {} source, source cannot be empty", type));
    return false;
  }
  if (incompatible(ctx, mount, type)) {
    return false;
  }
  out = base_mount(mount);
  if (mount.has_bind) {
    Json bind = Json::object();
    if (mount.bind_propagation && !mount.bind_propagation->empty()) {
      bind["Propagation"] = *mount.bind_propagation;
    }
    out["BindOptions"] = std::move(bind);
  }
  return true;
}

bool tmpfs_mount(const Context& ctx, const ir::Mount& mount, Json& out) {
  if (mount.source && !mount.source->empty()) {
    ctx.diags.error(k_code_invalid, mount.source.loc, "invalid tmpfs source, source must be empty");
    return false;
  }
  if (incompatible(ctx, mount, "tmpfs")) {
    return false;
  }
  out = base_mount(mount);
  if (mount.has_tmpfs) {
    Json tmpfs = Json::object();
    if (mount.tmpfs_size && *mount.tmpfs_size != 0) {
      tmpfs["SizeBytes"] = *mount.tmpfs_size;
    }
    out["TmpfsOptions"] = std::move(tmpfs);
  }
  return true;
}

// A CSI cluster volume (3.10): a `group:` source names a volume group and is sent as written;
// any other source must be a stack volume, namespaced unless it has a name (external ones do).
bool cluster_mount(const Context& ctx, const ir::Mount& mount, Json& out) {
  if (!mount.source || mount.source->empty()) {
    ctx.diags.error(k_code_invalid, mount.loc, "invalid cluster source, source cannot be empty");
    return false;
  }
  if (incompatible(ctx, mount, "cluster")) {
    return false;
  }
  out = base_mount(mount);
  out["ClusterOptions"] = Json::object();
  if (mount.source->rfind("group:", 0) == 0) {
    return true;
  }
  return stack_volume(ctx, mount, out) != nullptr;
}

}  // namespace

Json convert_mounts(const Context& ctx, const ir::Service& service) {
  Json mounts = Json::array();
  for (const ir::Mount& mount : service.volumes) {
    const std::string type = mount.type ? *mount.type : std::string();
    Json out;
    bool ok = false;
    if (type == "volume" || type.empty()) {
      ok = volume_mount(ctx, mount, out);
    } else if (type == "bind" || type == "npipe") {
      ok = bind_mount(ctx, mount, type, out);
    } else if (type == "tmpfs") {
      ok = tmpfs_mount(ctx, mount, out);
    } else if (type == "cluster") {
      ok = cluster_mount(ctx, mount, out);
    } else {
      ctx.diags.error(k_code_invalid, mount.type.loc,
                      "volume type must be volume, bind, tmpfs, npipe, or cluster");
    }
    if (ok) {
      mounts.push_back(std::move(out));
    }
  }
  return mounts;
}

}  // namespace stackc::swarm::detail
