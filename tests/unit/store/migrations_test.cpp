#include <gtest/gtest.h>

#include "store_test_support.hpp"

namespace agent_host::store::testing {
namespace {

class Migrations : public StoreFixture, public ::testing::Test {
 protected:
  const std::vector<std::string> v1_ = {
      "CREATE TABLE task (id INTEGER PRIMARY KEY, title TEXT NOT NULL)",
      "ALTER TABLE task ADD COLUMN done INTEGER NOT NULL DEFAULT 0;"
      "CREATE INDEX task_done ON task (done)",
  };
};

TEST_F(Migrations, AppliesEachInOrderAndRecordsThem) {
  auto db = open_db();
  const Outcome outcome = db->migrate(v1_);
  ASSERT_TRUE(outcome.ok()) << outcome.error;
  query_ok(*db, "INSERT INTO task (id, title) VALUES (1, 'a')");
  EXPECT_EQ(query_ok(*db, "SELECT done FROM task")[0]["done"], 0);
  const auto recorded = query_ok(*db, "SELECT idx FROM _ah_migrations ORDER BY idx");
  EXPECT_EQ(recorded, nlohmann::json::parse(R"([{"idx":0},{"idx":1}])"));
}

TEST_F(Migrations, RunningAgainIsANoOpAlsoAfterReopening) {
  {
    auto db = open_db();
    ASSERT_TRUE(db->migrate(v1_).ok());
    ASSERT_TRUE(db->migrate(v1_).ok());  // would fail with "duplicate column" if re-run
    query_ok(*db, "INSERT INTO task (id, title) VALUES (1, 'kept')");
  }
  auto db = open_db();
  const Outcome again = db->migrate(v1_);
  ASSERT_TRUE(again.ok()) << again.error;
  EXPECT_EQ(query_ok(*db, "SELECT count(*) AS n FROM _ah_migrations")[0]["n"], 2);
  EXPECT_EQ(query_ok(*db, "SELECT title FROM task")[0]["title"], "kept");
}

TEST_F(Migrations, NewMigrationsAppendedLaterAreApplied) {
  auto db = open_db();
  ASSERT_TRUE(db->migrate({v1_[0]}).ok());
  ASSERT_TRUE(db->migrate(v1_).ok());
  query_ok(*db, "INSERT INTO task (id, title, done) VALUES (1, 'x', 1)");
}

TEST_F(Migrations, ChangedTextOfAnAppliedMigrationIsAnErrorNamingIt) {
  auto db = open_db();
  ASSERT_TRUE(db->migrate(v1_).ok());
  auto edited = v1_;
  edited[1] += ";CREATE INDEX task_title ON task (title)";
  const Outcome outcome = db->migrate(edited);
  EXPECT_EQ(outcome.status, AH_ERR_INVALID_ARGUMENT);
  EXPECT_NE(outcome.error.find("migration at index 1 was changed"), std::string::npos)
      << outcome.error;
}

TEST_F(Migrations, FailingMigrationNamesItsIndexAndKeepsEarlierOnes) {
  auto db = open_db();
  const Outcome outcome = db->migrate({
      "CREATE TABLE a (id INTEGER PRIMARY KEY)",
      "CREATE TABLE b (id INTEGER PRIMARY KEY)",
      "CREATE TABLE c (id INTEGER PRIMARY KEY); CREATE TABLE oops (",
      "CREATE TABLE d (id INTEGER PRIMARY KEY)",
  });
  EXPECT_EQ(outcome.status, AH_ERR_INVALID_ARGUMENT);
  EXPECT_NE(outcome.error.find("migration at index 2 failed"), std::string::npos) << outcome.error;
  EXPECT_EQ(query_ok(*db, "SELECT idx FROM _ah_migrations ORDER BY idx"),
            nlohmann::json::parse(R"([{"idx":0},{"idx":1}])"));
  query_ok(*db, "SELECT * FROM a");
  query_ok(*db, "SELECT * FROM b");
  // The failing migration left nothing behind, not even its first statement.
  query_failing(*db, "SELECT * FROM c");
  query_failing(*db, "SELECT * FROM d");
}

TEST_F(Migrations, FixedFailingMigrationAppliesOnTheNextRun) {
  auto db = open_db();
  EXPECT_FALSE(db->migrate({"CREATE TABLE a (id INTEGER PRIMARY KEY)", "CREATE TABLE b ("}).ok());
  const Outcome fixed =
      db->migrate({"CREATE TABLE a (id INTEGER PRIMARY KEY)", "CREATE TABLE b (id INTEGER)"});
  EXPECT_TRUE(fixed.ok()) << fixed.error;
}

TEST_F(Migrations, DatabaseWithMoreMigrationsThanGivenIsRefused) {
  auto db = open_db();
  ASSERT_TRUE(db->migrate(v1_).ok());
  const Outcome outcome = db->migrate({v1_[0]});
  EXPECT_EQ(outcome.status, AH_ERR_INVALID_ARGUMENT);
  EXPECT_NE(outcome.error.find("index 1"), std::string::npos) << outcome.error;
}

TEST_F(Migrations, TransactionControlInsideAMigrationIsRefused) {
  auto db = open_db();
  const Outcome outcome = db->migrate({"BEGIN; CREATE TABLE a (id INTEGER); COMMIT"});
  EXPECT_EQ(outcome.status, AH_ERR_INVALID_ARGUMENT);
  EXPECT_NE(outcome.error.find("migration at index 0"), std::string::npos) << outcome.error;
  EXPECT_NE(outcome.error.find("transaction control"), std::string::npos) << outcome.error;
}

}  // namespace
}  // namespace agent_host::store::testing
