#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "config/problem.hpp"

namespace valijson {
class Schema;
}

namespace agent_host::config {

// Validates JSON documents against one JSON Schema (the draft 7 subset the
// host and plugins use: type, properties, required, enum, items, minimum,
// maximum, minLength, maxLength, minProperties, pattern, additionalProperties)
// and turns every failure into a Problem an operator can act on. valijson does
// the validation; this class only explains its findings. Thread-safe.
class SchemaValidator {
 public:
  // Throws ConfigError when `schema` is not a usable JSON Schema.
  explicit SchemaValidator(nlohmann::json schema);

  // Every problem found, in document order of discovery; empty when valid.
  // `path_prefix` (e.g. "plugins.task-manager.config") is put before each path.
  std::vector<Problem> validate(const nlohmann::json& document,
                                const std::string& path_prefix = "") const;

  const nlohmann::json& schema() const { return schema_; }

 private:
  nlohmann::json schema_;
  std::shared_ptr<const valijson::Schema> compiled_;
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
