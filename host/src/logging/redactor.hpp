#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace agent_host::logging {

// Replaces registered secret values by "[REDACTED]". Immutable once built, so
// a snapshot can be shared between threads without locking.
class Redactor {
 public:
  static constexpr std::size_t kMinimumSecretLength = 4;  // shorter values would hit ordinary words
  static constexpr const char* kReplacement = "[REDACTED]";

  Redactor() = default;
  // A copy that also redacts `secret` (unchanged when it is too short or known).
  Redactor with_secret(std::string secret) const;

  bool empty() const { return secrets_.empty(); }
  std::string redact(std::string text) const;
  // Every string in `value`, object keys included.
  void redact_json(nlohmann::json& value) const;

 private:
  std::vector<std::string> secrets_;  // longest first, so a longer secret wins over its prefix
};

}  // namespace agent_host::logging
