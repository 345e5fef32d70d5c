#include "store/postgres_database.hpp"

#include <algorithm>
#include <libpq-fe.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <vector>

#include "store/in_flight.hpp"
#include "store/migrations.hpp"
#include "store/pg_connection.hpp"
#include "store/pool.hpp"
#include "store/write_queue.hpp"

namespace agent_host::store {
namespace {

// Bodies per shared commit: smaller than SQLite's, since PostgreSQL holds a
// batch's row locks until its commit while other replicas wait for them.
constexpr std::size_t kPostgresBatchLimit = 64;

// One write lane: a connection and the queue that batches its transactions.
struct Lane {
  Lane(const PostgresSettings& settings, PgHealth& health, const void* database)
      : connection(settings, health), queue(connection, kPostgresBatchLimit, database) {}
  PgConnection connection;
  WriteQueue queue;
};

bool valid_schema_name(const std::string& name) {
  return !name.empty() && name.size() <= 63 &&
         std::all_of(name.begin(), name.end(), [](char c) {
           return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
         }) &&
         !(name[0] >= '0' && name[0] <= '9');
}

}  // namespace

struct PostgresDatabase::Impl {
  explicit Impl(const PostgresSettings& given)
      : settings(given),
        autocommit([this] { return std::make_unique<PgConnection>(settings, health); },
                   settings.pool_size) {
    // One lane: batches of one replica then never wait for each other's row
    // locks (the hot counter rows of a plugin), nor deadlock on them.
    const std::size_t lane_count = 1;
    for (std::size_t i = 0; i < lane_count; ++i)
      lanes.push_back(std::make_unique<Lane>(settings, health, this));  // `this`: the Impl
  }

  WriteQueue& next_lane() {
    return lanes[next.fetch_add(1, std::memory_order_relaxed) % lanes.size()]->queue;
  }

  const PostgresSettings settings;
  PgHealth health;
  Pool<PgConnection> autocommit;
  std::vector<std::unique_ptr<Lane>> lanes;
  std::atomic<std::size_t> next{0};
  InFlight in_flight;
  std::mutex probe_mutex;
  std::chrono::steady_clock::time_point last_probe{};
};

std::unique_ptr<PostgresDatabase> PostgresDatabase::open(const PostgresSettings& settings) {
  if (!valid_schema_name(settings.schema)) {
    throw StoreError("PostgreSQL schema name '" + settings.schema +
                     "' must be 1-63 characters of a-z, 0-9 and _, not starting with a digit");
  }
  auto impl = std::make_unique<Impl>(settings);
  {
    auto connection = impl->autocommit.acquire();
    Outcome connected = connection->connect();
    if (!connected.ok()) throw StoreError(connected.error);
    std::string rows;
    // Replicas starting together may race to create it: a duplicate is fine.
    Outcome created =
        connection->execute("CREATE SCHEMA IF NOT EXISTS " + settings.schema, "", rows);
    if (!created.ok() && created.status != AH_ERR_CONFLICT) {
      throw StoreError("cannot create schema " + settings.schema + " in " + pg_target(settings) +
                       ": " + created.error);
    }
  }
  return std::unique_ptr<PostgresDatabase>(new PostgresDatabase(std::move(impl)));
}

PostgresDatabase::PostgresDatabase(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

PostgresDatabase::~PostgresDatabase() {
  impl_->in_flight.close_and_wait();
}

Outcome PostgresDatabase::migrate(const std::vector<std::string>& migrations) {
  InFlightCall call(impl_->in_flight);
  if (!call.entered()) return closing_outcome();
  return Migrator::apply(impl_->lanes.front()->queue, migrations);
}

Outcome PostgresDatabase::query(std::string_view sql, std::string_view params_json,
                                std::string& rows_json) {
  // From inside one of this database's transaction bodies: refused as on
  // SQLite (the autocommit statement would not see, or could wait for, the
  // body's own uncommitted work).
  if (WriteQueue::running_body_of(impl_.get())) return WriteQueue::refused_reentry();
  InFlightCall call(impl_->in_flight);
  if (!call.entered()) return closing_outcome();
  auto connection = impl_->autocommit.acquire();
  return connection->execute(sql, params_json, rows_json);
}

Outcome PostgresDatabase::transaction(const TransactionBody& body) {
  if (!body) return Outcome{AH_ERR_INVALID_ARGUMENT, "the transaction body is empty"};
  InFlightCall call(impl_->in_flight);
  if (!call.entered()) return closing_outcome();
  return impl_->next_lane().run(body);
}

void PostgresDatabase::transaction_async(TransactionBody body,
                                         std::function<void(Outcome)> done) {
  if (!body) return done(Outcome{AH_ERR_INVALID_ARGUMENT, "the transaction body is empty"});
  if (!impl_->in_flight.enter()) return done(closing_outcome());
  impl_->next_lane().run_async(std::move(body), leave_after(impl_->in_flight, std::move(done)));
}

void PostgresDatabase::wait_idle() {
  impl_->in_flight.wait_idle();
}

std::string PostgresDatabase::describe() const {
  return pg_target(impl_->settings) + ", schema " + impl_->settings.schema;
}

bool PostgresDatabase::reachable(std::string& why) const {
  // Asked by /readyz: checked against the server itself, at most once a
  // second, so a server that went away is noticed while no request runs, and
  // one that came back is noticed before any request reconnects.
  std::lock_guard<std::mutex> lock(impl_->probe_mutex);
  const auto now = std::chrono::steady_clock::now();
  if (now - impl_->last_probe < std::chrono::seconds(1)) return impl_->health.up(why);
  impl_->last_probe = now;
  const PostgresSettings& settings = impl_->settings;
  const std::string timeout = std::to_string(std::max(2, settings.connect_timeout_ms / 1000));
  const char* keywords[] = {"dbname", "connect_timeout", nullptr};
  const char* values[] = {settings.conninfo.c_str(), timeout.c_str(), nullptr};
  if (PQpingParams(keywords, values, 1) == PQPING_OK) {
    impl_->health.mark_up();
    why.clear();
    return true;
  }
  why = pg_target(settings) + " does not accept connections";
  impl_->health.mark_down(why);
  return false;
}

Outcome check_postgres_connection(const PostgresSettings& settings) {
  PgHealth health;
  PgConnection connection(settings, health);
  Outcome connected = connection.connect();
  if (!connected.ok()) return connected;
  std::string rows;
  Outcome answered = connection.execute("SELECT current_user AS user_name", "", rows);
  if (!answered.ok()) answered.error = pg_target(settings) + ": " + answered.error;
  return answered;
}

}  // namespace agent_host::store
