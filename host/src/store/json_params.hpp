#pragma once

#include <sqlite3.h>

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "store/outcome.hpp"

namespace agent_host::store {

// What bound values point into (strings are bound without copying): must
// outlive the statement's execution, like `params_json` itself.
struct BoundParams {
  std::vector<std::string> unescaped;  // strings that held escapes, decoded
  nlohmann::json parsed;               // the general parser's tree, when it was used
};

// Binds the statement's $1, $2, ... placeholders from `params_json`, a JSON
// array of null, bool, number or string (empty text means no parameters).
// Checks that the statement uses exactly $1..$N for N given values and uses no
// other placeholder form. A flat array of ASCII scalars is read by a small
// scanner (strings without escapes are bound in place); anything else (nested
// values, non-ASCII text, malformed JSON) goes through nlohmann::json, which
// also words every error.
Outcome bind_json_params(sqlite3_stmt* statement, std::string_view params_json,
                         BoundParams& storage);

}  // namespace agent_host::store
