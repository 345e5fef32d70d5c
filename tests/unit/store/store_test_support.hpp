#pragma once

#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "store/sqlite_database.hpp"

namespace agent_host::store::testing {

// A fresh folder under the system temp dir, removed with everything in it.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// Test fixture state: a temp dir and a database file in it.
class StoreFixture {
 protected:
  std::filesystem::path db_file() const { return dir_.path() / "data" / "test.db"; }
  std::unique_ptr<Database> open_db(const Options& options = {}) {
    return SqliteDatabase::open(db_file(), options);
  }
  TempDir dir_;
};

// Runs a statement that must succeed and returns its rows parsed.
nlohmann::json query_ok(Database& db, const std::string& sql, const std::string& params = "");

// Runs a statement that must fail and returns its outcome.
Outcome query_failing(Database& db, const std::string& sql, const std::string& params = "");

}  // namespace agent_host::store::testing
