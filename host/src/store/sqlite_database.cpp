#include "store/sqlite_database.hpp"

#include <system_error>

#include "store/connection.hpp"
#include "store/in_flight.hpp"
#include "store/migrations.hpp"
#include "store/reader_pool.hpp"
#include "store/write_queue.hpp"

namespace agent_host::store {

struct SqliteDatabase::Impl {
  Impl(const std::filesystem::path& file_path, const Options& options)
      : file(file_path),
        writer(file_path, ConnectionRole::writer, options),
        queue(writer, options.group_commit ? WriteQueue::kGroupCommitBatchLimit : 1, this),
        readers(open_reader(file_path, options), options.reader_connections) {}

  std::filesystem::path file;
  Connection writer;  // opened first: creates the file and switches it to WAL
  WriteQueue queue;
  ReaderPool readers;
  InFlight in_flight;
};

std::unique_ptr<SqliteDatabase> SqliteDatabase::open(const std::filesystem::path& file,
                                                     const Options& options) {
  if (file.empty()) throw StoreError("cannot open SQLite database: the file name is empty");
  if (sqlite3_threadsafe() == 0) {
    throw StoreError("cannot open SQLite database '" + file.string() +
                     "': the SQLite library was built without thread support");
  }
  if (file.has_parent_path()) {
    std::error_code error;
    std::filesystem::create_directories(file.parent_path(), error);
    if (error) {
      throw StoreError("cannot create the folder of SQLite database '" + file.string() +
                       "': " + error.message());
    }
  }
  return std::unique_ptr<SqliteDatabase>(new SqliteDatabase(std::make_unique<Impl>(file, options)));
}

SqliteDatabase::SqliteDatabase(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

SqliteDatabase::~SqliteDatabase() {
  impl_->in_flight.close_and_wait();
}

Outcome SqliteDatabase::migrate(const std::vector<std::string>& migrations) {
  InFlightCall call(impl_->in_flight);
  if (!call.entered()) return closing_outcome();
  return Migrator::apply(impl_->queue, migrations);
}

Outcome SqliteDatabase::query(std::string_view sql, std::string_view params_json,
                              std::string& rows_json) {
  InFlightCall call(impl_->in_flight);
  if (!call.entered()) return closing_outcome();
  try {
    // Prepared on a reader (and cached there) to learn whether it writes.
    const ReaderPool::Lease reader = impl_->readers.acquire();
    sqlite3_stmt* statement = nullptr;
    Outcome prepared = reader->prepare(sql, statement);
    if (!prepared.ok()) return prepared;
    if (sqlite3_stmt_readonly(statement) != 0)
      return reader->run(statement, params_json, rows_json);
  } catch (const StoreError& error) {
    return Outcome{AH_ERR_UNAVAILABLE, error.what()};  // no reader connection could be opened
  }
  return impl_->queue.run(
      [&](Transaction& transaction) { return transaction.query(sql, params_json, rows_json); });
}

Outcome SqliteDatabase::transaction(const TransactionBody& body) {
  if (!body) return Outcome{AH_ERR_INVALID_ARGUMENT, "the transaction body is empty"};
  InFlightCall call(impl_->in_flight);
  if (!call.entered()) return closing_outcome();
  return impl_->queue.run(body);
}

void SqliteDatabase::wait_idle() {
  impl_->in_flight.wait_idle();
}

void SqliteDatabase::transaction_async(TransactionBody body, std::function<void(Outcome)> done) {
  if (!body) return done(Outcome{AH_ERR_INVALID_ARGUMENT, "the transaction body is empty"});
  if (!impl_->in_flight.enter()) return done(closing_outcome());
  impl_->queue.run_async(std::move(body), leave_after(impl_->in_flight, std::move(done)));
}

std::string SqliteDatabase::describe() const {
  return "SQLite file " + impl_->file.string();
}

const std::filesystem::path& SqliteDatabase::file() const {
  return impl_->file;
}

}  // namespace agent_host::store
