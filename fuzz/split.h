#pragma once
// Splits one fuzz input into several files: the parts between form feeds ('\f', which YAML,
// env files and JSON treat as ordinary text, so it rarely needs to be one). libFuzzer mutates
// a single byte string; this keeps its crossover and dictionary useful across files.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace stackc::fuzz {

inline std::vector<std::string> split_parts(const uint8_t* data, size_t size, size_t max_parts) {
  std::vector<std::string> parts(1);
  for (size_t i = 0; i < size; ++i) {
    if (data[i] == '\f' && parts.size() < max_parts) {
      parts.emplace_back();
    } else {
      parts.back().push_back(static_cast<char>(data[i]));
    }
  }
  return parts;
}

}  // namespace stackc::fuzz
