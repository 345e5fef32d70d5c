#pragma once

#include <agent_host/abi.h>

#include <stdexcept>
#include <string>
#include <string_view>

namespace agent_host::store {

// The result of a storage call: a status from the ABI and, on failure, a message
// that names what went wrong (SQLite's own text included).
struct Outcome {
  ah_status status = AH_OK;
  std::string error;
  bool ok() const { return status == AH_OK; }
};

// Thrown only when a database cannot be opened; every other failure is an Outcome.
class StoreError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The SQL text shortened for messages.
inline std::string_view sql_excerpt(std::string_view sql) {
  constexpr std::size_t kLimit = 160;
  return sql.size() <= kLimit ? sql : sql.substr(0, kLimit);
}

}  // namespace agent_host::store
