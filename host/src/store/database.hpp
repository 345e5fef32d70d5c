#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "store/outcome.hpp"

namespace agent_host::store {

class Session;

// The SQL dialect a database speaks; plugins choose per-dialect migration text by it.
enum class Dialect { sqlite, postgres };
const char* to_string(Dialect dialect);

// Handed to a transaction body; valid only while that body runs.
class Transaction {
 public:
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;

  // Same contract as Database::query, inside the body's transaction: a failing
  // statement undoes only itself; the body decides whether to commit.
  Outcome query(std::string_view sql, std::string_view params_json, std::string& rows_json);

  // A write whose rows are discarded. Its failure fails the body, even if
  // the body goes on and returns AH_OK: on PostgreSQL it is sent with a later
  // statement or the COMMIT, so the failure may only be known then.
  Outcome execute(std::string_view sql, std::string_view params_json);

 private:
  friend class WriteQueue;
  friend class Migrator;
  explicit Transaction(Session& session) : session_(session) {}
  Session& session_;
  Outcome failed_write_;  // the first failure of execute
};

// Returns AH_OK to commit; any other status rolls the body's work back and is
// returned to the caller of Database::transaction together with its error.
//
// A body may run on another thread than its caller's (the thread that leads the
// current group commit), and it may run more than once (when a transaction it
// shared was rolled back under it, or a concurrent one made it fail): it must
// not block on other host calls, must keep no effects outside the database,
// and must not call this Database again except through the Transaction it is
// given (that is refused with AH_ERR_INVALID_ARGUMENT instead of
// deadlocking). A body that throws is rolled back and reported as
// AH_ERR_INTERNAL.
using TransactionBody = std::function<Outcome(Transaction&)>;

// One plugin's database: a SQLite file (SqliteDatabase) or a schema in a
// PostgreSQL database (PostgresDatabase). Thread-safe: any number of threads
// may call query and transaction at once. Destroying it waits for calls in
// flight.
//
// SQL conventions for query and Transaction::query, on both engines:
//  - one statement per call; parameters are $1, $2, ... bound from params_json,
//    a JSON array of null, bool, number or string (empty text = no
//    parameters); a bool is bound as the integer 1 or 0;
//  - rows_json receives a JSON array with one object per row, keyed by column
//    name (integers and reals as numbers, binary values as base64 strings);
//    statements without rows give [];
//  - transaction control (BEGIN, COMMIT, SAVEPOINT, ...) is refused: use
//    transaction() instead;
//  - constraint violations are AH_ERR_CONFLICT, a lock or a server that stays
//    out of reach AH_ERR_UNAVAILABLE, bad SQL or parameters
//    AH_ERR_INVALID_ARGUMENT.
class Database {
 public:
  virtual ~Database() = default;

  // Applies each migration (a script of one or more statements) exactly once, in
  // order, each in its own transaction, tracked in the table `_ah_migrations`
  // with the SQL's hash; processes migrating the same database at once take
  // turns. Editing an applied migration, or opening a database that has more
  // migrations than given, is an error naming the index (0-based).
  virtual Outcome migrate(const std::vector<std::string>& migrations) = 0;

  // One statement in autocommit mode.
  virtual Outcome query(std::string_view sql, std::string_view params_json,
                        std::string& rows_json) = 0;

  // Runs body in a transaction. Durable when it returns AH_OK. With group commit
  // several bodies share one COMMIT, each in its own savepoint, so one failing
  // body never affects the others; a failing COMMIT fails every body that had
  // succeeded in that batch.
  virtual Outcome transaction(const TransactionBody& body) = 0;

  // The same without waiting: queues `body` and returns; `done` receives the
  // outcome once the batch holding it has committed or rolled back, on the
  // thread that led that batch. `done` must not block or throw. Closing the
  // database waits for it; once closing has begun, `done` is called at once
  // with AH_ERR_UNAVAILABLE.
  virtual void transaction_async(TransactionBody body, std::function<void(Outcome)> done) = 0;

  // Waits until no call is in flight, asynchronous ones included (their
  // `done` has returned). New calls are still accepted.
  virtual void wait_idle() = 0;

  virtual Dialect dialect() const = 0;

  // Where the data lives, for logs and errors: a file, or host, user,
  // database and schema (never a password).
  virtual std::string describe() const = 0;

  // False while the database cannot be reached (readiness); the reason in `why`.
  virtual bool reachable(std::string& why) const {
    why.clear();
    return true;
  }

 protected:
  Database() = default;
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;
};

}  // namespace agent_host::store
