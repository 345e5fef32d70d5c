#include <gtest/gtest.h>

#include "store_test_support.hpp"

namespace agent_host::store::testing {
namespace {

class Rows : public StoreFixture, public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = open_db();
    ASSERT_TRUE(db_->migrate({"CREATE TABLE item (id INTEGER PRIMARY KEY, n INTEGER, r REAL,"
                              " t TEXT, b BLOB, z)"})
                    .ok());
  }
  std::unique_ptr<Database> db_;
};

TEST_F(Rows, EveryColumnTypeBecomesItsJsonForm) {
  query_ok(*db_,
           "INSERT INTO item (id, n, r, t, b, z) VALUES"
           " (1, -7, 0.25, 'line1\nline2 \"q\" \\ caf\xc3\xa9', x'00ff10', NULL)");
  const auto rows = query_ok(*db_, "SELECT id, n, r, t, b, z FROM item");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0]["id"], 1);
  EXPECT_EQ(rows[0]["n"], -7);
  EXPECT_EQ(rows[0]["r"], 0.25);
  EXPECT_EQ(rows[0]["t"], "line1\nline2 \"q\" \\ caf\xc3\xa9");
  EXPECT_EQ(rows[0]["b"], "AP8Q");
  EXPECT_TRUE(rows[0]["z"].is_null());
}

TEST_F(Rows, ZeroLengthTextAndBlobAreEmptyStrings) {
  query_ok(*db_, "INSERT INTO item (id, t, b) VALUES (1, '', x'')");
  const auto rows = query_ok(*db_, "SELECT t, b FROM item");
  EXPECT_EQ(rows[0]["t"], "");
  EXPECT_EQ(rows[0]["b"], "");
}

TEST_F(Rows, ManyRowsComeInOrderAsAnArray) {
  for (int i = 1; i <= 50; ++i) {
    query_ok(*db_, "INSERT INTO item (id, n) VALUES ($1, $2)",
             "[" + std::to_string(i) + "," + std::to_string(i * i) + "]");
  }
  const auto rows = query_ok(*db_, "SELECT id, n FROM item ORDER BY id");
  ASSERT_EQ(rows.size(), 50u);
  for (int i = 1; i <= 50; ++i) EXPECT_EQ(rows[i - 1]["n"], i * i);
}

TEST_F(Rows, NoRowsAndNonSelectStatementsGiveAnEmptyArray) {
  std::string rows = "stale";
  ASSERT_TRUE(db_->query("SELECT * FROM item", "", rows).ok());
  EXPECT_EQ(rows, "[]");
  rows = "stale";
  ASSERT_TRUE(db_->query("INSERT INTO item (id) VALUES (1)", "", rows).ok());
  EXPECT_EQ(rows, "[]");
  rows = "stale";
  ASSERT_TRUE(db_->query("UPDATE item SET n = 1", "", rows).ok());
  EXPECT_EQ(rows, "[]");
}

TEST_F(Rows, ReturningGivesRowsFromWrites) {
  const auto inserted = query_ok(*db_, "INSERT INTO item (n, t) VALUES ($1, $2) RETURNING id, n, t",
                                 R"([5, "five"])");
  ASSERT_EQ(inserted.size(), 1u);
  EXPECT_EQ(inserted[0]["n"], 5);
  EXPECT_EQ(inserted[0]["t"], "five");
  const auto id = inserted[0]["id"].get<std::int64_t>();
  const auto deleted =
      query_ok(*db_, "DELETE FROM item WHERE id = $1 RETURNING t", "[" + std::to_string(id) + "]");
  EXPECT_EQ(deleted, nlohmann::json::parse(R"([{"t":"five"}])"));
  EXPECT_TRUE(query_ok(*db_, "SELECT * FROM item").empty());
}

TEST_F(Rows, ColumnNamesAreEscapedKeys) {
  const auto rows = query_ok(*db_, "SELECT 1 AS \"we\"\"ird\nname\"");
  EXPECT_EQ(rows[0]["we\"ird\nname"], 1);
}

}  // namespace
}  // namespace agent_host::store::testing
