// Binding a statement's $1, $2, ... on SQLite from the plugin's params_json.
#pragma once

#include <sqlite3.h>

#include <string_view>
#include <vector>

#include "store/outcome.hpp"
#include "store/sql_params.hpp"

namespace agent_host::store {

// Binds the statement's $1, $2, ... placeholders from `params_json`
// (read_sql_params). Checks that the statement uses exactly $1..$N for N
// given values and no other placeholder form. Strings are bound without a
// copy: `values` holds them and must outlive the statement's execution.
Outcome bind_sql_params(sqlite3_stmt* statement, std::string_view params_json,
                        std::vector<SqlParam>& values);

}  // namespace agent_host::store
