// RFC 3339 timestamps <-> Unix milliseconds (the storage form of every time).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace task_manager {

int64_t now_ms();

// "2024-05-01T09:00:00.123Z" (UTC, always milliseconds).
std::string format_rfc3339(int64_t unix_ms);

// agent_host::parse_time_ms: "YYYY-MM-DDTHH:MM:SS[.fraction](Z|+HH:MM|-HH:MM)"
// ('t'/' ' and 'z' accepted too) from 1970 to 9999; nullopt for anything else.
std::optional<int64_t> parse_rfc3339(std::string_view text);

}  // namespace task_manager
