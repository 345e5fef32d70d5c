// The host's YAML reader, as Host::parse_yaml reaches it through the ABI, for
// unit tests of workflow_core that run without a host.
#pragma once

#include <agent_host/sdk.hpp>
#include <string>
#include <string_view>

#include "config/config_error.hpp"
#include "config/yaml_to_json.hpp"

namespace workflow {

inline nlohmann::json host_yaml(std::string_view text) {
  try {
    return agent_host::config::yaml_to_json(std::string(text), "document");
  } catch (const agent_host::config::ConfigError& e) {
    throw agent_host::Error(AH_ERR_INVALID_ARGUMENT, e.what());
  }
}

}  // namespace workflow
