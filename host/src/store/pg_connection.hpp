#pragma once

#include <libpq-fe.h>

#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "store/pg_health.hpp"
#include "store/pg_settings.hpp"
#include "store/session.hpp"

namespace agent_host::store {

// One libpq connection with its prepared statements. Connects on first use
// and again after the server went away (paced by the shared PgHealth). Each
// statement is one round trip: in a transaction it is pipelined between
// SAVEPOINT and RELEASE, so that a failing statement undoes only itself, as
// on SQLite, and a body's own SAVEPOINT and RELEASE travel with its next
// statement or the COMMIT. Not thread-safe.
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
  Outcome execute_script(const std::string& sql) override;
  Outcome control(ControlStatement which) override;
  bool in_transaction() const override;
  bool take_retry_request() override;
  Outcome lock_for_migration() override;

 private:
  using Result = std::unique_ptr<PGresult, decltype(&PQclear)>;
  Outcome ensure_connected();
  Outcome run_statement(std::string_view sql, const struct PgParams& params, bool guarded,
                        std::string& rows_json);
  Outcome run_control(ControlStatement which);
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
  std::vector<const char*> deferred_;  // control statements kept back (see control())
};

}  // namespace agent_host::store
