#pragma once
// The typed IR: one compose 3.x stack (3.0–3.13) after loading, interpolation and (for several -c
// files) merging. It mirrors the reference's typed config (docker/cli cli/compose/types) field for
// field, so that `stackc config` can print what `docker stack config` prints and the backend
// can convert exactly as `docker stack deploy` does. Every field remembers where it was written.
//
// Values are already normalized the way the reference's loader normalizes them: durations in
// nanoseconds, byte sizes in bytes, short port/volume syntax expanded, list-or-dict fields as
// maps, string commands split into words. Keys that the reference ignores or rejects are kept
// (with their location) so that lint can report them. No I/O here.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "compiler/snode.h"
#include "compiler/source.h"

namespace stackc::ir {

// A value and where it was written. `set` tells "absent" from "present with a zero value",
// which the reference distinguishes for its pointer fields (replicas: 0 is not "no replicas").
template <typename T>
struct Field {
  T value{};
  SourceLoc loc;
  bool set = false;

  explicit operator bool() const { return set; }
  const T& operator*() const { return value; }
  const T* operator->() const { return &value; }
  void assign(T v, SourceLoc where) {
    value = std::move(v);
    loc = where;
    set = true;
  }
};

using Str = Field<std::string>;
using Bool = Field<bool>;
using Int = Field<int64_t>;
using Uint = Field<uint64_t>;
using Duration = Field<int64_t>;  // nanoseconds
using Bytes = Field<int64_t>;     // bytes

// One entry of a list-or-dict field. For `environment` and `build.args` a key without a
// value ("FOO" in list form, "FOO:" in map form) has no value and is sent as a bare "FOO";
// for labels and sysctls it is "".
struct MapValue {
  std::optional<std::string> value;
  SourceLoc loc;  // where the key (or the list item) was written
};
using StrMap = std::map<std::string, MapValue>;  // sorted, as the reference prints maps

struct StrList {
  std::vector<std::string> values;
  std::vector<SourceLoc> locs;  // one per value
  SourceLoc loc;                // the key
  bool set = false;

  bool empty() const { return values.empty(); }
  void push(std::string v, SourceLoc where) {
    values.push_back(std::move(v));
    locs.push_back(where);
  }
};

// `external: true` or (deprecated) `external: {name: x}`.
struct External {
  Bool external;
  Str name;
};

// --- Services ---------------------------------------------------------------------------

struct Build {
  SourceLoc loc;  // the `build` key; the reference ignores build (lint warns)
  bool set = false;
  Str context, dockerfile, network, target;
  StrMap args, labels;
  StrList cache_from, extra_hosts;
};

struct CredentialSpec {
  Str config, file, registry;
};

struct Healthcheck {
  SourceLoc loc;
  StrList test;  // a string test is normalized to ["CMD-SHELL", s] as the reference does
  Duration timeout, interval, start_period, start_interval;  // start_interval: 3.12
  Uint retries;
  Bool disable;
};

struct Logging {
  SourceLoc loc;
  Str driver;
  StrMap options;
};

struct UpdateConfig {
  SourceLoc loc;
  Uint parallelism;
  Duration delay;
  Str failure_action;
  Duration monitor;
  Field<double> max_failure_ratio;
  Str order;
};

struct GenericResource {
  SourceLoc loc;
  Str kind;
  Int value;
};

struct Resource {
  SourceLoc loc;
  bool set = false;
  Str cpus;  // kept as written ("0.5"); nano-CPUs in `nano_cpus`
  Int nano_cpus;
  Bytes memory;
  Int pids;                                        // limits only
  std::vector<GenericResource> generic_resources;  // reservations only
};

struct RestartPolicy {
  SourceLoc loc;
  Str condition;
  Duration delay;
  Uint max_attempts;
  Duration window;
};

struct Preference {
  SourceLoc loc;
  Str spread;
};

struct Placement {
  SourceLoc loc;
  StrList constraints;
  std::vector<Preference> preferences;
  Uint max_replicas_per_node;
};

struct Deploy {
  SourceLoc loc;
  bool set = false;
  Str mode;
  Uint replicas;
  StrMap labels;
  std::optional<UpdateConfig> update_config;
  std::optional<UpdateConfig> rollback_config;
  Resource limits;
  Resource reservations;
  std::optional<RestartPolicy> restart_policy;
  Placement placement;
  Str endpoint_mode;
};

// A long-syntax or expanded short-syntax port.
struct Port {
  SourceLoc loc;
  Str mode;  // ingress | host; short syntax gives ingress
  Field<uint32_t> target;
  Field<uint32_t> published;
  Str protocol;  // tcp | udp | sctp; short syntax gives tcp
};

struct Mount {
  SourceLoc loc;
  Str type;  // volume | bind | tmpfs | npipe | cluster (3.10: a CSI cluster volume or group:name)
  Str source, target;
  Bool read_only;
  Str consistency;
  Str bind_propagation;
  bool has_bind = false;
  Bool volume_nocopy;
  bool has_volume = false;
  Bytes tmpfs_size;
  bool has_tmpfs = false;
};

// A service's reference to a secret or config.
struct FileReference {
  SourceLoc loc;
  Str source, target, uid, gid;
  Field<uint32_t> mode;
};

struct ServiceNetwork {
  SourceLoc loc;            // the network's name in the service's `networks`
  bool has_config = false;  // false: listed, or mapped to null
  StrList aliases;
  StrMap driver_opts;  // 3.13: options of this service's attachment to the network
  Str ipv4_address, ipv6_address;
};

struct Ulimit {
  SourceLoc loc;
  Int single, soft, hard;
};

// A key the typed config does not model (x-* extensions on a service) or that only lint
// cares about. Kept verbatim for `stackc config`.
struct Extra {
  std::string key;
  SourceLoc loc;
  SNode value;
};

struct Service {
  std::string name;
  SourceLoc loc;  // the service's key under `services`

  Build build;
  StrList cap_add, cap_drop;
  Str cgroupns_mode, cgroup_parent;
  StrList command;  // ContainerSpec.Args; `set` with no values means an explicit empty list
  std::vector<FileReference> configs;
  Str container_name;
  CredentialSpec credential_spec;
  StrList depends_on;
  Deploy deploy;
  StrList devices;
  StrList dns, dns_search;
  Str domainname;
  StrList entrypoint;
  StrMap environment;  // env_file contents already applied, as the reference does
  StrList env_file;
  StrList expose;
  StrList external_links;
  StrList extra_hosts;  // as written ("host:ip" / "host=ip" / map form as "host:ip")
  Str hostname;
  std::optional<Healthcheck> healthcheck;
  Str image;
  Bool init;
  Str ipc, isolation;
  StrMap labels;
  StrList links;
  std::optional<Logging> logging;
  Str mac_address, network_mode;
  std::map<std::string, ServiceNetwork> networks;
  Str pid;
  std::vector<Port> ports;
  Bool privileged, read_only;
  Str restart;
  std::vector<FileReference> secrets;
  StrList security_opt;
  Str shm_size;
  Bool stdin_open;
  Duration stop_grace_period;
  Str stop_signal;
  StrMap sysctls;
  StrList tmpfs;
  Bool tty;
  std::map<std::string, Ulimit> ulimits;
  Str user, userns_mode;
  // 3.13. The reference's schema accepts it, but its loader keeps it nowhere: `config` does not
  // print it and `deploy` does not send it. Kept for lint, which says so.
  Int oom_score_adj;
  std::vector<Mount> volumes;
  Str working_dir;
  std::vector<Extra> extras;  // x-* keys
};

// --- Top-level objects ------------------------------------------------------------------

struct IpamPool {
  SourceLoc loc;
  Str subnet;
};

struct Network {
  std::string key;
  SourceLoc loc;
  Str name, driver;
  StrMap driver_opts;
  Str ipam_driver;
  std::vector<IpamPool> ipam_config;
  External external;
  Bool internal, attachable;
  StrMap labels;
  std::vector<Extra> extras;
};

// `x-cluster-spec` of a volume (3.10, CSI cluster volumes), typed as the reference types it:
// sizes in bytes, segment lists as maps. `docker stack deploy` never creates volumes, so only
// `config` prints it.
struct Topology {
  SourceLoc loc;
  StrMap segments;  // a "k=v" list becomes a map; "k" alone gives ""
};

struct VolumeSecret {
  SourceLoc loc;
  Str key, secret;
};

struct ClusterSpec {
  SourceLoc loc;
  Str group;
  bool has_access_mode = false;
  Str scope, sharing;
  bool has_block_volume = false;
  bool has_mount_volume = false;
  Str fs_type;
  StrList mount_flags;
  bool has_accessibility = false;
  std::vector<Topology> requisite, preferred;
  bool has_capacity_range = false;
  Bytes required_bytes, limit_bytes;
  std::vector<VolumeSecret> secrets;
  Str availability;
};

struct Volume {
  std::string key;
  SourceLoc loc;
  Str name, driver;
  StrMap driver_opts;
  External external;
  StrMap labels;
  std::optional<ClusterSpec> cluster_spec;  // x-cluster-spec
  std::vector<Extra> extras;
};

// A top-level secret or config.
struct FileObject {
  std::string key;
  SourceLoc loc;
  Str name, file;  // file is absolute (resolved against the working directory)
  External external;
  StrMap labels;
  Str driver;          // secrets only
  StrMap driver_opts;  // secrets only
  Str template_driver;
  std::vector<Extra> extras;
};

struct Stack {
  Str version;
  std::string working_dir;        // the first -c file's folder: every relative path resolves here
  std::vector<Service> services;  // sorted by name, as the reference sorts them
  std::map<std::string, Network> networks;
  std::map<std::string, Volume> volumes;
  std::map<std::string, FileObject> secrets;
  std::map<std::string, FileObject> configs;
  std::vector<Extra> extras;  // top-level x-* keys

  const Service* find_service(const std::string& name) const;
};

}  // namespace stackc::ir
