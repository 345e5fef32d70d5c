#include "store/pg_connection.hpp"

#include <algorithm>
#include <cctype>
#include <cstring>
#include <utility>
#include <vector>

#include "store/pg_values.hpp"

namespace agent_host::store {
namespace {

constexpr const char* kControlSql[] = {
    "BEGIN",
    "COMMIT",
    "ROLLBACK",
    "SAVEPOINT ah_body",
    "RELEASE SAVEPOINT ah_body",
    "ROLLBACK TO SAVEPOINT ah_body",
};

// Statements a plugin may not send: the host owns transactions, and COPY
// would leave the connection waiting for data that never comes.
constexpr const char* kRefusedKeywords[] = {"BEGIN",   "START",   "COMMIT", "END",
                                            "ROLLBACK", "ABORT",  "SAVEPOINT", "RELEASE",
                                            "PREPARE", "COPY"};

Outcome invalid(std::string message) {
  return Outcome{AH_ERR_INVALID_ARGUMENT, std::move(message)};
}

std::string quoted_excerpt(std::string_view sql) {
  return "'" + std::string(sql_excerpt(sql)) + "'";
}

// The first word of a statement, upper-cased, after blanks and comments.
std::string leading_keyword(std::string_view sql) {
  std::size_t i = 0;
  for (;;) {
    while (i < sql.size() && std::isspace(static_cast<unsigned char>(sql[i])) != 0) ++i;
    if (sql.substr(i, 2) == "--") {
      i = sql.find('\n', i);
      if (i == std::string_view::npos) return "";
    } else if (sql.substr(i, 2) == "/*") {
      i = sql.find("*/", i + 2);
      if (i == std::string_view::npos) return "";
      i += 2;
    } else {
      break;
    }
  }
  std::string word;
  while (i < sql.size() && std::isalpha(static_cast<unsigned char>(sql[i])) != 0)
    word += static_cast<char>(std::toupper(static_cast<unsigned char>(sql[i++])));
  return word;
}

bool refused_keyword(const std::string& keyword) {
  return std::any_of(std::begin(kRefusedKeywords), std::end(kRefusedKeywords),
                     [&](const char* refused) { return keyword == refused; });
}

bool refused(std::string_view sql) {
  return refused_keyword(leading_keyword(sql));
}

// PostgreSQL's refusal of "a; b" in one prepared statement.
bool several_statements(const PGresult* result) {
  const char* message = PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY);
  return message != nullptr && std::strstr(message, "multiple commands") != nullptr;
}

// Calls `visit(i)` for every character of `sql` outside quotes ('...',
// "...", $tag$...$tag$) and comments: where statements end and $n stand.
template <typename Visit>
void for_each_code_char(std::string_view sql, Visit&& visit) {
  std::size_t i = 0;
  const auto skip_to = [&](std::string_view end) {
    const std::size_t found = sql.find(end, i);
    i = found == std::string_view::npos ? sql.size() : found + end.size();
  };
  while (i < sql.size()) {
    const char c = sql[i];
    const std::size_t close = c == '$' ? sql.find('$', i + 1) : std::string_view::npos;
    const std::string_view tag =
        close == std::string_view::npos ? std::string_view() : sql.substr(i, close - i + 1);
    // $1 is a parameter; $$ and $name$ open a dollar-quoted string.
    const bool dollar_quote = !tag.empty() && !std::isdigit(static_cast<unsigned char>(tag[1])) &&
                              std::all_of(tag.begin() + 1, tag.end() - 1, [](char t) {
                                return std::isalnum(static_cast<unsigned char>(t)) != 0 || t == '_';
                              });
    if (c == '\'' || c == '"') {
      ++i;
      skip_to(std::string_view(&c, 1));  // a doubled quote reads as two strings: same result
    } else if (sql.substr(i, 2) == "--") {
      skip_to("\n");
    } else if (sql.substr(i, 2) == "/*") {
      skip_to("*/");
    } else if (dollar_quote) {
      i += tag.size();
      skip_to(tag);
    } else {
      visit(i++);
    }
  }
}

// The first keyword of every statement of a script.
std::vector<std::string> script_keywords(std::string_view script) {
  std::vector<std::string> keywords;
  std::size_t start = 0;
  for_each_code_char(script, [&](std::size_t i) {
    if (script[i] != ';') return;
    keywords.push_back(leading_keyword(script.substr(start, i - start)));
    start = i + 1;
  });
  keywords.push_back(leading_keyword(script.substr(start)));
  return keywords;
}

// The highest $n a statement names (0 for none).
std::size_t highest_placeholder(std::string_view sql) {
  std::size_t highest = 0;
  for_each_code_char(sql, [&](std::size_t i) {
    if (sql[i] != '$') return;
    std::size_t number = 0;
    while (++i < sql.size() && std::isdigit(static_cast<unsigned char>(sql[i])) != 0)
      number = number * 10 + static_cast<std::size_t>(sql[i] - '0');
    highest = std::max(highest, number);
  });
  return highest;
}

bool failed(const PGresult* result) {
  if (result == nullptr) return true;
  const ExecStatusType status = PQresultStatus(result);
  return status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK;
}

std::string connection_error(PGconn* connection) {
  std::string message = connection != nullptr ? PQerrorMessage(connection) : "out of memory";
  while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
  return message;
}

}  // namespace

std::string pg_target(const PostgresSettings& settings) {
  char* error = nullptr;
  PQconninfoOption* options = PQconninfoParse(settings.conninfo.c_str(), &error);
  if (options == nullptr) {
    std::string message = error != nullptr ? error : "cannot parse the connection string";
    PQfreemem(error);
    return "PostgreSQL (connection string not understood: " + message + ")";
  }
  std::string host = "localhost", port = "5432", user = "(default user)", database;
  for (PQconninfoOption* option = options; option->keyword != nullptr; ++option) {
    if (option->val == nullptr || option->val[0] == '\0') continue;
    const std::string_view keyword = option->keyword;
    if (keyword == "host" || keyword == "hostaddr") host = option->val;
    if (keyword == "port") port = option->val;
    if (keyword == "user") user = option->val;
    if (keyword == "dbname") database = option->val;
  }
  PQconninfoFree(options);
  if (database.empty()) database = user;
  return "PostgreSQL at " + host + ":" + port + " as user " + user + ", database " + database;
}

PgConnection::PgConnection(const PostgresSettings& settings, PgHealth& health)
    : settings_(settings), health_(health) {}

PgConnection::~PgConnection() {
  PQfinish(connection_);
}

Outcome PgConnection::connect() {
  if (connection_ != nullptr && PQstatus(connection_) == CONNECTION_OK) return {};
  PQfinish(connection_);
  forget_prepared();
  const std::string timeout = std::to_string(std::max(2, settings_.connect_timeout_ms / 1000));
  const std::string options = "-c search_path=" + settings_.schema;
  // Keepalives notice a server that vanished without closing the connection (failover).
  const char* keywords[] = {"dbname",     "password",   "connect_timeout", "application_name",
                            "options",    "keepalives", "keepalives_idle", "keepalives_interval",
                            "keepalives_count", nullptr};
  const char* values[] = {settings_.conninfo.c_str(),
                          settings_.password.empty() ? nullptr : settings_.password.c_str(),
                          timeout.c_str(),
                          "agent-host",
                          options.c_str(),
                          "1",
                          "10",
                          "5",
                          "3",
                          nullptr};
  deferred_.clear();  // they belonged to a transaction the old connection lost
  connection_ = PQconnectdbParams(keywords, values, /*expand_dbname=*/1);
  if (PQstatus(connection_) != CONNECTION_OK) {
    const std::string message =
        "cannot connect to " + pg_target(settings_) + ": " + connection_error(connection_);
    PQfinish(connection_);
    connection_ = nullptr;
    health_.mark_down(message);
    return Outcome{AH_ERR_UNAVAILABLE, message};
  }
  // Server notices ("schema already exists, skipping") are not the host's log.
  PQsetNoticeProcessor(connection_, [](void*, const char*) {}, nullptr);
  health_.mark_up();
  return {};
}

Outcome PgConnection::ensure_connected() {
  if (connection_ != nullptr && PQstatus(connection_) == CONNECTION_OK) return {};
  std::string why;
  if (!health_.may_try(why)) return Outcome{AH_ERR_UNAVAILABLE, why + " (retrying with backoff)"};
  return connect();
}

void PgConnection::forget_prepared() {
  prepared_.clear();
}

Outcome PgConnection::lost(std::string_view what) {
  const std::string message = std::string(what) + ": the connection to " +
                              pg_target(settings_) + " was lost: " +
                              connection_error(connection_);
  health_.mark_down(message);
  return Outcome{AH_ERR_UNAVAILABLE, message};
}

PgConnection::Result PgConnection::next_result() {
  return Result(PQgetResult(connection_), &PQclear);
}

Outcome PgConnection::simple(const char* sql, std::string_view what) {
  Result result(PQexec(connection_, sql), &PQclear);
  if (PQstatus(connection_) != CONNECTION_OK) return lost(what);
  if (!failed(result.get())) return {};
  if (pg_retryable(result.get())) retry_requested_ = true;
  return pg_failure(result.get(), what);
}

Outcome PgConnection::execute(std::string_view sql, std::string_view params_json,
                              std::string& rows_json) {
  rows_json.clear();
  if (refused(sql)) {
    return invalid(
        "transaction control (BEGIN, COMMIT, ROLLBACK, SAVEPOINT, RELEASE), PREPARE and COPY are "
        "not allowed in a statement: the host manages transactions; use sql_transaction to "
        "group statements (in " +
        quoted_excerpt(sql) + ")");
  }
  PgParams params;
  Outcome read = pg_params_from_json(params_json, params);
  if (!read.ok()) {
    read.error += " (in " + quoted_excerpt(sql) + ")";
    return read;
  }
  // PostgreSQL accepts values for parameters a statement does not name; SQLite does not.
  const std::size_t named = highest_placeholder(sql);
  if (params.values.size() > named) {
    return invalid("params_json has " + std::to_string(params.values.size()) +
                   " value(s) but the statement does not use parameter $" +
                   std::to_string(named + 1) + " (in " + quoted_excerpt(sql) + ")");
  }
  const bool guarded = in_transaction();
  if (!guarded) {
    Outcome connected = ensure_connected();
    if (!connected.ok()) return connected;
  }
  Outcome outcome = run_statement(sql, params, guarded, rows_json);
  if (!outcome.ok()) rows_json.clear();
  if (!outcome.ok() && guarded && PQstatus(connection_) == CONNECTION_OK) {
    Outcome undone = simple("ROLLBACK TO SAVEPOINT ah_statement; RELEASE SAVEPOINT ah_statement",
                            "undoing the failed statement");
    if (!undone.ok()) return undone;
  }
  return outcome;
}

// One pipeline: [SAVEPOINT] [Parse] Bind/Execute [RELEASE] Sync, read back in order.
Outcome PgConnection::run_statement(std::string_view sql, const PgParams& params, bool guarded,
                                    std::string& rows_json) {
  const std::string what = "statement " + quoted_excerpt(sql);
  std::string key(sql);
  key += '\x1f';
  key += params.signature();
  auto found = prepared_.find(key);
  const bool prepare = found == prepared_.end();
  std::string name = prepare ? "ah_" + std::to_string(next_statement_++) : found->second;
  if (prepare && prepared_.size() >= kPreparedCapacity) {
    Outcome cleared = simple("DEALLOCATE ALL", "clearing prepared statements");
    if (!cleared.ok()) return cleared;
    forget_prepared();
  }
  const std::string text(sql);
  const auto values = params.pointers();
  const int count = static_cast<int>(params.values.size());
  if (PQenterPipelineMode(connection_) != 1) return lost(what);
  bool sent = true;
  // The body savepoints the write queue asked for go ahead in the same trip.
  const int deferred = static_cast<int>(deferred_.size());
  for (const char* control : deferred_)
    sent = sent && PQsendQueryParams(connection_, control, 0, nullptr, nullptr, nullptr, nullptr,
                                     0) == 1;
  deferred_.clear();
  if (sent && guarded) sent = PQsendQueryParams(connection_, "SAVEPOINT ah_statement", 0, nullptr,
                                                nullptr, nullptr, nullptr, 0) == 1;
  if (sent && prepare)
    sent = PQsendPrepare(connection_, name.c_str(), text.c_str(), count, params.types.data()) == 1;
  if (sent)
    sent = PQsendQueryPrepared(connection_, name.c_str(), count, values.data(), nullptr, nullptr,
                               0) == 1;
  if (sent && guarded)
    sent = PQsendQueryParams(connection_, "RELEASE SAVEPOINT ah_statement", 0, nullptr, nullptr,
                             nullptr, nullptr, 0) == 1;
  if (sent) sent = PQpipelineSync(connection_) == 1;
  if (!sent) {
    PQexitPipelineMode(connection_);
    return lost(what);
  }
  // Results in the order sent; the first failure decides the outcome.
  const int expected = deferred + 1 + (guarded ? 2 : 0) + (prepare ? 1 : 0);
  const int statement_index = deferred + (guarded ? 1 : 0) + (prepare ? 1 : 0);
  const int parse_index = deferred + (guarded ? 1 : 0);
  bool parsed = false;
  Outcome outcome;
  for (int i = 0; i < expected; ++i) {
    Result result = next_result();
    if (result == nullptr) return lost(what);
    if (prepare && i == parse_index) parsed = !failed(result.get());
    if (outcome.ok() && PQresultStatus(result.get()) == PGRES_EMPTY_QUERY) {
      outcome = invalid("the SQL text holds no statement");
    } else if (outcome.ok() && failed(result.get()) &&
               PQresultStatus(result.get()) != PGRES_PIPELINE_ABORTED) {
      if (pg_retryable(result.get())) retry_requested_ = true;
      outcome = several_statements(result.get())
                    ? invalid("the SQL text holds more than one statement (" +
                              quoted_excerpt(sql) +
                              "); send one statement per call, or group them with "
                              "sql_transaction")
                    : pg_failure(result.get(), what + " failed");
    }
    if (i == statement_index && outcome.ok()) append_pg_rows_json(result.get(), rows_json);
    while (Result rest = next_result()) {
    }
    if (PQstatus(connection_) != CONNECTION_OK) return lost(what);
  }
  Result sync = next_result();
  if (sync == nullptr || PQresultStatus(sync.get()) != PGRES_PIPELINE_SYNC) return lost(what);
  PQexitPipelineMode(connection_);
  // A statement whose Parse succeeded stays prepared even if its execution failed.
  if (parsed) prepared_.emplace(std::move(key), std::move(name));
  return outcome;
}

Outcome PgConnection::execute_script(const std::string& sql) {
  for (const std::string& keyword : script_keywords(sql)) {
    if (refused_keyword(keyword)) {
      return invalid(
          "transaction control (" + keyword +
          ") is not allowed in a migration: each migration already runs in its own transaction");
    }
  }
  Outcome connected = ensure_connected();
  if (!connected.ok()) return connected;
  std::string script;
  for (const char* kept : deferred_) script.append(kept).append("; ");
  deferred_.clear();
  script += sql;
  return simple(script.c_str(), "script " + quoted_excerpt(sql));
}

// A body's SAVEPOINT and RELEASE are kept back and sent with the next
// statement (or COMMIT): one round trip per statement, none per body.
Outcome PgConnection::control(ControlStatement which) {
  const bool savepoint_pending =
      !deferred_.empty() && deferred_.back() == kControlSql[static_cast<std::size_t>(
                                                    ControlStatement::savepoint)];
  switch (which) {
    case ControlStatement::savepoint:
      deferred_.push_back(kControlSql[static_cast<std::size_t>(which)]);
      return {};
    case ControlStatement::release:
      if (savepoint_pending) {
        deferred_.pop_back();  // an empty body: neither needs sending
      } else {
        deferred_.push_back(kControlSql[static_cast<std::size_t>(which)]);
      }
      return {};
    case ControlStatement::rollback_to:
      if (savepoint_pending) return {};  // nothing ran since the savepoint
      break;
    case ControlStatement::rollback:
      deferred_.clear();
      break;
    default:
      break;
  }
  return run_control(which);
}

Outcome PgConnection::run_control(ControlStatement which) {
  const char* control = kControlSql[static_cast<std::size_t>(which)];
  if (which == ControlStatement::begin) {
    Outcome connected = ensure_connected();
    if (!connected.ok()) return connected;
  }
  if (connection_ == nullptr) return lost(control);
  // What is kept back goes first, in the same simple-protocol message.
  std::string sql;
  for (const char* kept : deferred_) sql.append(kept).append("; ");
  deferred_.clear();
  sql += control;
  Result result(PQexec(connection_, sql.c_str()), &PQclear);
  if (which == ControlStatement::begin && PQstatus(connection_) != CONNECTION_OK) {
    // A connection the server dropped while idle (a restart): nothing ran
    // yet, so one fresh connection may begin instead.
    if (connect().ok()) result.reset(PQexec(connection_, sql.c_str()));
  }
  if (PQstatus(connection_) != CONNECTION_OK) {
    Outcome gone = lost("'" + sql + "'");
    if (which == ControlStatement::commit)
      gone.error += "; whether the transaction was committed is unknown";
    return gone;
  }
  if (failed(result.get())) {
    if (pg_retryable(result.get())) retry_requested_ = true;
    return pg_failure(result.get(), "'" + sql + "' failed");
  }
  // COMMIT of a transaction in an error state answers ROLLBACK.
  if (which == ControlStatement::commit && std::string_view(PQcmdStatus(result.get())) == "ROLLBACK")
    return Outcome{AH_ERR_INTERNAL, "'COMMIT' rolled the transaction back: a statement had failed"};
  return {};
}

bool PgConnection::in_transaction() const {
  if (connection_ == nullptr) return false;
  const PGTransactionStatusType status = PQtransactionStatus(connection_);
  return status == PQTRANS_INTRANS || status == PQTRANS_INERROR;
}

bool PgConnection::take_retry_request() {
  return std::exchange(retry_requested_, false);
}

Outcome PgConnection::lock_for_migration() {
  std::string rows;
  return execute("SELECT pg_advisory_xact_lock(hashtext('agent-host migrations ' || "
                 "current_schema())) AS locked",
                 "", rows);
}

}  // namespace agent_host::store
