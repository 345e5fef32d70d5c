#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <agent_host/abi.h>

namespace agent_host::logging {

// "trace", "debug", "info", "warn", "error"; out-of-range values are clamped.
std::string_view level_name(ah_log_level level);

// The inverse of level_name (also accepts "warning"); nullopt for anything else.
std::optional<ah_log_level> parse_level(std::string_view name);

// Clamps a level received over the C ABI into the valid range.
ah_log_level clamp_level(ah_log_level level);

}  // namespace agent_host::logging
