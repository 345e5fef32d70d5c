#pragma once

#include <stdexcept>
#include <string>

namespace agent_host::config {

// Every configuration problem the host reports to an operator: bad YAML, a
// missing file, or keys that fail the schema. `what()` is ready to print.
class ConfigError : public std::runtime_error {
 public:
  explicit ConfigError(const std::string& message) : std::runtime_error(message) {}
};

}  // namespace agent_host::config
