#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "store/sqlite_database.hpp"
#include "temp_dir.hpp"
#include "testing/scratch_postgres.hpp"

namespace agent_host::store::testing {

using agent_host::testing::TempDir;

// Test fixture state: a temp dir and a database file in it.
// The engine under test is SQLite, or PostgreSQL when AH_TEST_POSTGRES_URL is
// set (CTest runs the suite both ways): every test holds to both.
class StoreFixture {
 protected:
  std::filesystem::path db_file() const { return dir_.path() / "data" / "test.db"; }
  // The same database each time within one test.
  std::unique_ptr<Database> open_db(const Options& options = {});
  bool on_postgres() const { return postgres_ != nullptr; }
  TempDir dir_{"ah-store-test"};
  std::unique_ptr<agent_host::testing::ScratchPostgres> postgres_ =
      agent_host::testing::ScratchPostgres::from_environment();
};

// For tests of what only SQLite has (its file, its pragmas, its messages).
#define SKIP_ON_POSTGRES(why) \
  if (on_postgres()) GTEST_SKIP() << "SQLite only: " << (why)

// Runs a statement that must succeed and returns its rows parsed.
nlohmann::json query_ok(Database& db, const std::string& sql, const std::string& params = "");

// Runs a statement that must fail and returns its outcome.
Outcome query_failing(Database& db, const std::string& sql, const std::string& params = "");

}  // namespace agent_host::store::testing
