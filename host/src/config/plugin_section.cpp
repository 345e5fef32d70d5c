#include "config/plugin_section.hpp"

#include "config/config_error.hpp"
#include "config/schema_validator.hpp"

namespace agent_host::config {

std::vector<Problem> validate_plugin_section(const nlohmann::json& plugin_schema,
                                             nlohmann::json& section_config,
                                             const std::string& plugin_name) {
  const std::string path = "plugins." + plugin_name + ".config";
  if (section_config.is_null()) section_config = nlohmann::json::object();
  if (plugin_schema.is_null()) return {};
  if (!plugin_schema.is_object()) {
    return {{path, "the plugin's config schema is not a JSON object",
             "this is a defect of plugin '" + plugin_name + "'; report it to its author"}};
  }
  try {
    const SchemaValidator validator(plugin_schema);
    apply_defaults(plugin_schema, section_config);
    return validator.validate(section_config, path);
  } catch (const ConfigError& error) {
    return {{path, std::string("the plugin's config schema is ") + error.what(),
             "this is a defect of plugin '" + plugin_name + "'; report it to its author"}};
  }
}

}  // namespace agent_host::config
