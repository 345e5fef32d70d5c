#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "config/problem.hpp"

namespace agent_host {
class JsonSchema;
}

namespace agent_host::config {

// Validates config documents against one JSON Schema and turns every failure
// into a Problem an operator can act on: the SDK's agent_host::JsonSchema (the
// one valijson wrapper, which plugins use for request bodies) under the
// config's error type. Thread-safe.
class SchemaValidator {
 public:
  // Throws ConfigError when `schema` is not a usable JSON Schema.
  explicit SchemaValidator(nlohmann::json schema);

  // Every problem found, in document order of discovery; empty when valid.
  // `path_prefix` (e.g. "plugins.task-manager.config") is put before each path.
  std::vector<Problem> validate(const nlohmann::json& document,
                                const std::string& path_prefix = "") const;

  const nlohmann::json& schema() const;

 private:
  std::shared_ptr<const JsonSchema> schema_;
};

// One-shot form of SchemaValidator(schema).validate(document, path_prefix).
std::vector<Problem> validate_against_schema(const nlohmann::json& schema,
                                             const nlohmann::json& document,
                                             const std::string& path_prefix = "");

// Fills every absent (or null) key whose schema has a `default`, recursively:
// into present objects, into defaults that are objects themselves, into the
// members matched by an `additionalProperties` schema and into array items.
// Values of the wrong type are left alone for validation to report.
void apply_defaults(const nlohmann::json& schema, nlohmann::json& document);

}  // namespace agent_host::config
