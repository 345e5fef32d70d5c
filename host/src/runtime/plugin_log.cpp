#include "runtime/plugin_log.hpp"

#include "logging/logging.hpp"

namespace agent_host::runtime {

bool ProcessLog::enabled(ah_log_level level) const {
  return logging::Logging::enabled(level);
}

void ProcessLog::write(const std::string& plugin, ah_log_level level, std::string_view message,
                       std::string_view fields_json) {
  logging::Logging::log(level, plugin, message, fields_json);
}

}  // namespace agent_host::runtime
