#pragma once

#include <memory>
#include <string>

namespace agent_host::testing {

// A database of its own on the PostgreSQL server named by the environment
// variable AH_TEST_POSTGRES_URL (a superuser's libpq URI, e.g.
// postgresql://postgres@127.0.0.1:55432/postgres), so that the same tests run
// on PostgreSQL: created on construction; dropped on destruction unless it is
// shared (see `shared_key`).
class ScratchPostgres {
 public:
  // nullptr when AH_TEST_POSTGRES_URL is unset or empty. An empty
  // `shared_key` gives a fresh database; the same non-empty key gives the same
  // database to every caller, kept when they end (the server is discarded
  // after the run). Throws std::runtime_error when the server refuses.
  static std::unique_ptr<ScratchPostgres> from_environment(const std::string& shared_key = "");
  ~ScratchPostgres();
  ScratchPostgres(const ScratchPostgres&) = delete;
  ScratchPostgres& operator=(const ScratchPostgres&) = delete;

  // The URI of this database.
  const std::string& url() const { return url_; }
  const std::string& name() const { return name_; }

 private:
  ScratchPostgres(std::string server_url, std::string name, bool drop);
  std::string server_url_;
  std::string name_;
  std::string url_;
  bool drop_;
};

}  // namespace agent_host::testing
