// Human durations in definitions: "250ms", "10s", "5m", "1h30m", "2d".
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace workflow {

// Milliseconds, or nullopt when `text` is not a duration (no unit, unknown unit,
// negative, overflow).
std::optional<int64_t> parse_duration_ms(std::string_view text);

// The inverse for messages and API answers, e.g. 90000 -> "1m30s".
std::string format_duration(int64_t ms);

}  // namespace workflow
