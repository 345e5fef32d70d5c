// Single-row write throughput: raw SQLite autocommit inserts against
// Database::transaction from several threads, with group commit on and off.
//
//   bench_store [--count N] [--threads T] [--full-sync-count N] [--dir PATH]
#include <sqlite3.h>
#include <stdlib.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <functional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "store/database.hpp"

namespace {

namespace fs = std::filesystem;
using agent_host::store::Database;
using agent_host::store::Options;
using agent_host::store::Outcome;
using agent_host::store::Transaction;
using Clock = std::chrono::steady_clock;

struct Settings {
  int count = 200000;           // inserts per case with synchronous=NORMAL
  int full_sync_count = 20000;  // inserts per case with synchronous=FULL (each commit fsyncs)
  int threads = 8;
  fs::path dir;
};

constexpr const char* kSchema = "CREATE TABLE item (id INTEGER PRIMARY KEY, v TEXT NOT NULL)";
constexpr const char* kPayload = "a short payload of about forty bytes....";

void check(int code, sqlite3* db, const char* what) {
  if (code != SQLITE_OK && code != SQLITE_DONE) {
    throw std::runtime_error(std::string(what) + ": " + sqlite3_errmsg(db));
  }
}

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// One thread, one prepared statement, each insert its own autocommit transaction.
double raw_sqlite(const fs::path& file, int count, bool full_sync) {
  sqlite3* db = nullptr;
  check(sqlite3_open(file.c_str(), &db), db, "open");
  check(sqlite3_exec(db, "PRAGMA journal_mode=WAL", nullptr, nullptr, nullptr), db, "wal");
  check(sqlite3_exec(db, full_sync ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL",
                     nullptr, nullptr, nullptr),
        db, "synchronous");
  check(sqlite3_exec(db, kSchema, nullptr, nullptr, nullptr), db, "schema");
  sqlite3_stmt* insert = nullptr;
  check(sqlite3_prepare_v2(db, "INSERT INTO item (id, v) VALUES (?1, ?2)", -1, &insert, nullptr),
        db, "prepare");
  const auto start = Clock::now();
  for (int i = 1; i <= count; ++i) {
    sqlite3_bind_int64(insert, 1, i);
    sqlite3_bind_text(insert, 2, kPayload, -1, SQLITE_STATIC);
    check(sqlite3_step(insert), db, "insert");
    sqlite3_reset(insert);
  }
  const double elapsed = seconds_since(start);
  sqlite3_finalize(insert);
  sqlite3_close(db);
  return count / elapsed;
}

// `threads` threads, each Database::transaction inserting one row.
double store_transactions(const fs::path& file, int count, int threads, bool group_commit,
                          bool full_sync) {
  Options options;
  options.group_commit = group_commit;
  options.full_sync = full_sync;
  auto db = Database::open(file, options);
  const Outcome migrated = db->migrate({kSchema});
  if (!migrated.ok()) throw std::runtime_error(migrated.error);
  const int per_thread = count / threads;
  std::vector<std::thread> workers;
  std::vector<int> failures(static_cast<std::size_t>(threads), 0);
  const auto start = Clock::now();
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      std::string rows;
      const std::string payload = std::string("\"") + kPayload + "\"";
      for (int i = 0; i < per_thread; ++i) {
        const std::string params =
            "[" + std::to_string(t * per_thread + i + 1) + "," + payload + "]";
        const Outcome outcome = db->transaction([&](Transaction& tx) {
          return tx.query("INSERT INTO item (id, v) VALUES ($1, $2)", params, rows);
        });
        if (!outcome.ok()) ++failures[static_cast<std::size_t>(t)];
      }
    });
  }
  for (auto& worker : workers) worker.join();
  const double elapsed = seconds_since(start);
  for (int failed : failures) {
    if (failed != 0) throw std::runtime_error("some transactions failed");
  }
  return per_thread * threads / elapsed;
}

Settings parse(int argc, char** argv) {
  Settings settings;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    const auto value = [&]() -> std::string {
      if (i + 1 >= argc) throw std::runtime_error(arg + " needs a value");
      return argv[++i];
    };
    if (arg == "--count") {
      settings.count = std::stoi(value());
    } else if (arg == "--full-sync-count") {
      settings.full_sync_count = std::stoi(value());
    } else if (arg == "--threads") {
      settings.threads = std::stoi(value());
    } else if (arg == "--dir") {
      settings.dir = value();
    } else {
      throw std::runtime_error("unknown argument " + arg +
                               "; use --count N --full-sync-count N --threads T --dir PATH");
    }
  }
  if (settings.count <= 0 || settings.full_sync_count <= 0 || settings.threads <= 0) {
    throw std::runtime_error("--count, --full-sync-count and --threads must be positive");
  }
  return settings;
}

fs::path make_temp_dir() {
  std::string pattern = (fs::temp_directory_path() / "ah-bench-store-XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  return pattern;
}

void run_group(const Settings& settings, bool full_sync, int count) {
  const char* sync_name = full_sync ? "FULL" : "NORMAL";
  int case_number = 0;
  const auto fresh_file = [&] {
    const fs::path file =
        settings.dir / (std::string(sync_name) + std::to_string(++case_number) + ".db");
    return file;
  };
  const double raw = raw_sqlite(fresh_file(), count, full_sync);
  const double batched = store_transactions(fresh_file(), count, settings.threads, true, full_sync);
  const double alone = store_transactions(fresh_file(), count, settings.threads, false, full_sync);
  std::printf("synchronous=%s, %d single-row inserts per case\n", sync_name, count);
  std::printf("  %-58s %10.0f inserts/s  1.00x\n", "raw SQLite autocommit, 1 thread, prepared",
              raw);
  std::printf(
      "  %-58s %10.0f inserts/s  %.2fx\n",
      ("Database::transaction, " + std::to_string(settings.threads) + " threads, group commit on")
          .c_str(),
      batched, batched / raw);
  std::printf(
      "  %-58s %10.0f inserts/s  %.2fx\n",
      ("Database::transaction, " + std::to_string(settings.threads) + " threads, group commit off")
          .c_str(),
      alone, alone / raw);
  std::printf("  group commit on / off: %.2fx\n", batched / alone);
}

}  // namespace

int main(int argc, char** argv) {
  try {
    Settings settings = parse(argc, argv);
    const bool own_dir = settings.dir.empty();
    if (own_dir) settings.dir = make_temp_dir();
    fs::create_directories(settings.dir);
    std::printf("SQLite %s, %u hardware threads\n", sqlite3_libversion(),
                std::thread::hardware_concurrency());
    run_group(settings, false, settings.count);
    run_group(settings, true, settings.full_sync_count);
    if (own_dir) fs::remove_all(settings.dir);
    return 0;
  } catch (const std::exception& error) {
    std::fprintf(stderr, "bench_store: %s\n", error.what());
    return 1;
  }
}
