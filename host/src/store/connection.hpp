#pragma once

#include <sqlite3.h>

#include <array>
#include <filesystem>
#include <string>
#include <string_view>

#include "store/options.hpp"
#include "store/outcome.hpp"
#include "store/session.hpp"
#include "store/statement_cache.hpp"

namespace agent_host::store {

enum class ConnectionRole {
  writer,  // creates the file, sets WAL mode; the only one that writes
  reader   // query_only: a write statement is refused even if routed here by mistake
};

// One SQLite connection with its statement cache. Not thread-safe: whoever owns
// it lets one thread use it at a time.
class Connection final : public Session {
 public:
  static constexpr std::size_t kStatementCacheCapacity = 128;

  // Throws StoreError naming the file and SQLite's message.
  Connection(const std::filesystem::path& file, ConnectionRole role, const Options& options);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Prepares one user statement (or takes it from the cache). Refuses several
  // statements in one text, an empty text, and transaction control or ATTACH.
  Outcome prepare(std::string_view sql, sqlite3_stmt*& statement);

  // Binds params_json, steps to the end and writes the rows as a JSON array;
  // leaves the statement reset for its next use.
  Outcome run(sqlite3_stmt* statement, std::string_view params_json, std::string& rows_json);

  // prepare + run.
  Outcome execute(std::string_view sql, std::string_view params_json,
                  std::string& rows_json) override;

  // A script of several statements without parameters (migrations); rows are discarded.
  Outcome execute_script(const std::string& sql) override;

  // BEGIN is BEGIN IMMEDIATE: the writer takes the lock before the first body runs.
  Outcome control(ControlStatement which) override;

  // False when SQLite is in autocommit mode: no transaction is open (for
  // instance after it rolled one back by itself on an I/O error).
  bool in_transaction() const override { return sqlite3_get_autocommit(db_) == 0; }

  // Refuses a body that left deferred foreign key violations unresolved.
  Outcome check_body_end() override;

 private:
  static int authorize(void* self, int action, const char*, const char*, const char*, const char*);
  void configure(ConnectionRole role, const Options& options);
  void exec_pragma(const char* sql);
  Outcome prepare_failure(int code, std::string_view sql);

  std::filesystem::path file_;
  sqlite3* db_ = nullptr;
  StatementCache cache_{kStatementCacheCapacity};
  std::array<sqlite3_stmt*, 6> control_statements_{};
  bool allow_transaction_control_ = false;  // only while the host runs its own control statements
  const char* refused_ = nullptr;           // what the authorizer refused during the last prepare
};

}  // namespace agent_host::store
