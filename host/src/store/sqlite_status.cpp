#include "store/sqlite_status.hpp"

#include <string>

namespace agent_host::store {

ah_status status_for_sqlite_code(int code) {
  switch (code & 0xff) {
    case SQLITE_OK:
    case SQLITE_ROW:
    case SQLITE_DONE:
      return AH_OK;
    case SQLITE_CONSTRAINT:
      return AH_ERR_CONFLICT;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return AH_ERR_UNAVAILABLE;
    // The caller's SQL or values: syntax errors, unknown tables or columns,
    // type mismatches, oversized values, refused statements.
    case SQLITE_ERROR:
    case SQLITE_MISMATCH:
    case SQLITE_RANGE:
    case SQLITE_TOOBIG:
    case SQLITE_AUTH:
      return AH_ERR_INVALID_ARGUMENT;
    default:
      return AH_ERR_INTERNAL;
  }
}

Outcome sqlite_failure(sqlite3* db, int code, std::string_view what) {
  std::string message(what);
  message += ": ";
  message += db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(code);
  message += " (";
  message += sqlite3_errstr(code);
  message += ")";
  if ((code & 0xff) == SQLITE_BUSY || (code & 0xff) == SQLITE_LOCKED) {
    message += "; the database stayed locked by another connection past the busy timeout, retry";
  }
  return Outcome{status_for_sqlite_code(code), std::move(message)};
}

}  // namespace agent_host::store
