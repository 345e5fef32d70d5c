// A PostgreSQL server of a test's own on a free loopback port (Debian's
// postgresql-15 through tests/support/postgres.sh): for tests that stop and
// start it, or that cannot share the run's server.
#pragma once

#include <filesystem>
#include <string>

namespace agent_host::test {

class PostgresServer {
 public:
  PostgresServer();   // initdb in a fresh folder and start; throws on failure
  ~PostgresServer();  // stop and remove the folder
  PostgresServer(const PostgresServer&) = delete;
  PostgresServer& operator=(const PostgresServer&) = delete;

  void pause();   // stop, keeping the data: an outage
  void resume();  // start again on the same data and port
  // The superuser's URI of database `database`.
  std::string url(const std::string& database = "postgres") const;
  int port() const { return port_; }

 private:
  std::filesystem::path dir_;
  int port_;
};

}  // namespace agent_host::test
