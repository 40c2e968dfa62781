#pragma once
// "Did you mean" for unknown keys and enum values: a small edit distance and a picker.
// Local to schema/ so that the validator does not depend on the CLI layer for a 30-line helper;
// cli/suggest.h has its own for subcommands, so these live in stackc::schema and the two never
// clash when both libraries are linked into stackc.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace stackc::schema {

// Edit distance counted in bytes: insert, delete, substitute or swap two neighbours, each costing
// 1 (optimal string alignment), since swapped letters are the commonest typo in keys.
size_t edit_distance(std::string_view a, std::string_view b);

// The candidate closest to `word` when it is close enough to be a likely typo: at most 1 edit
// for words of up to 4 bytes, 2 up to 8, 3 beyond. Ties keep the first candidate.
std::optional<std::string> closest_match(std::string_view word,
                                         const std::vector<std::string>& candidates);

}  // namespace stackc::schema
