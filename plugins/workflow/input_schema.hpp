// The input schema of a workflow (JSON Schema), compiled once per version.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "problems.hpp"

namespace workflow {

class InputSchema {
 public:
  // Throws std::runtime_error with valijson's reason when `schema` is not a schema.
  explicit InputSchema(const nlohmann::json& schema);
  ~InputSchema();
  InputSchema(const InputSchema&) = delete;
  InputSchema& operator=(const InputSchema&) = delete;

  // Every way `input` breaks the schema, paths starting at "input".
  Problems validate(const nlohmann::json& input) const;

 private:
  struct Compiled;
  std::unique_ptr<Compiled> compiled_;
};

}  // namespace workflow
