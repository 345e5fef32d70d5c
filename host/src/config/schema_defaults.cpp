#include "config/schema_validator.hpp"

namespace agent_host::config {
namespace {

// `value:` with nothing after it reads as null in YAML; treat it as absent.
void fill_null_with_default(const nlohmann::json& schema, nlohmann::json& value) {
  if (value.is_null() && schema.is_object() && schema.contains("default")) {
    value = schema["default"];
  }
}

}  // namespace

void apply_defaults(const nlohmann::json& schema, nlohmann::json& document) {
  if (!schema.is_object()) return;
  if (document.is_object()) {
    const auto properties = schema.find("properties");
    const bool has_properties = properties != schema.end() && properties->is_object();
    if (has_properties) {
      for (const auto& [key, property_schema] : properties->items()) {
        const auto member = document.find(key);
        const bool absent = member == document.end() || member->is_null();
        if (absent && property_schema.is_object() && property_schema.contains("default")) {
          document[key] = property_schema["default"];
        }
        if (document.contains(key)) apply_defaults(property_schema, document[key]);
      }
    }
    const auto additional = schema.find("additionalProperties");
    if (additional != schema.end() && additional->is_object()) {
      for (auto& [key, value] : document.items()) {
        if (has_properties && properties->contains(key)) continue;
        fill_null_with_default(*additional, value);
        apply_defaults(*additional, value);
      }
    }
  } else if (document.is_array()) {
    const auto items = schema.find("items");
    if (items != schema.end() && items->is_object()) {
      for (auto& item : document) {
        fill_null_with_default(*items, item);
        apply_defaults(*items, item);
      }
    }
  }
}

}  // namespace agent_host::config
