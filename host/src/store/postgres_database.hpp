#pragma once

#include <memory>

#include "store/database.hpp"
#include "store/pg_settings.hpp"

namespace agent_host::store {

// A Database in one schema of a PostgreSQL database, shared by every replica
// of a plugin. Autocommit statements run on a pool of connections; write
// transactions are batched into shared commits (group commit, as on SQLite)
// on a write lane of their own, a connection with its write queue. A
// batch that a concurrent transaction made fail (deadlock, serialization
// failure) runs again. Transactions run at READ COMMITTED.
//
// A lost server makes calls fail with AH_ERR_UNAVAILABLE and reachable()
// false; connections come back by themselves with backoff.
class PostgresDatabase final : public Database {
 public:
  // Connects once and creates the schema when missing; throws StoreError
  // naming the server, the user and what failed.
  static std::unique_ptr<PostgresDatabase> open(const PostgresSettings& settings);
  ~PostgresDatabase() override;

  Outcome migrate(const std::vector<std::string>& migrations) override;
  Outcome query(std::string_view sql, std::string_view params_json,
                std::string& rows_json) override;
  Outcome transaction(const TransactionBody& body) override;
  void transaction_async(TransactionBody body, std::function<void(Outcome)> done) override;
  void wait_idle() override;
  Dialect dialect() const override { return Dialect::postgres; }
  std::string describe() const override;
  bool reachable(std::string& why) const override;

 private:
  struct Impl;
  explicit PostgresDatabase(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Checks that the server answers and the credentials work, for
// `check-config --connect`; the error names the server, the user and the cause.
Outcome check_postgres_connection(const PostgresSettings& settings);

}  // namespace agent_host::store
