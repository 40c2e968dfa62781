#pragma once
// "did you mean ...?" for mistyped subcommands and rule names.

#include <span>
#include <string>
#include <string_view>

namespace stackc {

// Optimal string alignment distance (insertions, deletions, substitutions, transpositions).
size_t edit_distance(std::string_view a, std::string_view b);

// The closest candidate within a distance that still looks like a typo, or "" if none is.
std::string closest_match(std::string_view word, std::span<const std::string_view> candidates);

}  // namespace stackc
