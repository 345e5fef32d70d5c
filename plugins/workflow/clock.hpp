// Wall-clock time as Unix milliseconds, and RFC 3339 text for the API.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace workflow {

int64_t now_ms();
// "2024-05-01T09:30:00.123Z" (UTC, milliseconds).
std::string format_time(int64_t unix_ms);
// RFC 3339 with Z or an offset, optional fraction; nullopt when malformed.
std::optional<int64_t> parse_time(std::string_view text);

}  // namespace workflow
