// Wall-clock time as Unix milliseconds, and RFC 3339 text for the API: the
// SDK's rule (agent_host/time.hpp) under the names the workflow code uses.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace workflow {

// agent_host::now_ms.
int64_t now_ms();
// agent_host::format_rfc3339: "2024-05-01T09:30:00.123Z" (UTC, milliseconds).
std::string format_time(int64_t unix_ms);
// agent_host::parse_rfc3339: Z or an offset, optional fraction, 1970..9999;
// nullopt otherwise.
std::optional<int64_t> parse_time(std::string_view text);

}  // namespace workflow
