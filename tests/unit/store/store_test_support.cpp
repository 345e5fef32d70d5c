#include "store_test_support.hpp"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <stdexcept>
#include <vector>

#include "store/postgres_database.hpp"

namespace agent_host::store::testing {

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
