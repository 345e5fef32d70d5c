// The parameters of one statement, read from the JSON array a plugin passes
// across the ABI (`params_json`). Both engines bind from these values, so the
// rules (what may be bound, what an error says) are written once.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "store/outcome.hpp"

namespace agent_host::store {

// One value for a $N placeholder. A JSON bool is the integer 1 or 0, as
// SQLite stores it.
struct SqlParam {
  enum class Kind { null, integer, real, text } kind = Kind::null;
  std::int64_t integer = 0;
  double real = 0;
  std::string text;  // a string's value; for a real, the number as the client wrote it
};

// Reads `params_json`: empty text means no parameters, else a JSON array of
// null, bool, number or string. One streaming pass of nlohmann's parser
// (SAX: no document tree), so there is one JSON grammar in the host. Errors
// are AH_ERR_INVALID_ARGUMENT naming the parameter ($N) and the fix.
Outcome read_sql_params(std::string_view params_json, std::vector<SqlParam>& params);

}  // namespace agent_host::store
