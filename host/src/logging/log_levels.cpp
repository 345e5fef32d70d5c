#include "logging/log_levels.hpp"

namespace agent_host::logging {

ah_log_level clamp_level(ah_log_level level) {
  // A C plugin may pass any integer through the enum.
  const int value = static_cast<int>(level);
  if (value < AH_LOG_TRACE) return AH_LOG_TRACE;
  if (value > AH_LOG_ERROR) return AH_LOG_ERROR;
  return level;
}

std::string_view level_name(ah_log_level level) {
  switch (clamp_level(level)) {
    case AH_LOG_TRACE:
      return "trace";
    case AH_LOG_DEBUG:
      return "debug";
    case AH_LOG_INFO:
      return "info";
    case AH_LOG_WARN:
      return "warn";
    case AH_LOG_ERROR:
      return "error";
  }
  return "error";
}

std::optional<ah_log_level> parse_level(std::string_view name) {
  if (name == "trace") return AH_LOG_TRACE;
  if (name == "debug") return AH_LOG_DEBUG;
  if (name == "info") return AH_LOG_INFO;
  if (name == "warn" || name == "warning") return AH_LOG_WARN;
  if (name == "error") return AH_LOG_ERROR;
  return std::nullopt;
}

}  // namespace agent_host::logging
