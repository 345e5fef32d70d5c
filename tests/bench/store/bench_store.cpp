// Single-row write throughput: raw SQLite autocommit inserts against
// Database::transaction from several threads, with group commit on and off.
//
//   bench_store [--count N] [--threads T] [--full-sync-count N] [--dir PATH]
#include <sqlite3.h>
#include <stdlib.h>
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <functional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "store/sqlite_database.hpp"

namespace {

namespace fs = std::filesystem;
using agent_host::store::Database;
using agent_host::store::Options;
using agent_host::store::Outcome;
using agent_host::store::SqliteDatabase;
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

// Wall time and this process's CPU time (all threads): on a busy machine the
// CPU time per insert is the steadier figure.
class Stopwatch {
 public:
  Stopwatch() : wall_start_(Clock::now()), cpu_start_(cpu_seconds()) {}
  double wall() const { return std::chrono::duration<double>(Clock::now() - wall_start_).count(); }
  double cpu() const { return cpu_seconds() - cpu_start_; }

 private:
  static double cpu_seconds() {
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    const auto seconds = [](const timeval& t) { return t.tv_sec + t.tv_usec / 1e6; };
    return seconds(usage.ru_utime) + seconds(usage.ru_stime);
  }
  Clock::time_point wall_start_;
  double cpu_start_;
};

struct Figures {
  double inserts_per_second;
  double cpu_microseconds_per_insert;
};

Figures figures(const Stopwatch& stopwatch, int inserts) {
  return Figures{inserts / stopwatch.wall(), stopwatch.cpu() * 1e6 / inserts};
}

// One thread, one prepared statement, each insert its own autocommit transaction.
Figures raw_sqlite(const fs::path& file, int count, bool full_sync) {
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
  const Stopwatch stopwatch;
  for (int i = 1; i <= count; ++i) {
    sqlite3_bind_int64(insert, 1, i);
    sqlite3_bind_text(insert, 2, kPayload, -1, SQLITE_STATIC);
    check(sqlite3_step(insert), db, "insert");
    sqlite3_reset(insert);
  }
  const Figures result = figures(stopwatch, count);
  sqlite3_finalize(insert);
  sqlite3_close(db);
  return result;
}

// `threads` threads, each Database::transaction inserting one row.
Figures store_transactions(const fs::path& file, int count, int threads, bool group_commit,
                           bool full_sync) {
  Options options;
  options.group_commit = group_commit;
  options.full_sync = full_sync;
  auto db = SqliteDatabase::open(file, options);
  const Outcome migrated = db->migrate({kSchema});
  if (!migrated.ok()) throw std::runtime_error(migrated.error);
  const int per_thread = count / threads;
  std::vector<std::thread> workers;
  std::vector<int> failures(static_cast<std::size_t>(threads), 0);
  const Stopwatch stopwatch;
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
  const Figures result = figures(stopwatch, per_thread * threads);
  for (int failed : failures) {
    if (failed != 0) throw std::runtime_error("some transactions failed");
  }
  return result;
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
  const Figures raw = raw_sqlite(fresh_file(), count, full_sync);
  const Figures batched =
      store_transactions(fresh_file(), count, settings.threads, true, full_sync);
  const Figures alone = store_transactions(fresh_file(), count, settings.threads, false, full_sync);
  const std::string threads = std::to_string(settings.threads) + " threads";
  std::printf("synchronous=%s, %d single-row inserts per case\n", sync_name, count);
  std::printf("  %-52s %10s %8s %14s\n", "case", "inserts/s", "vs raw", "CPU us/insert");
  const auto line = [&](const std::string& name, const Figures& f) {
    std::printf("  %-52s %10.0f %7.2fx %14.1f\n", name.c_str(), f.inserts_per_second,
                f.inserts_per_second / raw.inserts_per_second, f.cpu_microseconds_per_insert);
  };
  line("raw SQLite autocommit, 1 thread, prepared", raw);
  line("Database::transaction, " + threads + ", group commit on", batched);
  line("Database::transaction, " + threads + ", group commit off", alone);
  std::printf("  group commit on / off: %.2fx\n",
              batched.inserts_per_second / alone.inserts_per_second);
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
