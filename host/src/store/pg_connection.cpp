// Over 500 lines: one class, PgConnection, whose pipelining and failure accounting share
// private state; its parts (SQL text, values, settings) are in files of their own.
#include "store/pg_connection.hpp"

#include <algorithm>
#include <cctype>
#include <cstring>
#include <utility>
#include <vector>

#include "store/pg_sql_text.hpp"

namespace agent_host::store {
namespace {

constexpr const char* kBegin = "BEGIN";
constexpr const char* kSavepoint = "SAVEPOINT ah_body";
constexpr const char* kRelease = "RELEASE SAVEPOINT ah_body";
constexpr const char* kRollbackTo = "ROLLBACK TO SAVEPOINT ah_body";
constexpr const char* kCommit = "COMMIT";

bool refused(std::string_view sql) {
  return refused_keyword(leading_keyword(sql));
}

Outcome invalid(std::string message) {
  return Outcome{AH_ERR_INVALID_ARGUMENT, std::move(message)};
}

std::string quoted_excerpt(std::string_view sql) {
  return "'" + std::string(sql_excerpt(sql)) + "'";
}

// PostgreSQL's refusal of "a; b" in one prepared statement.
bool several_statements(const PGresult* result) {
  const char* message = PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY);
  return message != nullptr && std::strstr(message, "multiple commands") != nullptr;
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
  const char* keywords[] = {
      "dbname",     "password",        "connect_timeout",     "application_name", "options",
      "keepalives", "keepalives_idle", "keepalives_interval", "keepalives_count", nullptr};
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
  forget_transaction();  // it was the old connection's
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
  PQsetNoticeProcessor(
      connection_, [](void*, const char*) {}, nullptr);
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

// Statements stay prepared across transactions; the cache is trimmed only
// between them, since DEALLOCATE fails in a transaction that is aborted.
Outcome PgConnection::trim_prepared() {
  if (prepared_.size() < kPreparedCapacity) return {};
  Outcome cleared = simple("DEALLOCATE ALL", "clearing prepared statements");
  if (cleared.ok()) forget_prepared();
  return cleared;
}

// A pipeline that could not be sent or read whole leaves the connection in
// an unknown state: it is closed, and the next use connects again (with
// whatever transaction it held gone, as the server sees it too).
Outcome PgConnection::abandon_connection(std::string_view what) {
  Outcome gone = lost(what);
  close_connection();
  return gone;
}

void PgConnection::close_connection() {
  PQfinish(connection_);
  connection_ = nullptr;
  begin_kept_ = false;
  forget_prepared();
}

Outcome PgConnection::lost(std::string_view what) {
  const std::string message = std::string(what) + ": the connection to " + pg_target(settings_) +
                              " was lost: " + connection_error(connection_);
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

// What one answer read back from a pipeline stands for.
struct PgConnection::Answer {
  enum class Kind { control, parse, statement };
  Kind kind;
  std::size_t body = 0;                  // whose (see LateFailure)
  const char* control = nullptr;         // control: its text
  const Statement* statement = nullptr;  // parse, statement: whose
  std::string prepared_key;              // parse: forgotten unless it succeeds
  bool rows = false;                     // statement: its rows are the caller's
};

Outcome PgConnection::checked_statement(std::string_view sql, std::string_view params_json,
                                        Statement& statement) const {
  if (!holds_statement(sql)) return invalid("the SQL text holds no statement");
  if (refused(sql)) {
    return invalid(
        "transaction control (BEGIN, COMMIT, ROLLBACK, SAVEPOINT, RELEASE), PREPARE and COPY are "
        "not allowed in a statement: the host manages transactions; use sql_transaction to "
        "group statements (in " +
        quoted_excerpt(sql) + ")");
  }
  Outcome read = pg_params_from_json(params_json, statement.params);
  if (!read.ok()) {
    read.error += " (in " + quoted_excerpt(sql) + ")";
    return read;
  }
  // PostgreSQL accepts values for parameters a statement does not name; SQLite does not.
  const std::size_t named = highest_placeholder(sql);
  if (statement.params.values.size() > named) {
    return invalid("params_json has " + std::to_string(statement.params.values.size()) +
                   " value(s) but the statement does not use parameter $" +
                   std::to_string(named + 1) + " (in " + quoted_excerpt(sql) + ")");
  }
  statement.sql = sql;
  return {};
}

// Once something sent in this transaction failed, nothing more is sent: the
// server would refuse it as part of an aborted transaction.
Outcome PgConnection::pending_failure() const {
  if (!body_failure_.ok()) return body_failure_;
  if (late_failure_) return late_failure_->outcome;
  // The connection went away inside a transaction: a statement now would
  // run on a new connection, outside it, and commit on its own.
  if (transaction_open_ && !in_transaction())
    return Outcome{AH_ERR_UNAVAILABLE, "the connection to " + pg_target(settings_) +
                                           " was lost during the transaction; nothing of it "
                                           "was committed"};
  return {};
}

Outcome PgConnection::execute(std::string_view sql, std::string_view params_json,
                              std::string& rows_json) {
  rows_json.clear();
  Outcome failure = pending_failure();
  if (!failure.ok()) return failure;
  Statement statement;
  Outcome checked = checked_statement(sql, params_json, statement);
  if (!checked.ok()) return checked;
  if (!in_transaction()) {
    Outcome connected = ensure_connected();
    if (!connected.ok()) return connected;
  }
  Outcome outcome = round_trip(&statement, nullptr, rows_json);
  if (!outcome.ok()) rows_json.clear();
  return outcome;
}

Outcome PgConnection::execute_write(std::string_view sql, std::string_view params_json) {
  if (!in_transaction()) {
    std::string discarded;
    return execute(sql, params_json, discarded);
  }
  Outcome failure = pending_failure();
  if (!failure.ok()) return failure;
  Kept kept;
  kept.body = body_;
  Outcome checked = checked_statement(sql, params_json, kept.write);
  if (!checked.ok()) return checked;
  kept_.push_back(std::move(kept));
  if (kept_.size() < kMaxKept) return {};
  std::string no_rows;
  return round_trip(nullptr, nullptr, no_rows);
}

Outcome PgConnection::check_body_end() {
  return body_failure_;
}

std::optional<LateFailure> PgConnection::take_late_failure() {
  return std::exchange(late_failure_, std::nullopt);
}

bool PgConnection::send_text(const char* sql, std::size_t body, std::vector<Answer>& answers) {
  answers.push_back({Answer::Kind::control, body, sql, nullptr, {}, false});
  return PQsendQueryParams(connection_, sql, 0, nullptr, nullptr, nullptr, nullptr, 0) == 1;
}

// Bind/Execute of the statement's prepared name, after its Parse the first time.
bool PgConnection::send_prepared(const Statement& statement, std::size_t body,
                                 std::vector<Answer>& answers) {
  std::string key = statement.sql;
  key += '\x1f';
  key += statement.params.signature();
  auto [entry, first_use] = prepared_.try_emplace(key);
  const int count = static_cast<int>(statement.params.values.size());
  if (first_use) {
    entry->second = "ah_" + std::to_string(next_statement_++);
    answers.push_back({Answer::Kind::parse, body, nullptr, &statement, key, false});
    if (PQsendPrepare(connection_, entry->second.c_str(), statement.sql.c_str(), count,
                      statement.params.types.data()) != 1)
      return false;
  }
  answers.push_back({Answer::Kind::statement, body, nullptr, &statement, {}, false});
  const auto values = statement.params.pointers();
  return PQsendQueryPrepared(connection_, entry->second.c_str(), count, values.data(), nullptr,
                             nullptr, 0) == 1;
}

// What was kept, with the running body's SAVEPOINT at its place.
bool PgConnection::send_kept(const std::vector<Kept>& kept, std::vector<Answer>& answers) {
  bool sent = true;
  for (std::size_t i = 0; i <= kept.size() && sent; ++i) {
    if (savepoint_ == Savepoint::wanted && i == savepoint_at_) {
      sent = send_text(kSavepoint, body_, answers);
      savepoint_ = Savepoint::sent;
    }
    if (i == kept.size() || !sent) break;
    sent = kept[i].control != nullptr ? send_text(kept[i].control, kept[i].body, answers)
                                      : send_prepared(kept[i].write, kept[i].body, answers);
  }
  return sent;
}

// One pipeline: what was kept, then the statement being read (between
// SAVEPOINT and RELEASE in a transaction) or the closing COMMIT, then Sync;
// the answers come back in that order.
Outcome PgConnection::round_trip(const Statement* reading, const char* closing,
                                 std::string& rows_json) {
  const std::vector<Kept> kept = std::exchange(kept_, {});
  bool none_ran = false;
  if (!begin_kept_) return send_pipeline(kept, reading, closing, rows_json, none_ran);
  // The transaction's first pipeline. When the server's farewell (a restart
  // ends idle connections with one) came in place of BEGIN's answer, none of
  // it ran, and one fresh connection carries it again.
  const std::size_t body = body_;
  const Savepoint savepoint = savepoint_;
  const std::size_t savepoint_at = savepoint_at_;
  Outcome outcome = send_pipeline(kept, reading, closing, rows_json, none_ran);
  if (outcome.ok() || !none_ran || !connect().ok()) return outcome;
  body_ = body;
  savepoint_ = savepoint;
  savepoint_at_ = savepoint_at;
  begin_kept_ = true;
  return send_pipeline(kept, reading, closing, rows_json, none_ran);
}

// The pipeline itself; `none_ran` is set when the connection was lost and
// its first answer, BEGIN's, was already a failure.
Outcome PgConnection::send_pipeline(const std::vector<Kept>& kept, const Statement* reading,
                                    const char* closing, std::string& rows_json, bool& none_ran) {
  const bool guarded = reading != nullptr && in_transaction();
  // Named only when something fails: this is every write's path.
  const auto what = [&] {
    return reading != nullptr   ? "statement " + quoted_excerpt(reading->sql)
           : closing != nullptr ? "'" + std::string(closing) + "'"
                                : std::string("sending kept writes");
  };
  if (!in_transaction()) {
    Outcome trimmed = trim_prepared();
    if (!trimmed.ok()) return trimmed;
  }
  if (PQenterPipelineMode(connection_) != 1) return abandon_connection(what());
  std::vector<Answer> answers;
  bool sent = true;
  const bool opening = std::exchange(begin_kept_, false);
  if (opening) sent = send_text(kBegin, 0, answers);
  if (sent) sent = send_kept(kept, answers);
  const std::size_t own_answers = answers.size();
  if (sent && guarded) sent = send_text("SAVEPOINT ah_statement", body_, answers);
  if (sent && reading != nullptr) {
    sent = send_prepared(*reading, body_, answers);
    answers.back().rows = true;
  }
  if (sent && guarded) sent = send_text("RELEASE SAVEPOINT ah_statement", body_, answers);
  if (sent && closing != nullptr) sent = send_text(closing, body_, answers);
  if (sent) sent = PQpipelineSync(connection_) == 1;
  if (!sent) return abandon_connection(what());
  std::size_t failed_at = answers.size();
  Outcome outcome = read_answers(answers, rows_json, failed_at);
  if (PQstatus(connection_) != CONNECTION_OK && !outcome.ok()) {
    close_connection();  // read_answers said what was lost
    none_ran = opening && failed_at == 0 && farewell_first_;
    return outcome;
  }
  if (PQstatus(connection_) != CONNECTION_OK || PQexitPipelineMode(connection_) != 1)
    return abandon_connection(what());
  if (outcome.ok()) return outcome;
  // BEGIN itself failed: nothing of the transaction is open on the server.
  if (opening && failed_at == 0) return outcome;
  if (failed_at < own_answers) return blame(answers[failed_at].body, outcome, closing == nullptr);
  if (guarded) {
    Outcome undone = simple("ROLLBACK TO SAVEPOINT ah_statement; RELEASE SAVEPOINT ah_statement",
                            "undoing the failed statement");
    if (!undone.ok()) return undone;
  }
  return outcome;
}

// A kept statement failed, so the transaction is aborted: the running
// body's own fails that body (its savepoint, if sent, undoes it); an earlier
// body's, found with a later statement or at COMMIT, costs the transaction.
Outcome PgConnection::blame(std::size_t body, Outcome failure, bool body_running) {
  if (body_running && body == body_)
    body_failure_ = failure;
  else
    late_failure_ = LateFailure{body, failure};
  return failure;
}

// Reads every answer and the Sync; the first failure decides the outcome.
Outcome PgConnection::read_answers(const std::vector<Answer>& answers, std::string& rows_json,
                                   std::size_t& failed_at) {
  farewell_first_ = false;
  Outcome outcome;
  for (std::size_t i = 0; i < answers.size(); ++i) {
    const Answer& answer = answers[i];
    const auto what = [&] {
      return answer.statement != nullptr ? "statement " + quoted_excerpt(answer.statement->sql)
                                         : "'" + std::string(answer.control) + "'";
    };
    Result result = next_result();
    if (result == nullptr) return lost(what());
    const ExecStatusType status = PQresultStatus(result.get());
    if (answer.kind == Answer::Kind::parse && failed(result.get()))
      prepared_.erase(answer.prepared_key);
    if (outcome.ok() && status == PGRES_EMPTY_QUERY) {
      outcome = invalid("the SQL text holds no statement");
      failed_at = i;
    } else if (outcome.ok() && failed(result.get()) && status != PGRES_PIPELINE_ABORTED) {
      if (pg_retryable(result.get())) retry_requested_ = true;
      farewell_first_ = i == 0 && pg_farewell(result.get());
      outcome = several_statements(result.get())
                    ? invalid("the SQL text holds more than one statement (" +
                              quoted_excerpt(answer.statement->sql) +
                              "); send one statement per call, or group them with "
                              "sql_transaction")
                    : pg_failure(result.get(), what() + " failed");
      failed_at = i;
    } else if (outcome.ok() && answer.control == kCommit &&
               std::string_view(PQcmdStatus(result.get())) == "ROLLBACK") {
      outcome = Outcome{AH_ERR_INTERNAL, "'COMMIT' rolled the transaction back"};
      failed_at = i;
    }
    if (answer.rows && outcome.ok()) append_pg_rows_json(result.get(), rows_json);
    while (Result rest = next_result()) {
    }
    if (PQstatus(connection_) != CONNECTION_OK) return lost(what());
  }
  Result sync = next_result();
  if (sync == nullptr || PQresultStatus(sync.get()) != PGRES_PIPELINE_SYNC)
    return lost("reading the end of a pipeline");
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
  Outcome failure = pending_failure();
  if (!failure.ok()) return failure;
  Outcome connected = ensure_connected();
  if (!connected.ok()) return connected;
  if (begin_kept_ || !kept_.empty() || savepoint_ == Savepoint::wanted) {
    std::string no_rows;
    Outcome sent = round_trip(nullptr, nullptr, no_rows);
    if (!sent.ok()) return sent;
  }
  return simple(sql.c_str(), "script " + quoted_excerpt(sql));
}

Outcome PgConnection::control(ControlStatement which) {
  switch (which) {
    case ControlStatement::begin:
      return begin();
    case ControlStatement::savepoint:
      savepoint_ = Savepoint::wanted;
      savepoint_at_ = kept_.size();
      return {};
    case ControlStatement::release:
      if (savepoint_ == Savepoint::sent) kept_.push_back({kRelease, {}, body_});
      savepoint_ = Savepoint::none;
      return {};
    case ControlStatement::rollback_to:
      drop_running_body();
      if (savepoint_ == Savepoint::sent) kept_.push_back({kRollbackTo, {}, body_});
      return {};
    case ControlStatement::rollback:
      return roll_back();
    case ControlStatement::commit:
      return commit();
  }
  return {};
}

void PgConnection::start_body(std::size_t index) {
  body_ = index;
  body_failure_ = {};
}

// What the running body kept is dropped: nothing of it was sent.
void PgConnection::drop_running_body() {
  while (!kept_.empty() && kept_.back().body == body_) kept_.pop_back();
  body_failure_ = {};
}

void PgConnection::forget_transaction() {
  begin_kept_ = false;
  kept_.clear();
  body_ = 0;
  savepoint_ = Savepoint::none;
  body_failure_ = {};
  late_failure_.reset();
}

Outcome PgConnection::commit() {
  if (connection_ == nullptr) return lost("'COMMIT'");
  std::string no_rows;
  Outcome outcome = round_trip(nullptr, kCommit, no_rows);
  transaction_open_ = in_transaction();  // open still if something in it failed
  if (connection_ == nullptr || PQstatus(connection_) != CONNECTION_OK)
    outcome.error += "; whether the transaction was committed is unknown";
  return outcome;
}

// BEGIN is kept for the transaction's first round trip, so a batch of
// writes costs one round trip, not two; the connection is checked here, while
// nothing of the transaction has been sent.
Outcome PgConnection::begin() {
  forget_transaction();
  Outcome connected = ensure_connected();
  // A connection the server dropped while idle (a restart): nothing ran
  // yet, so one fresh connection may carry the transaction instead.
  if (connected.ok() && dropped_while_idle()) connected = connect();
  if (connected.ok()) connected = trim_prepared();
  transaction_open_ = connected.ok();
  begin_kept_ = connected.ok();
  return connected;
}

// Reads what the server sent while the connection was idle; a server that
// closed it (a restart, an idle timeout) leaves it bad. Two reads: the first
// may take its farewell message, the second then sees the end.
bool PgConnection::dropped_while_idle() {
  for (int read = 0; read < 2 && PQconsumeInput(connection_) == 1; ++read) {
  }
  return PQstatus(connection_) != CONNECTION_OK;
}

// Nothing to undo on the server while BEGIN is still kept.
Outcome PgConnection::roll_back() {
  const bool nothing_sent = begin_kept_;
  forget_transaction();
  transaction_open_ = false;
  if (nothing_sent) return {};
  if (connection_ == nullptr) return lost("'ROLLBACK'");
  Result result(PQexec(connection_, "ROLLBACK"), &PQclear);
  if (PQstatus(connection_) != CONNECTION_OK) return lost("'ROLLBACK'");
  if (failed(result.get())) {
    if (pg_retryable(result.get())) retry_requested_ = true;
    return pg_failure(result.get(), "'ROLLBACK' failed");
  }
  return {};
}

bool PgConnection::in_transaction() const {
  if (connection_ == nullptr) return false;
  if (begin_kept_) return true;
  const PGTransactionStatusType status = PQtransactionStatus(connection_);
  return status == PQTRANS_INTRANS || status == PQTRANS_INERROR;
}

bool PgConnection::take_retry_request() {
  return std::exchange(retry_requested_, false);
}

Outcome PgConnection::lock_for_migration() {
  std::string rows;
  return execute(
      "SELECT pg_advisory_xact_lock(hashtext('agent-host migrations ' || "
      "current_schema())) AS locked",
      "", rows);
}

}  // namespace agent_host::store
