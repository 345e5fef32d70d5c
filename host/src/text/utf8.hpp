#pragma once

#include <cstddef>
#include <string_view>

namespace agent_host::text {

// The offset of the first byte of `text` that does not belong to a valid UTF-8
// sequence (RFC 3629: no overlong forms, no surrogates, nothing past U+10FFFF),
// or std::string_view::npos when all of it is valid.
std::size_t invalid_utf8_at(std::string_view text);

inline bool valid_utf8(std::string_view text) {
  return invalid_utf8_at(text) == std::string_view::npos;
}

}  // namespace agent_host::text
