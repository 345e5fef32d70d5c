#include <gtest/gtest.h>
#include <sqlite3.h>

#include "store_test_support.hpp"

namespace agent_host::store::testing {
namespace {

class Errors : public StoreFixture, public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = open_db();
    ASSERT_TRUE(db_->migrate({
                                 "CREATE TABLE parent (id INTEGER PRIMARY KEY, name TEXT UNIQUE);"
                                 "CREATE TABLE child (id INTEGER PRIMARY KEY,"
                                 " parent_id INTEGER NOT NULL REFERENCES parent(id),"
                                 " qty INTEGER CHECK (qty >= 0))",
                             })
                    .ok());
    query_ok(*db_, "INSERT INTO parent (id, name) VALUES (1, 'one')");
  }
  // `mention` is SQLite's wording; `postgres_mention` PostgreSQL's, when it differs.
  void expect(const Outcome& outcome, ah_status status, const std::string& mention,
              const std::string& postgres_mention = {}) {
    const std::string& wanted =
        on_postgres() && !postgres_mention.empty() ? postgres_mention : mention;
    EXPECT_EQ(outcome.status, status) << outcome.error;
    EXPECT_NE(outcome.error.find(wanted), std::string::npos)
        << "message '" << outcome.error << "' should mention '" << wanted << "'";
  }
  std::unique_ptr<Database> db_;
};

TEST_F(Errors, UniqueViolationIsConflict) {
  expect(query_failing(*db_, "INSERT INTO parent (id, name) VALUES (2, 'one')"), AH_ERR_CONFLICT,
         "UNIQUE constraint failed", "violates unique constraint");
  expect(query_failing(*db_, "INSERT INTO parent (id, name) VALUES (1, 'x')"), AH_ERR_CONFLICT,
         "UNIQUE constraint failed", "violates unique constraint");
}

TEST_F(Errors, ForeignKeyViolationIsConflict) {
  expect(query_failing(*db_, "INSERT INTO child (id, parent_id, qty) VALUES (1, 99, 1)"),
         AH_ERR_CONFLICT, "FOREIGN KEY constraint failed", "violates foreign key constraint");
}

TEST_F(Errors, CheckAndNotNullViolationsAreConflicts) {
  expect(query_failing(*db_, "INSERT INTO child (id, parent_id, qty) VALUES (1, 1, -1)"),
         AH_ERR_CONFLICT, "CHECK constraint failed", "violates check constraint");
  expect(query_failing(*db_, "INSERT INTO child (id, qty) VALUES (1, 1)"), AH_ERR_CONFLICT,
         "NOT NULL constraint failed", "violates not-null constraint");
}

TEST_F(Errors, ConflictInsideATransactionIsReportedByTheStatement) {
  std::string rows;
  Outcome inner;
  const Outcome outcome = db_->transaction([&](Transaction& tx) {
    inner = tx.query("INSERT INTO parent (id, name) VALUES (3, 'one')", "", rows);
    return inner;
  });
  EXPECT_EQ(inner.status, AH_ERR_CONFLICT);
  EXPECT_EQ(outcome.status, AH_ERR_CONFLICT);
}

TEST_F(Errors, SyntaxErrorsAndUnknownNamesAreInvalidArguments) {
  expect(query_failing(*db_, "SELEC 1"), AH_ERR_INVALID_ARGUMENT, "syntax error");
  expect(query_failing(*db_, "SELECT * FROM missing_table"), AH_ERR_INVALID_ARGUMENT,
         "no such table: missing_table", "relation \"missing_table\" does not exist");
  expect(query_failing(*db_, "SELECT nope FROM parent"), AH_ERR_INVALID_ARGUMENT,
         "no such column: nope", "column \"nope\" does not exist");
}

TEST_F(Errors, EmptyTextAndSeveralStatementsAreRefused) {
  expect(query_failing(*db_, "  -- nothing here\n"), AH_ERR_INVALID_ARGUMENT, "no statement");
  expect(query_failing(*db_, "SELECT 1; SELECT 2"), AH_ERR_INVALID_ARGUMENT,
         "more than one statement");
  EXPECT_EQ(query_ok(*db_, "SELECT 1 AS v; -- trailing comment\n ;"),
            nlohmann::json::parse(R"([{"v":1}])"));
}

TEST_F(Errors, TransactionControlIsRefused) {
  expect(query_failing(*db_, "BEGIN"), AH_ERR_INVALID_ARGUMENT, "sql_transaction");
  expect(query_failing(*db_, "COMMIT"), AH_ERR_INVALID_ARGUMENT, "sql_transaction");
  expect(query_failing(*db_, " /* hidden */ savepoint s"), AH_ERR_INVALID_ARGUMENT,
         "sql_transaction");
  std::string rows;
  const Outcome in_transaction =
      db_->transaction([&](Transaction& tx) { return tx.query("ROLLBACK", "", rows); });
  EXPECT_EQ(in_transaction.status, AH_ERR_INVALID_ARGUMENT) << in_transaction.error;
}

TEST_F(Errors, AttachAndProtectedPragmasAreRefused) {
  SKIP_ON_POSTGRES("ATTACH and PRAGMA are SQLite's");
  expect(query_failing(*db_, "ATTACH DATABASE 'other.db' AS other"), AH_ERR_INVALID_ARGUMENT,
         "ATTACH");
  expect(query_failing(*db_, "PRAGMA journal_mode=DELETE"), AH_ERR_INVALID_ARGUMENT,
         "journal_mode");
  expect(query_failing(*db_, "PRAGMA foreign_keys=OFF"), AH_ERR_INVALID_ARGUMENT, "foreign_keys");
  // Reading a pragma is fine.
  EXPECT_EQ(query_ok(*db_, "PRAGMA foreign_keys"),
            nlohmann::json::parse(R"([{"foreign_keys":1}])"));
  EXPECT_EQ(query_ok(*db_, "PRAGMA journal_mode"),
            nlohmann::json::parse(R"([{"journal_mode":"wal"}])"));
}

TEST_F(Errors, LockHeldByAnotherProcessPastTheTimeoutIsUnavailable) {
  SKIP_ON_POSTGRES("SQLite's busy timeout on one file");
  Options options;
  options.busy_timeout_ms = 50;
  db_.reset();
  db_ = open_db(options);
  sqlite3* other = nullptr;
  ASSERT_EQ(sqlite3_open(db_file().c_str(), &other), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(other, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr), SQLITE_OK);
  expect(query_failing(*db_, "INSERT INTO parent (id, name) VALUES (5, 'five')"),
         AH_ERR_UNAVAILABLE, "locked");
  // Readers are not blocked by a writer in WAL mode.
  EXPECT_EQ(query_ok(*db_, "SELECT count(*) AS n FROM parent")[0]["n"], 1);
  ASSERT_EQ(sqlite3_exec(other, "COMMIT", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(other);
  query_ok(*db_, "INSERT INTO parent (id, name) VALUES (5, 'five')");
}

}  // namespace
}  // namespace agent_host::store::testing
