#include "store/connection.hpp"

#include <climits>
#include <cstring>
#include <nlohmann/json.hpp>

#include "store/row_json.hpp"
#include "store/sqlite_params.hpp"
#include "store/sqlite_status.hpp"

namespace agent_host::store {
namespace {

constexpr const char* kControlSql[] = {
    "BEGIN IMMEDIATE",   "COMMIT",          "ROLLBACK",
    "SAVEPOINT ah_body", "RELEASE ah_body", "ROLLBACK TO ah_body",
};

constexpr const char* kTransactionControlRefused =
    "transaction control (BEGIN, COMMIT, ROLLBACK, SAVEPOINT, RELEASE) is not allowed in a "
    "statement: the host manages transactions; use sql_transaction to group statements";
constexpr const char* kAttachRefused =
    "ATTACH and DETACH are not allowed: a plugin uses only its own database";
constexpr const char* kPragmaRefused =
    "changing PRAGMA journal_mode, synchronous, foreign_keys, query_only, locking_mode or "
    "writable_schema is not allowed: the host sets them for durability and integrity";

// Pragmas whose settings the host relies on (durability, integrity, routing).
bool is_protected_pragma(const char* name) {
  static constexpr const char* kProtected[] = {"journal_mode", "synchronous",  "foreign_keys",
                                               "query_only",   "locking_mode", "writable_schema"};
  for (const char* candidate : kProtected) {
    if (name != nullptr && sqlite3_stricmp(name, candidate) == 0) return true;
  }
  return false;
}

Outcome invalid(std::string message) {
  return Outcome{AH_ERR_INVALID_ARGUMENT, std::move(message)};
}

std::string quoted_excerpt(std::string_view sql) {
  return "'" + std::string(sql_excerpt(sql)) + "'";
}

// Resets a statement when leaving run(), whatever the path, so its read
// transaction ends and it can be reused.
class StatementReset {
 public:
  explicit StatementReset(sqlite3_stmt* statement) : statement_(statement) {}
  ~StatementReset() {
    sqlite3_reset(statement_);
    if (sqlite3_bind_parameter_count(statement_) > 0) sqlite3_clear_bindings(statement_);
  }
  StatementReset(const StatementReset&) = delete;
  StatementReset& operator=(const StatementReset&) = delete;

 private:
  sqlite3_stmt* statement_;
};

}  // namespace

Connection::Connection(const std::filesystem::path& file, ConnectionRole role,
                       const Options& options)
    : file_(file) {
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX;
  if (role == ConnectionRole::writer) flags |= SQLITE_OPEN_CREATE;
  const int code = sqlite3_open_v2(file.c_str(), &db_, flags, nullptr);
  if (code != SQLITE_OK) {
    const std::string message = db_ != nullptr ? sqlite3_errmsg(db_) : sqlite3_errstr(code);
    sqlite3_close_v2(db_);
    db_ = nullptr;
    throw StoreError("cannot open SQLite database '" + file.string() + "': " + message);
  }
  try {
    configure(role, options);
  } catch (...) {
    sqlite3_close_v2(db_);
    db_ = nullptr;
    throw;
  }
}

Connection::~Connection() {
  cache_.clear();
  for (sqlite3_stmt*& statement : control_statements_) {
    sqlite3_finalize(statement);
    statement = nullptr;
  }
  sqlite3_close_v2(db_);
}

void Connection::configure(ConnectionRole role, const Options& options) {
  sqlite3_extended_result_codes(db_, 1);
  sqlite3_busy_timeout(db_, options.busy_timeout_ms);
  if (role == ConnectionRole::writer) {
    // journal_mode answers with the mode in force, which is not WAL for an
    // in-memory database or a file system that cannot share memory.
    sqlite3_stmt* statement = nullptr;
    int code = sqlite3_prepare_v2(db_, "PRAGMA journal_mode=WAL", -1, &statement, nullptr);
    if (code == SQLITE_OK) code = sqlite3_step(statement);
    const char* mode = code == SQLITE_ROW
                           ? reinterpret_cast<const char*>(sqlite3_column_text(statement, 0))
                           : nullptr;
    const std::string mode_text = mode != nullptr ? mode : "";
    const std::string message = sqlite3_errmsg(db_);
    sqlite3_finalize(statement);
    if (code != SQLITE_ROW) {
      throw StoreError("cannot use SQLite database '" + file_.string() + "': " + message);
    }
    if (sqlite3_stricmp(mode_text.c_str(), "wal") != 0) {
      throw StoreError("SQLite database '" + file_.string() + "' cannot use WAL mode (it is in '" +
                       mode_text + "' mode); put it on a local file system");
    }
    exec_pragma(options.full_sync ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL");
    // Group commit runs each body in a savepoint, and SQLite journals every page
    // a savepoint first touches; in a temp file that was ~60 % of a create's
    // writes. In memory the copies last only until the batch commits.
    exec_pragma("PRAGMA temp_store=MEMORY");
  } else {
    exec_pragma("PRAGMA query_only=ON");
  }
  exec_pragma("PRAGMA foreign_keys=ON");
  // Installed last: the host's own pragmas above are exactly what it refuses to users.
  sqlite3_set_authorizer(db_, &Connection::authorize, this);
}

void Connection::exec_pragma(const char* sql) {
  char* error = nullptr;
  if (sqlite3_exec(db_, sql, nullptr, nullptr, &error) != SQLITE_OK) {
    const std::string message = error != nullptr ? error : sqlite3_errmsg(db_);
    sqlite3_free(error);
    throw StoreError("cannot configure SQLite database '" + file_.string() + "' with '" + sql +
                     "': " + message);
  }
}

int Connection::authorize(void* self, int action, const char* first, const char* second,
                          const char*, const char*) {
  auto* connection = static_cast<Connection*>(self);
  switch (action) {
    case SQLITE_TRANSACTION:
    case SQLITE_SAVEPOINT:
      if (connection->allow_transaction_control_) return SQLITE_OK;
      connection->refused_ = kTransactionControlRefused;
      return SQLITE_DENY;
    case SQLITE_ATTACH:
    case SQLITE_DETACH:
      connection->refused_ = kAttachRefused;
      return SQLITE_DENY;
    case SQLITE_PRAGMA:
      // `second` is the assigned value; reading a pragma is harmless.
      if (second != nullptr && is_protected_pragma(first)) {
        connection->refused_ = kPragmaRefused;
        return SQLITE_DENY;
      }
      return SQLITE_OK;
    default:
      return SQLITE_OK;
  }
}

Outcome Connection::prepare_failure(int code, std::string_view sql) {
  if ((code & 0xff) == SQLITE_AUTH && refused_ != nullptr) {
    return invalid(std::string(refused_) + " (in " + quoted_excerpt(sql) + ")");
  }
  return sqlite_failure(db_, code, "cannot prepare " + quoted_excerpt(sql));
}

Outcome Connection::prepare(std::string_view sql, sqlite3_stmt*& statement) {
  statement = cache_.find(sql);
  if (statement != nullptr) return {};
  if (sql.size() > static_cast<std::size_t>(INT_MAX)) return invalid("the SQL text is too long");
  refused_ = nullptr;
  const char* tail = nullptr;
  const int code = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                                      SQLITE_PREPARE_PERSISTENT, &statement, &tail);
  if (code != SQLITE_OK) return prepare_failure(code, sql);
  if (statement == nullptr) return invalid("the SQL text holds no statement");
  const char* end = sql.data() + sql.size();
  if (tail != nullptr && tail < end) {
    // Only whitespace and comments may follow: preparing them yields no statement.
    sqlite3_stmt* next = nullptr;
    const int next_code =
        sqlite3_prepare_v2(db_, tail, static_cast<int>(end - tail), &next, nullptr);
    const bool more = next_code != SQLITE_OK || next != nullptr;
    sqlite3_finalize(next);
    if (more) {
      sqlite3_finalize(statement);
      statement = nullptr;
      return invalid("the SQL text holds more than one statement (" + quoted_excerpt(sql) +
                     "); send one statement per call, or group them with sql_transaction");
    }
  }
  cache_.insert(sql, statement);
  return {};
}

Outcome Connection::run(sqlite3_stmt* statement, std::string_view params_json,
                        std::string& rows_json) {
  StatementReset reset(statement);
  rows_json.clear();
  std::vector<SqlParam> params;
  Outcome bound = bind_sql_params(statement, params_json, params);
  if (!bound.ok()) {
    bound.error += " (in " + quoted_excerpt(sqlite3_sql(statement)) + ")";
    return bound;
  }
  rows_json += '[';
  std::vector<std::string> keys;
  bool first_row = true;
  for (;;) {
    const int code = sqlite3_step(statement);
    if (code == SQLITE_DONE) break;
    if (code != SQLITE_ROW) {
      rows_json.clear();
      return sqlite_failure(db_, code,
                            "statement " + quoted_excerpt(sqlite3_sql(statement)) + " failed");
    }
    if (first_row) {
      keys = json_column_keys(statement);
      first_row = false;
    } else {
      rows_json += ',';
    }
    append_row_json(statement, keys, rows_json);
  }
  rows_json += ']';
  return {};
}

Outcome Connection::execute(std::string_view sql, std::string_view params_json,
                            std::string& rows_json) {
  sqlite3_stmt* statement = nullptr;
  Outcome prepared = prepare(sql, statement);
  if (!prepared.ok()) return prepared;
  return run(statement, params_json, rows_json);
}

Outcome Connection::execute_script(const std::string& sql) {
  refused_ = nullptr;
  char* error = nullptr;
  const int code = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &error);
  sqlite3_free(error);  // sqlite3_errmsg still holds the same text
  if (code == SQLITE_OK) return {};
  return prepare_failure(sqlite3_extended_errcode(db_), sql);
}

Outcome Connection::control(ControlStatement which) {
  const auto index = static_cast<std::size_t>(which);
  allow_transaction_control_ = true;  // also while stepping, in case SQLite re-prepares
  sqlite3_stmt*& statement = control_statements_[index];
  int code = SQLITE_OK;
  if (statement == nullptr) {
    code = sqlite3_prepare_v3(db_, kControlSql[index], -1, SQLITE_PREPARE_PERSISTENT, &statement,
                              nullptr);
  }
  if (code == SQLITE_OK) code = sqlite3_step(statement);
  Outcome outcome;
  if (code != SQLITE_DONE) {
    outcome = sqlite_failure(db_, code, std::string("'") + kControlSql[index] + "' failed");
  }
  if (statement != nullptr) sqlite3_reset(statement);
  allow_transaction_control_ = false;
  return outcome;
}

Outcome Connection::check_body_end() {
  int current = 0;
  int highest = 0;
  sqlite3_db_status(db_, SQLITE_DBSTATUS_DEFERRED_FKS, &current, &highest, 0);
  if (current == 0 || !in_transaction()) return {};
  return Outcome{AH_ERR_CONFLICT,
                 "FOREIGN KEY constraint failed: the transaction left rows referring to missing "
                 "rows (deferred constraint)"};
}

}  // namespace agent_host::store
