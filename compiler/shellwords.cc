#include "compiler/shellwords.h"

#include "compiler/utf8.h"

namespace stackc {
namespace {

enum class State { start, in_word, escaping, escaping_quoted, quoting_escaping, quoting, comment };

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

// The bytes of the next code point, as Go's rune reader yields it: an invalid byte becomes U+FFFD.
std::string_view next_rune(std::string_view s, size_t i, size_t& length) {
  Rune rune = decode_rune(s, i);
  length = rune.length;
  return rune.valid ? s.substr(i, rune.length) : std::string_view("\xEF\xBF\xBD");
}

}  // namespace

tl::expected<std::vector<std::string>, std::string> shell_split(std::string_view text) {
  std::vector<std::string> words;
  State state = State::start;
  std::string word;
  const std::string k_unclosed = "EOF found when expecting closing quote";
  const std::string k_escape = "EOF found after escape character";
  for (size_t i = 0; i <= text.size();) {
    const bool eof = i == text.size();
    size_t length = 1;
    std::string_view rune = eof ? std::string_view() : next_rune(text, i, length);
    const char c = eof ? '\0' : rune[0];
    i += length;
    switch (state) {
      case State::start:
        if (eof) {
          return words;
        }
        if (is_space(c)) {
          break;
        }
        if (c == '"') {
          state = State::quoting_escaping;
        } else if (c == '\'') {
          state = State::quoting;
        } else if (c == '\\') {
          state = State::escaping;
        } else if (c == '#') {
          state = State::comment;
        } else {
          word.append(rune);
          state = State::in_word;
        }
        break;
      case State::in_word:
        if (eof || is_space(c)) {
          words.push_back(std::move(word));
          word.clear();
          if (eof) {
            return words;
          }
          state = State::start;
        } else if (c == '"') {
          state = State::quoting_escaping;
        } else if (c == '\'') {
          state = State::quoting;
        } else if (c == '\\') {
          state = State::escaping;
        } else {
          word.append(rune);
        }
        break;
      case State::escaping:
        if (eof) {
          return tl::unexpected(k_escape);
        }
        word.append(rune);
        state = State::in_word;
        break;
      case State::escaping_quoted:
        if (eof) {
          return tl::unexpected(k_escape);
        }
        word.append(rune);
        state = State::quoting_escaping;
        break;
      case State::quoting_escaping:
        if (eof) {
          return tl::unexpected(k_unclosed);
        }
        if (c == '"') {
          state = State::in_word;
        } else if (c == '\\') {
          state = State::escaping_quoted;
        } else {
          word.append(rune);
        }
        break;
      case State::quoting:
        if (eof) {
          return tl::unexpected(k_unclosed);
        }
        if (c == '\'') {
          state = State::in_word;
        } else {
          word.append(rune);
        }
        break;
      case State::comment:
        // shlex returns the comment as a token that Split drops; a LF ends it.
        if (eof) {
          return words;
        }
        if (c == '\n') {
          state = State::start;
        }
        break;
    }
  }
  return words;
}

}  // namespace stackc
