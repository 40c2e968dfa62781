#pragma once
// Go's number syntax, as the reference's strconv reads it: the interpolation casts and the
// size parser must accept and refuse exactly the same texts.

#include <string>
#include <string_view>

#include <tl/expected.hpp>

namespace stackc {

// strconv.underscoreOK: underscores may only separate digits (or a base prefix and a digit).
bool go_underscore_ok(std::string_view s);
// strings.EqualFold for ASCII.
bool go_equal_fold(std::string_view a, std::string_view b);
// strconv.ParseFloat(s, 64), with Go's error texts.
tl::expected<double, std::string> go_parse_float(std::string_view s);

}  // namespace stackc
