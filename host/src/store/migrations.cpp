#include "store/migrations.hpp"

#include <date/date.h>

#include <chrono>
#include <cstdint>
#include <nlohmann/json.hpp>

#include "store/session.hpp"
#include "store/write_queue.hpp"

namespace agent_host::store {
namespace {

// Portable SQL: the same table on SQLite and PostgreSQL (applied_at is
// written by the host, not by an engine's time function).
constexpr const char* kCreateTable =
    "CREATE TABLE IF NOT EXISTS _ah_migrations ("
    " idx INTEGER PRIMARY KEY,"
    " sql_hash TEXT NOT NULL,"
    " applied_at TEXT NOT NULL)";

std::string migration_name(std::size_t index) {
  return "migration at index " + std::to_string(index);
}

std::string utc_now_text() {
  const auto now = std::chrono::time_point_cast<std::chrono::milliseconds>(
      std::chrono::system_clock::now());
  return date::format("%FT%TZ", now);
}

Outcome with_prefix(std::string prefix, Outcome outcome) {
  outcome.error = prefix + ": " + outcome.error;
  return outcome;
}

}  // namespace

std::string Migrator::hash_of(const std::string& sql) {
  std::uint64_t hash = 14695981039346656037ull;
  for (const unsigned char c : sql) {
    hash ^= c;
    hash *= 1099511628211ull;
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string text(16, '0');
  for (int i = 15; i >= 0; --i, hash >>= 4) text[static_cast<std::size_t>(i)] = kHex[hash & 0xF];
  return text;
}

Outcome Migrator::apply(WriteQueue& queue, const std::vector<std::string>& migrations) {
  std::string rows;
  Outcome outcome = queue.run([&](Transaction& transaction) {
    Outcome locked = session_of(transaction).lock_for_migration();
    if (!locked.ok()) return locked;
    Outcome created = transaction.query(kCreateTable, "", rows);
    if (!created.ok()) return created;
    return transaction.query("SELECT max(idx) AS top FROM _ah_migrations", "", rows);
  });
  if (!outcome.ok()) return with_prefix("cannot read the migrations table _ah_migrations", outcome);
  const nlohmann::json top = nlohmann::json::parse(rows).at(0).at("top");
  if (top.is_number_integer() &&
      top.get<std::int64_t>() >= static_cast<std::int64_t>(migrations.size())) {
    return Outcome{AH_ERR_INVALID_ARGUMENT,
                   "the database has " + migration_name(top.get<std::size_t>()) +
                       " applied but only " + std::to_string(migrations.size()) +
                       " migration(s) were given: it was created by a newer version; run that "
                       "version or restore a matching backup"};
  }
  for (std::size_t index = 0; index < migrations.size(); ++index) {
    Outcome applied = apply_one(queue, index, migrations[index]);
    if (!applied.ok()) return applied;
  }
  return {};
}

Outcome Migrator::apply_one(WriteQueue& queue, std::size_t index, const std::string& sql) {
  const std::string hash = hash_of(sql);
  const std::string index_param = "[" + std::to_string(index) + "]";
  return queue.run([&](Transaction& transaction) {
    std::string rows;
    // Checked inside the transaction (after taking the migration lock) so two
    // processes migrating at once agree.
    Outcome locked = session_of(transaction).lock_for_migration();
    if (!locked.ok()) return with_prefix(migration_name(index), locked);
    Outcome read =
        transaction.query("SELECT sql_hash FROM _ah_migrations WHERE idx = $1", index_param, rows);
    if (!read.ok()) return with_prefix(migration_name(index), read);
    const nlohmann::json applied = nlohmann::json::parse(rows);
    if (!applied.empty()) {
      const std::string stored = applied.at(0).at("sql_hash").get<std::string>();
      if (stored == hash) return Outcome{};
      return Outcome{AH_ERR_INVALID_ARGUMENT,
                     migration_name(index) + " was changed after it was applied (stored hash " +
                         stored + ", now " + hash +
                         "); restore its original text and add a new migration instead"};
    }
    Outcome ran = session_of(transaction).execute_script(sql);
    if (!ran.ok()) return with_prefix(migration_name(index) + " failed", ran);
    const nlohmann::json record = {index, hash, utc_now_text()};
    Outcome recorded = transaction.query(
        "INSERT INTO _ah_migrations (idx, sql_hash, applied_at) VALUES ($1, $2, $3)",
        record.dump(), rows);
    if (!recorded.ok()) return with_prefix("cannot record " + migration_name(index), recorded);
    return Outcome{};
  });
}

}  // namespace agent_host::store
