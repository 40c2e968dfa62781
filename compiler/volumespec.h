#pragma once
// Short-syntax service volumes ("[source:]target[:options]"), as the reference's compose loader
// (docker CLI 28.2.2, cli/compose/loader/volume.go) parses them, and the loader's later
// resolution of bind sources against the working directory and $HOME.

#include <optional>
#include <string>
#include <string_view>

#include <tl/expected.hpp>

namespace stackc {

struct VolumeSpec {
  std::string type;    // "volume" or "bind"
  std::string source;  // empty for an anonymous volume
  std::string target;
  bool read_only = false;   // the last of "ro"/"rw" wins
  std::string propagation;  // bind.propagation; empty = not set (the last propagation option wins)
  bool nocopy = false;      // volume.nocopy (kept even on a bind, as the reference prints it)
  bool operator==(const VolumeSpec&) const = default;
};

// Fields are split at ':' except right after a single leading letter (a Windows drive, so
// "C:\x:/x" is source "C:\x"; note "a:b:c:d" is source "a:b", target "c:d"). A spec of one or two
// bytes, or a single field, is an anonymous volume whose target is the whole spec. The third
// field is comma-separated options: ro, rw, nocopy, rprivate|private|rshared|shared|rslave|slave;
// anything else (z, Z, cached, delegated, ...) is silently ignored. The type is "bind" when the
// source starts with '.', '/', '~', "\\" or a drive letter and colon, else "volume".
// Errors: "invalid empty volume spec", "invalid spec: a:b:c:d:e: too many colons" (only when a
// fourth field follows three), "invalid spec: /x:: empty section between colons".
tl::expected<VolumeSpec, std::string> parse_volume_spec(std::string_view spec);

struct ResolvedBindSource {
  std::string path;
  // Set when the source starts with '~' and no home directory is known; the path is then
  // resolved as a relative path ("<working_dir>/~/x"), as the reference does.
  std::optional<std::string> warning;
};

// The loader's resolveVolumePaths for one bind source: '~' (the first one only, even in "~user")
// becomes `home`; a path that is not absolute (neither '/'-rooted nor a Windows absolute path such
// as "C:\x" or "\\server\share\dir") is joined to `working_dir` and lexically cleaned like Go's
// filepath.Join. Absolute paths are returned unchanged (not cleaned).
// Error: an empty source ("invalid mount config for type \"bind\": field Source must not be
// empty").
tl::expected<ResolvedBindSource, std::string> resolve_bind_source(
    std::string_view source, std::string_view working_dir, std::optional<std::string_view> home);

// Go's path.Clean (lexical: collapses "//", ".", "dir/.."; "" becomes ".").
std::string clean_path(std::string_view path);

}  // namespace stackc
