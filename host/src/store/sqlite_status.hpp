#pragma once

#include <sqlite3.h>

#include <string_view>

#include "store/outcome.hpp"

namespace agent_host::store {

// The ABI status for a SQLite result code (primary or extended).
ah_status status_for_sqlite_code(int code);

// An Outcome for a failed SQLite call on `db`: the mapped status and a message
// made of `what` (e.g. the statement), SQLite's message and its error name.
Outcome sqlite_failure(sqlite3* db, int code, std::string_view what);

}  // namespace agent_host::store
