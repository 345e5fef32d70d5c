#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "store/options.hpp"
#include "store/outcome.hpp"

namespace agent_host::store {

class Connection;

// Handed to a transaction body; valid only while that body runs.
class Transaction {
 public:
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;

  // Same contract as Database::query, inside the body's transaction: a failing
  // statement undoes only itself; the body decides whether to commit.
  Outcome query(std::string_view sql, std::string_view params_json, std::string& rows_json);

 private:
  friend class WriteQueue;
  friend class Migrator;
  explicit Transaction(Connection& connection) : connection_(connection) {}
  Connection& connection_;
};

// Returns AH_OK to commit; any other status rolls the body's work back and is
// returned to the caller of Database::transaction together with its error.
//
// A body may run on another thread than its caller's (the thread that leads the
// current group commit), so it must not block on other host calls and must not
// call this Database again except through the Transaction it is given (that is
// refused with AH_ERR_INVALID_ARGUMENT instead of deadlocking). A body that
// throws is rolled back and reported as AH_ERR_INTERNAL.
using TransactionBody = std::function<Outcome(Transaction&)>;

// One SQLite file. Thread-safe: any number of threads may call query and
// transaction at once. Destroying it waits for calls in flight.
//
// SQL conventions for query and Transaction::query:
//  - one statement per call; parameters are $1, $2, ... bound from params_json,
//    a JSON array of null, bool, number or string (empty text = no parameters);
//  - rows_json receives a JSON array with one object per row, keyed by column
//    name (BLOBs as base64 strings); statements without rows give [];
//  - transaction control (BEGIN, COMMIT, SAVEPOINT, ...) and ATTACH are refused:
//    use transaction() instead;
//  - constraint violations are AH_ERR_CONFLICT, a lock still held after the busy
//    timeout AH_ERR_UNAVAILABLE, bad SQL or parameters AH_ERR_INVALID_ARGUMENT.
class Database {
 public:
  // Opens or creates the file (and its parent directories) in WAL mode with
  // foreign keys on. Throws StoreError naming the file and SQLite's message.
  static std::unique_ptr<Database> open(const std::filesystem::path& file, const Options& options);
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  // Applies each migration (a script of one or more statements) exactly once, in
  // order, each in its own transaction, tracked in the table `_ah_migrations`
  // with the SQL's hash. Editing an applied migration, or opening a database
  // that has more migrations than given, is an error naming the index (0-based).
  Outcome migrate(const std::vector<std::string>& migrations);

  // One statement in autocommit mode. Read-only statements run on the reader
  // pool concurrently; writes go through the writer queue (group commit).
  Outcome query(std::string_view sql, std::string_view params_json, std::string& rows_json);

  // Runs body in a transaction. Durable when it returns AH_OK. With group commit
  // several bodies share one COMMIT, each in its own savepoint, so one failing
  // body never affects the others; a failing COMMIT fails every body that had
  // succeeded in that batch.
  Outcome transaction(const TransactionBody& body);

  // The same without waiting: queues `body` and returns; `done` receives the
  // outcome once the batch holding it has committed or rolled back, on the
  // thread that led that batch (usually the database's writer thread). `done`
  // must not block or throw. Closing the database waits for it; once closing
  // has begun, `done` is called at once with AH_ERR_UNAVAILABLE.
  void transaction_async(TransactionBody body, std::function<void(Outcome)> done);

  // Waits until no call is in flight, asynchronous ones included (their
  // `done` has returned). New calls are still accepted.
  void wait_idle();

  const std::filesystem::path& file() const;

 private:
  struct Impl;
  explicit Database(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace agent_host::store
