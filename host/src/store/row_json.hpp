#pragma once

#include <sqlite3.h>

#include <string>
#include <vector>

namespace agent_host::store {

// The `"name":` prefix of each result column, written once per execution.
std::vector<std::string> json_column_keys(sqlite3_stmt* statement);

// Appends the statement's current row as a JSON object: INTEGER and REAL as
// numbers, TEXT as a string, BLOB as a base64 string, NULL as null.
void append_row_json(sqlite3_stmt* statement, const std::vector<std::string>& keys,
                     std::string& out);

}  // namespace agent_host::store
