// SQL parameters as a plugin passes them (a JSON array) bound to a statement
// with placeholders. Input: SQL NUL parameters.
#include <sqlite3.h>

#include "fuzz_input.hpp"
#include "store/sqlite_params.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static sqlite3* db = [] {
    sqlite3* handle = nullptr;
    sqlite3_open(":memory:", &handle);
    sqlite3_exec(handle, "CREATE TABLE t(a, b, c)", nullptr, nullptr, nullptr);
    return handle;
  }();
  const auto [sql, params] = agent_host::fuzz::two_parts(agent_host::fuzz::text(data, size));
  sqlite3_stmt* statement = nullptr;
  if (sqlite3_prepare_v2(db, std::string(sql).c_str(), -1, &statement, nullptr) != SQLITE_OK)
    return 0;
  std::vector<agent_host::store::SqlParam> storage;
  (void)agent_host::store::bind_sql_params(statement, params, storage);
  sqlite3_finalize(statement);
  return 0;
}
