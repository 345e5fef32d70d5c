#pragma once

#include <cstddef>
#include <string>

namespace agent_host::store {

// Where and how a PostgresDatabase connects. The password travels apart from
// the connection string so that the string can be logged.
struct PostgresSettings {
  // libpq URI or key=value string without a password, e.g.
  // "postgresql://agent@db.example:5432/agent_host".
  std::string conninfo;
  std::string password;  // empty: libpq's own sources (PGPASSWORD, ~/.pgpass)
  // The schema that holds this plugin's tables, created when missing.
  std::string schema;
  // Connections for autocommit statements; one more carries the batched
  // transactions.
  std::size_t pool_size = 4;
  int connect_timeout_ms = 5000;
};

// "PostgreSQL at HOST:PORT as user USER, database DB": the target of the
// settings' connection string, for messages (never the password).
std::string pg_target(const PostgresSettings& settings);

}  // namespace agent_host::store
