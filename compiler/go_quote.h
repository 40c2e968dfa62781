#pragma once
// Go's strconv.Quote, which the reference uses to print values in its messages
// ("a\tb" -> "\"a\\tb\""): several front-end passes quote values the same way.

#include <string>
#include <string_view>

namespace stackc {

std::string go_quote(std::string_view text);

}  // namespace stackc
