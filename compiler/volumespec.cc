#include "compiler/volumespec.h"

#include <locale.h>
#include <wctype.h>

#include <cstdint>

#include "compiler/utf8.h"

namespace stackc {
namespace {

constexpr char32_t k_replacement = 0xFFFD;

// The UTF-8 code point at s[i] like Go's range over a string: an invalid byte is U+FFFD
// of length 1.
char32_t decode_rune(std::string_view s, size_t i, size_t& length) {
  Rune rune = stackc::decode_rune(s, i);
  length = rune.length;
  return rune.code_point;
}

// Go's unicode.IsLetter. Non-ASCII code points are classified by glibc's C.UTF-8 tables, which
// agree with Unicode's letter categories for practical purposes.
bool is_letter(char32_t cp) {
  if (cp < 0x80) {
    return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z');
  }
  static locale_t utf8 = newlocale(LC_CTYPE_MASK, "C.UTF-8", locale_t{});
  return utf8 != locale_t{} && iswalpha_l(static_cast<wint_t>(cp), utf8) != 0;
}

bool is_propagation(std::string_view option) {
  return option == "rprivate" || option == "private" || option == "rshared" || option == "shared" ||
         option == "rslave" || option == "slave";
}

// The field being accumulated; `runes` counts code points for the drive-letter rule.
struct Buffer {
  std::string text;
  size_t runes = 0;
  char32_t first = 0;
};

bool is_windows_drive(const Buffer& buffer, char32_t c) {
  return c == ':' && buffer.runes == 1 && is_letter(buffer.first);
}

bool is_file_path(std::string_view source) {
  if (source[0] == '.' || source[0] == '/' || source[0] == '~') {
    return true;
  }
  size_t length = 0;
  char32_t first = decode_rune(source, 0, length);
  if (length >= source.size()) {
    return false;  // a single code point
  }
  if (source.substr(0, 2) == "\\\\") {
    return true;  // Windows named pipe / UNC path
  }
  return source[length] == ':' && is_letter(first);
}

// Fills the next empty field of `volume` from `field`; `at_end` is true for the last field.
tl::expected<void, std::string> populate_field(bool at_end, const std::string& field,
                                               VolumeSpec& volume) {
  if (field.empty()) {
    return tl::unexpected(std::string("empty section between colons"));
  }
  if (volume.source.empty() && at_end) {
    volume.target = field;  // anonymous volume
    return {};
  }
  if (volume.source.empty()) {
    volume.source = field;
    return {};
  }
  if (volume.target.empty()) {
    volume.target = field;
    return {};
  }
  if (!at_end) {
    return tl::unexpected(std::string("too many colons"));
  }
  std::string_view options = field;
  for (size_t start = 0;;) {
    size_t comma = options.find(',', start);
    std::string_view option = options.substr(start, comma - start);
    if (option == "ro") {
      volume.read_only = true;
    } else if (option == "rw") {
      volume.read_only = false;
    } else if (option == "nocopy") {
      volume.nocopy = true;
    } else if (is_propagation(option)) {
      volume.propagation = std::string(option);
    }
    if (comma == std::string_view::npos) {
      break;
    }
    start = comma + 1;
  }
  return {};
}

// Go's loader.volumeNameLen (a copy of Windows filepath's): "C:" or a UNC "\\server\share".
size_t windows_volume_name_length(std::string_view path) {
  auto is_slash = [](char c) { return c == '\\' || c == '/'; };
  if (path.size() < 2) {
    return 0;
  }
  char c = path[0];
  if (path[1] == ':' && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))) {
    return 2;
  }
  size_t l = path.size();
  if (l >= 5 && is_slash(path[0]) && is_slash(path[1]) && !is_slash(path[2]) && path[2] != '.') {
    for (size_t n = 3; n < l - 1; ++n) {
      if (is_slash(path[n])) {
        ++n;
        if (!is_slash(path[n])) {
          if (path[n] == '.') {
            break;
          }
          for (; n < l; ++n) {
            if (is_slash(path[n])) {
              break;
            }
          }
          return n;
        }
        break;
      }
    }
  }
  return 0;
}

bool is_windows_abs(std::string_view path) {
  size_t l = windows_volume_name_length(path);
  if (l == 0 || l == path.size()) {
    return false;
  }
  return path[l] == '\\' || path[l] == '/';
}

}  // namespace

tl::expected<VolumeSpec, std::string> parse_volume_spec(std::string_view spec) {
  VolumeSpec volume;
  if (spec.empty()) {
    return tl::unexpected(std::string("invalid empty volume spec"));
  }
  if (spec.size() <= 2) {
    volume.target = std::string(spec);
    volume.type = "volume";
    return volume;
  }
  Buffer buffer;
  for (size_t i = 0; i <= spec.size();) {
    bool at_end = i == spec.size();
    size_t length = 1;
    char32_t c = at_end ? 0 : decode_rune(spec, i, length);
    if (!at_end && is_windows_drive(buffer, c)) {
      buffer.text += ':';
      ++buffer.runes;
    } else if (at_end || c == ':') {
      auto populated = populate_field(at_end, buffer.text, volume);
      if (!populated) {
        return tl::unexpected("invalid spec: " + std::string(spec) + ": " + populated.error());
      }
      buffer = Buffer{};
    } else {
      if (buffer.runes == 0) {
        buffer.first = c;
      }
      // Go re-encodes an invalid byte as U+FFFD when it rebuilds the field from runes.
      buffer.text += c == k_replacement && length == 1 ? std::string_view("\xEF\xBF\xBD")
                                                       : spec.substr(i, length);
      ++buffer.runes;
    }
    i += at_end ? 1 : length;
  }
  volume.type = !volume.source.empty() && is_file_path(volume.source) ? "bind" : "volume";
  return volume;
}

std::string clean_path(std::string_view path) {
  if (path.empty()) {
    return ".";
  }
  const bool rooted = path[0] == '/';
  const size_t n = path.size();
  std::string out;
  size_t r = 0;
  size_t dotdot = 0;
  if (rooted) {
    out += '/';
    r = dotdot = 1;
  }
  while (r < n) {
    if (path[r] == '/') {
      ++r;
    } else if (path[r] == '.' && (r + 1 == n || path[r + 1] == '/')) {
      ++r;
    } else if (path[r] == '.' && path[r + 1] == '.' && (r + 2 == n || path[r + 2] == '/')) {
      r += 2;
      if (out.size() > dotdot) {
        out.pop_back();
        while (out.size() > dotdot && out.back() != '/') {
          out.pop_back();
        }
        if (out.size() > dotdot && out.back() == '/') {
          // Go's lazybuf backs up to the slash without keeping it.
          out.pop_back();
        }
      } else if (!rooted) {
        if (!out.empty()) {
          out += '/';
        }
        out += "..";
        dotdot = out.size();
      }
    } else {
      if ((rooted && out.size() != 1) || (!rooted && !out.empty())) {
        out += '/';
      }
      for (; r < n && path[r] != '/'; ++r) {
        out += path[r];
      }
    }
  }
  if (out.empty()) {
    return ".";
  }
  return out;
}

tl::expected<ResolvedBindSource, std::string> resolve_bind_source(
    std::string_view source, std::string_view working_dir, std::optional<std::string_view> home) {
  if (source.empty()) {
    return tl::unexpected(
        std::string("invalid mount config for type \"bind\": field Source must not be empty"));
  }
  ResolvedBindSource result;
  std::string path(source);
  if (path[0] == '~') {
    if (home) {
      path = std::string(*home) + path.substr(1);
    } else {
      result.warning = "cannot expand '~', because the environment lacks HOME";
    }
  }
  if (!path.empty() && path[0] != '/' && !is_windows_abs(path)) {
    // filepath.Join skips empty elements, then cleans.
    path =
        working_dir.empty() ? clean_path(path) : clean_path(std::string(working_dir) + "/" + path);
  }
  result.path = std::move(path);
  return result;
}

}  // namespace stackc
