// Baseline for task creates: single-row autocommit INSERTs on one connection,
// WAL, synchronous=NORMAL, a row shaped like a task (uuid-like text key, JSON body).
//   raw_sqlite_inserts <database file> <count>   prints inserts per second
#include <sqlite3.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace {

void check(int code, sqlite3* db, const char* what) {
  if (code != SQLITE_OK && code != SQLITE_DONE) {
    std::fprintf(stderr, "%s: %s\n", what, sqlite3_errmsg(db));
    std::exit(1);
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: raw_sqlite_inserts <database file> <count>\n");
    return 2;
  }
  const long count = std::strtol(argv[2], nullptr, 10);
  sqlite3* db = nullptr;
  check(sqlite3_open(argv[1], &db), db, "open");
  check(sqlite3_exec(db,
                     "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
                     "CREATE TABLE IF NOT EXISTS tasks (id TEXT PRIMARY KEY, body TEXT NOT NULL)",
                     nullptr, nullptr, nullptr),
        db, "schema");
  sqlite3_stmt* insert = nullptr;
  check(sqlite3_prepare_v2(db, "INSERT INTO tasks (id, body) VALUES (?1, ?2)", -1, &insert, nullptr),
        db, "prepare");
  const std::string body =
      R"({"title":"Benchmark task","description":"","status":"todo","priority":"high",)"
      R"("assignee":"ada","tags":["bench"],"due_at":null,"created_at":1714554000000})";
  char id[48];  // room for any long: the compiler checks the worst case
  const auto start = std::chrono::steady_clock::now();
  for (long i = 0; i < count; ++i) {
    std::snprintf(id, sizeof id, "0190a1b2-c3d4-7e5f-8a9b-%012ld", i);
    sqlite3_bind_text(insert, 1, id, -1, SQLITE_STATIC);
    sqlite3_bind_text(insert, 2, body.c_str(), static_cast<int>(body.size()), SQLITE_STATIC);
    check(sqlite3_step(insert), db, "insert");
    sqlite3_reset(insert);
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  sqlite3_finalize(insert);
  sqlite3_close(db);
  std::printf("%.0f\n", static_cast<double>(count) / seconds);
  return 0;
}
