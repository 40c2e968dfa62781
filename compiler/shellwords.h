#pragma once
// Word splitting of string-form `command:` and `entrypoint:`, as the reference's compose loader
// does it with github.com/google/shlex (docker CLI 28.2.2). This is not a POSIX shell: there is no
// expansion of any kind, and '#' at the start of a word begins a comment that runs to the end of
// the line.

#include <string>
#include <string_view>
#include <vector>

#include <tl/expected.hpp>

namespace stackc {

// Splits `text` into words. Whitespace is space, tab, CR and LF. Single quotes keep everything
// literally; inside double quotes a backslash makes the next character literal (any character,
// the backslash is dropped: "a\b" is ab); outside quotes a backslash makes the next character
// literal. Quotes may join parts of a word (a"b c"d is "ab cd"); "" is an empty word.
// A '#' that starts a word starts a comment up to the next LF ("a#b" is one word).
// Errors (shlex's texts): "EOF found when expecting closing quote",
// "EOF found after escape character".
tl::expected<std::vector<std::string>, std::string> shell_split(std::string_view text);

}  // namespace stackc
