#include "config/schema_validator.hpp"

#include <agent_host/json_schema.hpp>

#include "config/config_error.hpp"

namespace agent_host::config {

SchemaValidator::SchemaValidator(nlohmann::json schema) {
  try {
    schema_ = std::make_shared<const JsonSchema>(std::move(schema));
  } catch (const InvalidSchema& error) {
    throw ConfigError(std::string("not a usable JSON Schema: ") + error.what());
  }
}

const nlohmann::json& SchemaValidator::schema() const {
  return schema_->schema();
}

std::vector<Problem> SchemaValidator::validate(const nlohmann::json& document,
                                               const std::string& path_prefix) const {
  std::vector<Problem> problems;
  for (SchemaProblem& found : schema_->validate(document, path_prefix))
    problems.push_back(
        {std::move(found.path), std::move(found.message), std::move(found.suggestion)});
  return problems;
}

std::vector<Problem> validate_against_schema(const nlohmann::json& schema,
                                             const nlohmann::json& document,
                                             const std::string& path_prefix) {
  return SchemaValidator(schema).validate(document, path_prefix);
}

}  // namespace agent_host::config
