#include "store_test_support.hpp"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <stdexcept>
#include <vector>

#include "store/postgres_database.hpp"

namespace agent_host::store::testing {

TempDir::TempDir() {
  std::string pattern = (std::filesystem::temp_directory_path() / "ah-store-test-XXXXXX").string();
  std::vector<char> buffer(pattern.begin(), pattern.end());
  buffer.push_back('\0');
  if (mkdtemp(buffer.data()) == nullptr) throw std::runtime_error("mkdtemp failed for " + pattern);
  path_ = buffer.data();
}

TempDir::~TempDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

std::unique_ptr<Database> StoreFixture::open_db(const Options& options) {
  if (!postgres_) return SqliteDatabase::open(db_file(), options);
  PostgresSettings settings;
  settings.conninfo = postgres_->url();
  settings.schema = "store_test";
  return PostgresDatabase::open(settings);
}

nlohmann::json query_ok(Database& db, const std::string& sql, const std::string& params) {
  std::string rows;
  const Outcome outcome = db.query(sql, params, rows);
  EXPECT_TRUE(outcome.ok()) << sql << " -> " << outcome.error;
  if (!outcome.ok()) return nlohmann::json::array();
  return nlohmann::json::parse(rows);
}

Outcome query_failing(Database& db, const std::string& sql, const std::string& params) {
  std::string rows;
  const Outcome outcome = db.query(sql, params, rows);
  EXPECT_FALSE(outcome.ok()) << sql << " unexpectedly succeeded with rows " << rows;
  return outcome;
}

}  // namespace agent_host::store::testing
