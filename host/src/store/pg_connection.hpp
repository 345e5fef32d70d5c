#pragma once

#include <libpq-fe.h>

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "store/pg_health.hpp"
#include "store/pg_settings.hpp"
#include "store/pg_values.hpp"
#include "store/session.hpp"

namespace agent_host::store {

// One libpq connection with its prepared statements. Connects on first use
// and again after the server went away (paced by the shared PgHealth).
//
// Each round trip is one pipeline. In a transaction, writes whose rows nobody
// reads (execute_write) and the bodies' RELEASEs are kept back and sent with
// the next statement that is read, or with the COMMIT, and so is the BEGIN: a
// batch of bodies that only write costs one round trip. A statement that is read travels
// between SAVEPOINT and RELEASE, so that its failure undoes only itself, as
// on SQLite. A body's SAVEPOINT is sent only if the body sends something
// before it ends; otherwise its kept writes are simply dropped when it fails.
// Not thread-safe.
class PgConnection final : public Session {
 public:
  static constexpr std::size_t kPreparedCapacity = 256;

  PgConnection(const PostgresSettings& settings, PgHealth& health);
  ~PgConnection() override;
  PgConnection(const PgConnection&) = delete;
  PgConnection& operator=(const PgConnection&) = delete;

  // Connects now if not connected; the error names the server, the user and
  // what failed.
  Outcome connect();

  Outcome execute(std::string_view sql, std::string_view params_json,
                  std::string& rows_json) override;
  Outcome execute_write(std::string_view sql, std::string_view params_json) override;
  Outcome execute_script(const std::string& sql) override;
  Outcome control(ControlStatement which) override;
  void start_body(std::size_t index) override;
  bool in_transaction() const override;
  Outcome check_body_end() override;
  std::optional<LateFailure> take_late_failure() override;
  bool take_retry_request() override;
  Outcome lock_for_migration() override;

 private:
  using Result = std::unique_ptr<PGresult, decltype(&PQclear)>;
  struct Statement {
    std::string sql;
    PgParams params;
  };
  // A control statement or a write kept for the next round trip, and the
  // body it belongs to.
  struct Kept {
    const char* control = nullptr;
    Statement write;
    std::size_t body = 0;
  };
  struct Answer;
  // The running body's SAVEPOINT: the first body of a transaction has none;
  // the others want one, sent with the body's first round trip, if any.
  enum class Savepoint { none, wanted, sent };
  // Bounds one pipeline's size; a body of more writes sends them in slices.
  static constexpr std::size_t kMaxKept = 1024;

  Outcome ensure_connected();
  Outcome checked_statement(std::string_view sql, std::string_view params_json,
                            Statement& statement) const;
  Outcome round_trip(const Statement* reading, const char* closing, std::string& rows_json);
  Outcome send_pipeline(const std::vector<Kept>& kept, const Statement* reading,
                        const char* closing, std::string& rows_json, bool& none_ran);
  bool send_kept(const std::vector<Kept>& kept, std::vector<Answer>& answers);
  bool send_text(const char* sql, std::size_t body, std::vector<Answer>& answers);
  bool send_prepared(const Statement& statement, std::size_t body, std::vector<Answer>& answers);
  Outcome read_answers(const std::vector<Answer>& answers, std::string& rows_json,
                       std::size_t& failed_at);
  Outcome blame(std::size_t body, Outcome failure, bool body_running);
  Outcome pending_failure() const;
  void drop_running_body();
  void forget_transaction();
  Outcome commit();
  Outcome begin();
  Outcome roll_back();
  bool dropped_while_idle();
  Outcome trim_prepared();
  Outcome abandon_connection(std::string_view what);
  void close_connection();
  Outcome lost(std::string_view what);
  Outcome simple(const char* sql, std::string_view what);
  Result next_result();
  void forget_prepared();

  const PostgresSettings& settings_;
  PgHealth& health_;
  PGconn* connection_ = nullptr;
  std::unordered_map<std::string, std::string> prepared_;  // SQL + types -> statement name
  std::size_t next_statement_ = 0;
  bool retry_requested_ = false;
  bool farewell_first_ = false;  // the last pipeline's first answer was the server's farewell
  // The open transaction's state on this side.
  bool transaction_open_ = false;  // BEGIN succeeded, no COMMIT or ROLLBACK since
  bool begin_kept_ = false;        // BEGIN not sent yet: it leads the next pipeline
  std::vector<Kept> kept_;
  std::size_t body_ = 0;  // the running body, as LateFailure numbers them
  Savepoint savepoint_ = Savepoint::none;
  std::size_t savepoint_at_ = 0;  // where in kept_ a wanted SAVEPOINT goes
  Outcome body_failure_;          // the running body sent something that failed
  std::optional<LateFailure> late_failure_;
};

}  // namespace agent_host::store
