// The input schema of a workflow (JSON Schema), compiled once per version.
#pragma once

#include <agent_host/json_schema.hpp>
#include <nlohmann/json.hpp>

#include "problems.hpp"

namespace workflow {

// agent_host::JsonSchema with the workflow's problem list and paths under "input".
class InputSchema {
 public:
  // Throws agent_host::InvalidSchema (a std::invalid_argument) saying why
  // `schema` is not a usable JSON Schema.
  explicit InputSchema(const nlohmann::json& schema) : schema_(schema) {}

  // Every way `input` breaks the schema, paths starting at "input" ("input.team").
  Problems validate(const nlohmann::json& input) const;

 private:
  agent_host::JsonSchema schema_;
};

}  // namespace workflow
