// An enum's names in one table: to text and back, so each enum lists its
// spellings once.
#pragma once

#include <optional>
#include <string>
#include <utility>

namespace workflow {

template <typename Enum, size_t N>
const char* name_in(const std::pair<Enum, const char*> (&names)[N], Enum value) {
  for (const auto& [known, name] : names)
    if (known == value) return name;
  return "unknown";
}

template <typename Enum, size_t N>
std::optional<Enum> value_in(const std::pair<Enum, const char*> (&names)[N],
                             const std::string& text) {
  for (const auto& [known, name] : names)
    if (text == name) return known;
  return std::nullopt;
}

}  // namespace workflow
