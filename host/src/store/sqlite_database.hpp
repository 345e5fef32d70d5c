#pragma once

#include <filesystem>
#include <memory>

#include "store/database.hpp"
#include "store/options.hpp"

namespace agent_host::store {

// A Database in one SQLite file: a pool of reader connections that run
// read-only statements concurrently, and one writer whose queue batches
// transactions into shared commits (group commit).
class SqliteDatabase final : public Database {
 public:
  // Opens or creates the file (and its parent directories) in WAL mode with
  // foreign keys on. Throws StoreError naming the file and SQLite's message.
  static std::unique_ptr<SqliteDatabase> open(const std::filesystem::path& file,
                                              const Options& options);
  ~SqliteDatabase() override;

  Outcome migrate(const std::vector<std::string>& migrations) override;
  // Read-only statements run on the reader pool; writes go through the writer queue.
  Outcome query(std::string_view sql, std::string_view params_json,
                std::string& rows_json) override;
  Outcome transaction(const TransactionBody& body) override;
  void transaction_async(TransactionBody body, std::function<void(Outcome)> done) override;
  void wait_idle() override;
  Dialect dialect() const override { return Dialect::sqlite; }
  std::string describe() const override;

  const std::filesystem::path& file() const;

 private:
  struct Impl;
  explicit SqliteDatabase(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace agent_host::store
