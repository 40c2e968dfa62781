#pragma once
// Scalar value parsers for durations, byte sizes and CPU counts, matching the Go functions the
// reference (docker CLI 28.2.2) calls, so that `stackc config` prints what `docker stack config`
// prints. Pure functions: errors are returned as text the caller attaches to a source location.

#include <cstdint>
#include <string>
#include <string_view>

#include <tl/expected.hpp>

namespace stackc {

// Go `time.ParseDuration`: a signed sequence of decimal numbers with optional fraction and a unit
// (ns, us, µs, μs, ms, s, m, h), e.g. "1m30s", "1.5h", "-1s", ".5s". "0" alone is valid; "" and
// bare numbers are not; there is no day unit. Fractions are truncated to whole nanoseconds.
// Errors are Go's text: `time: invalid duration "x"`, `time: missing unit in duration "1"`,
// `time: unknown unit "d" in duration "1d"`. (The reference's schema check reports all of them as
// "Does not match format 'duration'".)
tl::expected<int64_t, std::string> parse_duration(std::string_view text);

// Go `time.Duration.String()`: "1m30s", "500ms", "1h0m0s", "0s", "1.5s", "3.6µs", "-1s".
// `docker stack config` prints every duration this way.
std::string format_duration(int64_t nanoseconds);

// go-units `RAMInBytes` (v0.5): a decimal number (Go float syntax), an optional single space, and
// an optional case-insensitive suffix b, k, m, g, t, p followed by nothing, "b" or "ib"
// (1024-based). "512M" -> 536870912, "1.5GB" -> 1610612736, "1 KiB" -> 1024, "0.5b" -> 0. Fractions
// truncate. Errors: "invalid size: '-1'", "invalid suffix: 'x'", `strconv.ParseFloat: parsing "5 ":
// invalid syntax`. A result beyond int64 becomes INT64_MIN, as Go's float-to-int conversion does on
// amd64 (the reference prints "-9223372036854775808" for "8192p").
tl::expected<int64_t, std::string> parse_bytes(std::string_view text);

// docker `opts.ParseCPUs`: a big.Rat times 1e9 that must be a whole number of nano-CPUs: "0.5",
// "1.5e0", "1/2", "0x10", "0x1.8", "1p-1", "010/4" (octal in the fraction form) all parse.
// "0.5" -> 500000000. Negative values parse (the daemon rejects them).
// Errors: "failed to parse abc as a rational number", "value is too precise". A value beyond
// int64 gives "value is out of range" where the reference silently wraps.
tl::expected<int64_t, std::string> parse_cpus(std::string_view text);


}  // namespace stackc
