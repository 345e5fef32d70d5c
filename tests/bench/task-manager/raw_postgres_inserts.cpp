// Baseline for task creates on PostgreSQL: single-row autocommit INSERTs of a
// task-shaped row (uuid-like text key, JSON body), one prepared statement per
// connection, `connections` connections inserting at once for `seconds`.
//   raw_postgres_inserts <libpq URI> <connections> <seconds>   prints inserts per second
#include <libpq-fe.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

namespace {

PGconn* connect_or_exit(const char* url) {
  PGconn* connection = PQconnectdb(url);
  if (PQstatus(connection) != CONNECTION_OK) {
    std::fprintf(stderr, "connect: %s\n", PQerrorMessage(connection));
    std::exit(1);
  }
  return connection;
}

void run_or_exit(PGconn* connection, const char* sql) {
  PGresult* result = PQexec(connection, sql);
  if (PQresultStatus(result) != PGRES_COMMAND_OK) {
    std::fprintf(stderr, "%s: %s\n", sql, PQerrorMessage(connection));
    std::exit(1);
  }
  PQclear(result);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: raw_postgres_inserts <libpq URI> <connections> <seconds>\n");
    return 2;
  }
  const int connections = std::atoi(argv[2]);
  const auto duration = std::chrono::seconds(std::atoi(argv[3]));
  PGconn* setup = connect_or_exit(argv[1]);
  run_or_exit(setup, "DROP TABLE IF EXISTS raw_tasks");
  run_or_exit(setup, "CREATE TABLE raw_tasks (id TEXT PRIMARY KEY, body TEXT NOT NULL)");
  PQfinish(setup);
  const std::string body =
      R"({"title":"Benchmark task","description":"","status":"todo","priority":"high",)"
      R"("assignee":"ada","tags":["bench"],"due_at":null,"created_at":1714554000000})";
  std::atomic<long> inserted{0};
  const auto deadline = std::chrono::steady_clock::now() + duration;
  std::vector<std::thread> workers;
  for (int w = 0; w < connections; ++w) {
    workers.emplace_back([&, w] {
      PGconn* connection = connect_or_exit(argv[1]);
      PGresult* prepared = PQprepare(connection, "insert",
                                     "INSERT INTO raw_tasks (id, body) VALUES ($1, $2)", 2, nullptr);
      PQclear(prepared);
      char id[64];
      long mine = 0;
      while (std::chrono::steady_clock::now() < deadline) {
        std::snprintf(id, sizeof id, "0190a1b2-c3d4-7e5f-%04d-%012ld", w, mine);
        const char* values[] = {id, body.c_str()};
        PGresult* result = PQexecPrepared(connection, "insert", 2, values, nullptr, nullptr, 0);
        if (PQresultStatus(result) != PGRES_COMMAND_OK) {
          std::fprintf(stderr, "insert: %s\n", PQerrorMessage(connection));
          std::exit(1);
        }
        PQclear(result);
        ++mine;
      }
      inserted += mine;
      PQfinish(connection);
    });
  }
  const auto start = std::chrono::steady_clock::now();
  for (auto& worker : workers) worker.join();
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("%.0f\n", static_cast<double>(inserted.load()) / seconds);
  return 0;
}
