#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "config/problem.hpp"

namespace agent_host::config {

// Checks one plugin's `config` section against the schema the plugin declares
// (ah_plugin_descriptor::config_schema_json) and fills its defaults in place.
// Paths read "plugins.<plugin_name>.config.<key>". A null section counts as
// empty; a null or empty schema accepts anything. A schema that is not valid
// JSON Schema is reported as one problem (the plugin is at fault).
std::vector<Problem> validate_plugin_section(const nlohmann::json& plugin_schema,
                                             nlohmann::json& section_config,
                                             const std::string& plugin_name);

}  // namespace agent_host::config
