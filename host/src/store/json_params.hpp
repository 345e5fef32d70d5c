#pragma once

#include <sqlite3.h>

#include <nlohmann/json.hpp>
#include <string_view>

#include "store/outcome.hpp"

namespace agent_host::store {

// Binds the statement's $1, $2, ... placeholders from `params_json`, a JSON
// array of null, bool, number or string (empty text means no parameters).
// Checks that the statement uses exactly $1..$N for N given values and uses no
// other placeholder form. `parsed` receives the parsed array and must outlive
// the statement's execution (strings are bound without copying).
Outcome bind_json_params(sqlite3_stmt* statement, std::string_view params_json,
                         nlohmann::json& parsed);

}  // namespace agent_host::store
