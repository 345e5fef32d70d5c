#include "testing/scratch_postgres.hpp"

#include <libpq-fe.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <functional>
#include <random>
#include <stdexcept>

namespace agent_host::testing {
namespace {

// Runs one statement as the server's superuser; throws naming the server.
void run_on_server(const std::string& server_url, const std::string& sql, bool tolerate_failure) {
  PGconn* connection = PQconnectdb(server_url.c_str());
  if (PQstatus(connection) != CONNECTION_OK) {
    const std::string message = PQerrorMessage(connection);
    PQfinish(connection);
    throw std::runtime_error("AH_TEST_POSTGRES_URL " + server_url + ": " + message);
  }
  PGresult* result = PQexec(connection, sql.c_str());
  const bool ok = PQresultStatus(result) == PGRES_COMMAND_OK;
  const std::string message = PQresultErrorMessage(result);
  PQclear(result);
  PQfinish(connection);
  if (!ok && !tolerate_failure)
    throw std::runtime_error("AH_TEST_POSTGRES_URL " + server_url + ": " + sql + ": " + message);
}

// The server's URI with another database name (the path after host:port).
std::string with_database(const std::string& server_url, const std::string& name) {
  const std::size_t scheme = server_url.find("://");
  const std::size_t slash = server_url.find('/', scheme == std::string::npos ? 0 : scheme + 3);
  const std::size_t query = server_url.find('?');
  std::string base = server_url.substr(0, slash == std::string::npos ? query : slash);
  std::string rest = query == std::string::npos ? "" : server_url.substr(query);
  return base + "/" + name + rest;
}

std::string fresh_name() {
  static std::atomic<unsigned> counter{0};
  std::random_device random;
  return "ah_test_" + std::to_string(getpid()) + "_" + std::to_string(counter++) + "_" +
         std::to_string(random() % 100000);
}

}  // namespace

std::unique_ptr<ScratchPostgres> ScratchPostgres::from_environment(const std::string& shared_key) {
  const char* server = std::getenv("AH_TEST_POSTGRES_URL");
  if (server == nullptr || server[0] == '\0') return nullptr;
  const bool shared = !shared_key.empty();
  const std::string name =
      shared ? "ah_shared_" + std::to_string(std::hash<std::string>{}(shared_key) % 1000000007)
             : fresh_name();
  // A shared database may exist already (another test made it): that is the point.
  run_on_server(server, "CREATE DATABASE " + name, shared);
  return std::unique_ptr<ScratchPostgres>(new ScratchPostgres(server, name, !shared));
}

ScratchPostgres::ScratchPostgres(std::string server_url, std::string name, bool drop)
    : server_url_(std::move(server_url)),
      name_(std::move(name)),
      url_(with_database(server_url_, name_)),
      drop_(drop) {}

ScratchPostgres::~ScratchPostgres() {
  if (!drop_) return;
  try {
    run_on_server(server_url_, "DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)", true);
  } catch (...) {
    // The server is gone already: nothing left to drop.
  }
}

}  // namespace agent_host::testing
