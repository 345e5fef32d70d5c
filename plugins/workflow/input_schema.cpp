#include "input_schema.hpp"

namespace workflow {

Problems InputSchema::validate(const nlohmann::json& input) const {
  Problems problems;
  for (agent_host::SchemaProblem& found : schema_.validate(input, "input")) {
    std::string message = std::move(found.message);
    if (!found.suggestion.empty()) message += " (" + found.suggestion + ")";
    problems.add(std::move(found.path), std::move(message));
  }
  return problems;
}

}  // namespace workflow
