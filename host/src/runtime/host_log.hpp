// The runtime's own log lines (component "host").
#pragma once

#include <agent_host/abi.h>

#include <nlohmann/json.hpp>
#include <string>

#include "logging/logging.hpp"

namespace agent_host::runtime {

inline void host_log(ah_log_level level, const std::string& message,
                     const nlohmann::json& fields = nlohmann::json::object()) {
  if (!logging::Logging::enabled(level)) return;
  logging::Logging::log(level, "host", message, fields.empty() ? std::string() : fields.dump());
}

}  // namespace agent_host::runtime
