#pragma once
// Every lint rule, in one list sorted by id (see registry.cc).

#include <string_view>
#include <vector>

#include "compiler/lint/rule.h"

namespace stackc::lint {

// All rules, sorted by id. The objects live for the whole process.
const std::vector<const Rule*>& all_rules();
// The rule whose id ("STK100", any case) or name ("undefined-network") is `key`, or nullptr.
const Rule* find_rule(std::string_view key);

// The pseudo-rule under which unused or unknown suppressions are reported.
inline constexpr std::string_view k_unused_suppression_id = "STK199";

}  // namespace stackc::lint
