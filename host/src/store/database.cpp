#include "store/database.hpp"

#include <condition_variable>
#include <mutex>
#include <system_error>

#include "store/connection.hpp"
#include "store/migrations.hpp"
#include "store/reader_pool.hpp"
#include "store/write_queue.hpp"

namespace agent_host::store {
namespace {

// Counts calls in flight so closing waits for them, and refuses new ones once
// closing has begun.
class InFlight {
 public:
  bool enter() {
    std::lock_guard<std::mutex> lock(mutex_);
    if (closing_) return false;
    ++count_;
    return true;
  }
  void leave() {
    std::lock_guard<std::mutex> lock(mutex_);
    if (--count_ == 0) drained_.notify_all();  // under the lock: the closer may destroy us next
  }
  void wait_idle() {
    std::unique_lock<std::mutex> lock(mutex_);
    drained_.wait(lock, [this] { return count_ == 0; });
  }
  void close_and_wait() {
    std::unique_lock<std::mutex> lock(mutex_);
    closing_ = true;
    drained_.wait(lock, [this] { return count_ == 0; });
  }

 private:
  std::mutex mutex_;
  std::condition_variable drained_;
  std::size_t count_ = 0;
  bool closing_ = false;
};

class InFlightCall {
 public:
  explicit InFlightCall(InFlight& in_flight) : in_flight_(in_flight), entered_(in_flight.enter()) {}
  ~InFlightCall() {
    if (entered_) in_flight_.leave();
  }
  InFlightCall(const InFlightCall&) = delete;
  InFlightCall& operator=(const InFlightCall&) = delete;
  bool entered() const { return entered_; }

 private:
  InFlight& in_flight_;
  bool entered_;
};

Outcome closing_outcome() {
  return Outcome{AH_ERR_UNAVAILABLE, "the database is closing"};
}

}  // namespace

struct Database::Impl {
  Impl(const std::filesystem::path& file_path, const Options& options)
      : file(file_path),
        writer(file_path, ConnectionRole::writer, options),
        queue(writer, options.group_commit ? WriteQueue::kGroupCommitBatchLimit : 1),
        readers(file_path, options, options.reader_connections) {}

  std::filesystem::path file;
  Connection writer;  // opened first: creates the file and switches it to WAL
  WriteQueue queue;
  ReaderPool readers;
  InFlight in_flight;
};

Outcome Transaction::query(std::string_view sql, std::string_view params_json,
                           std::string& rows_json) {
  return connection_.execute(sql, params_json, rows_json);
}

std::unique_ptr<Database> Database::open(const std::filesystem::path& file,
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
  return std::unique_ptr<Database>(new Database(std::make_unique<Impl>(file, options)));
}

Database::Database(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Database::~Database() {
  impl_->in_flight.close_and_wait();
}

Outcome Database::migrate(const std::vector<std::string>& migrations) {
  InFlightCall call(impl_->in_flight);
  if (!call.entered()) return closing_outcome();
  return Migrator::apply(impl_->queue, migrations);
}

Outcome Database::query(std::string_view sql, std::string_view params_json,
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

Outcome Database::transaction(const TransactionBody& body) {
  if (!body) return Outcome{AH_ERR_INVALID_ARGUMENT, "the transaction body is empty"};
  InFlightCall call(impl_->in_flight);
  if (!call.entered()) return closing_outcome();
  return impl_->queue.run(body);
}

void Database::wait_idle() {
  impl_->in_flight.wait_idle();
}

void Database::transaction_async(TransactionBody body, std::function<void(Outcome)> done) {
  if (!body) return done(Outcome{AH_ERR_INVALID_ARGUMENT, "the transaction body is empty"});
  if (!impl_->in_flight.enter()) return done(closing_outcome());
  // Leaves once `done` has returned: closing waits for the answer, not only the commit.
  impl_->queue.run_async(std::move(body),
                         [in_flight = &impl_->in_flight, done = std::move(done)](Outcome outcome) {
                           try {
                             done(std::move(outcome));
                           } catch (...) {
                             // `done` must not throw; the count still has to drop.
                           }
                           in_flight->leave();
                         });
}

const std::filesystem::path& Database::file() const {
  return impl_->file;
}

}  // namespace agent_host::store
