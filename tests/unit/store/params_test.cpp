#include <gtest/gtest.h>

#include "store_test_support.hpp"

namespace agent_host::store::testing {
namespace {

class Params : public StoreFixture, public ::testing::Test {
 protected:
  void SetUp() override { db_ = open_db(); }
  std::unique_ptr<Database> db_;
};

TEST_F(Params, BindsEveryJsonTypeWithItsSqliteType) {
  SKIP_ON_POSTGRES("typeof() and storage classes are SQLite's");
  const auto rows = query_ok(
      *db_,
      "SELECT typeof($1) AS t1, $1 AS v1, typeof($2) AS t2, $2 AS v2, typeof($3) AS t3, $3 AS v3,"
      " typeof($4) AS t4, $4 AS v4, typeof($5) AS t5, $5 AS v5, typeof($6) AS t6, $6 AS v6,"
      " typeof($7) AS t7, $7 AS v7",
      R"([null, true, false, 42, -9223372036854775808, 2.5, "text \"quoted\""])");
  ASSERT_EQ(rows.size(), 1u);
  const auto& row = rows[0];
  EXPECT_EQ(row["t1"], "null");
  EXPECT_TRUE(row["v1"].is_null());
  EXPECT_EQ(row["t2"], "integer");
  EXPECT_EQ(row["v2"], 1);
  EXPECT_EQ(row["t3"], "integer");
  EXPECT_EQ(row["v3"], 0);
  EXPECT_EQ(row["t4"], "integer");
  EXPECT_EQ(row["v4"], 42);
  EXPECT_EQ(row["v5"].get<std::int64_t>(), std::numeric_limits<std::int64_t>::min());
  EXPECT_EQ(row["t6"], "real");
  EXPECT_EQ(row["v6"], 2.5);
  EXPECT_EQ(row["t7"], "text");
  EXPECT_EQ(row["v7"], "text \"quoted\"");
}

TEST_F(Params, OrderOfFirstUseDoesNotMatterAndRepeatsAreAllowed) {
  const auto rows = query_ok(*db_, "SELECT $2 AS b, $1 AS a, $2 + $1 AS sum", "[1, 10]");
  EXPECT_EQ(rows, nlohmann::json::parse(R"([{"b":10,"a":1,"sum":11}])"));
}

TEST_F(Params, EmptyTextAndEmptyArrayMeanNoParameters) {
  EXPECT_EQ(query_ok(*db_, "SELECT 1 AS one", ""), nlohmann::json::parse(R"([{"one":1}])"));
  EXPECT_EQ(query_ok(*db_, "SELECT 1 AS one", "[]"), nlohmann::json::parse(R"([{"one":1}])"));
}

TEST_F(Params, CachedStatementIsReboundEachTime) {
  for (int i = 0; i < 3; ++i) {
    const auto rows = query_ok(*db_, "SELECT $1 AS v", "[" + std::to_string(i) + "]");
    EXPECT_EQ(rows[0]["v"], i);
  }
}

void expect_invalid(const Outcome& outcome, const std::string& mention) {
  EXPECT_EQ(outcome.status, AH_ERR_INVALID_ARGUMENT) << outcome.error;
  EXPECT_NE(outcome.error.find(mention), std::string::npos)
      << "message '" << outcome.error << "' should mention '" << mention << "'";
}

// Flat arrays of ASCII scalars take the host's own scanner; the rest goes
// through nlohmann::json. Both must read every value the same way.
TEST_F(Params, EscapesUnicodeNumbersAndSpacingReadTheSameOnEveryPath) {
  SKIP_ON_POSTGRES("the fast scanner of flat arrays binds into SQLite");
  const auto rows =
      query_ok(*db_,
               "SELECT $1 AS a, $2 AS b, $3 AS c, $4 AS d, $5 AS e, $6 AS f, $7 AS g,"
               " typeof($7) AS tg, $8 AS h, typeof($8) AS th, $9 AS i, $10 AS j",
               " [ \"q\\\"b\\\\s\\/\\b\\f\\n\\r\\t\\u0041\" ,\"caf\u00e9\","
               "\"\\u00e9\\ud83d\\ude00\", \"\", -0, 1.5e3, -2.25E-1, 9223372036854775807,"
               " \"{\\\"doc\\\":[1,\\\"x\\\"]}\", false ]\n");
  ASSERT_EQ(rows.size(), 1u);
  const auto& row = rows[0];
  EXPECT_EQ(row["a"], "q\"b\\s/\b\f\n\r\tA");
  EXPECT_EQ(row["b"], "caf\u00e9");
  EXPECT_EQ(row["c"], "\u00e9\U0001F600");
  EXPECT_EQ(row["d"], "");
  EXPECT_EQ(row["e"], 0);
  EXPECT_EQ(row["f"], 1500.0);
  EXPECT_EQ(row["g"], -0.225);
  EXPECT_EQ(row["tg"], "real");
  EXPECT_EQ(row["h"].get<std::int64_t>(), std::numeric_limits<std::int64_t>::max());
  EXPECT_EQ(row["th"], "integer");
  EXPECT_EQ(row["i"], "{\"doc\":[1,\"x\"]}");
  EXPECT_EQ(row["j"], 0);
}

TEST_F(Params, MalformedFlatArraysAreRefusedLikeAnyInvalidJson) {
  for (const char* text : {"[1 2]", "[1,]", "[\"open]", "[01]", "[1.]", "[-]", "[nul]",
                           "[\"bad \\x escape\"]", "[1] 2", "[\"tab\there\"]"})
    expect_invalid(query_failing(*db_, "SELECT $1", text), "params_json");
}

TEST_F(Params, TooFewValuesNamesTheMissingParameter) {
  expect_invalid(query_failing(*db_, "SELECT $1, $2", "[1]"), "$2");
}

TEST_F(Params, TooManyValuesNamesTheUnusedParameter) {
  expect_invalid(query_failing(*db_, "SELECT $1", "[1, 2]"), "$2");
  expect_invalid(query_failing(*db_, "SELECT 1", "[1]"), "$1");
}

TEST_F(Params, ValuesForAStatementWithoutPlaceholdersAreMissingOnes) {
  expect_invalid(query_failing(*db_, "SELECT $1"), "$1");
}

TEST_F(Params, NestedValuesAreRefusedNamingTheParameter) {
  expect_invalid(query_failing(*db_, "SELECT $1, $2", R"([1, {"a":1}])"), "$2");
  expect_invalid(query_failing(*db_, "SELECT $1", "[[1]]"), "$1");
}

TEST_F(Params, InvalidJsonAndNonArraysAreRefused) {
  expect_invalid(query_failing(*db_, "SELECT $1", "[1,"), "params_json");
  expect_invalid(query_failing(*db_, "SELECT $1", R"({"1": 1})"), "array");
  expect_invalid(query_failing(*db_, "SELECT $1", "5"), "array");
}

TEST_F(Params, NumbersOutOfRangeAreRefusedNotThrown) {
  // The sql_params fuzz input (tests/fuzz/corpus/sql_params/number_overflow).
  expect_invalid(query_failing(*db_, "SELECT $1", "[22222E2222222, \"\xcb\"]"), "params_json");
  expect_invalid(query_failing(*db_, "SELECT $1", "[1e999]"), "params_json");
  // Read in one pass, the first problem is the one named: $1 is an array.
  expect_invalid(query_failing(*db_, "SELECT $1", "[[1e999]]"), "$1 is a JSON array");
}

TEST_F(Params, OtherPlaceholderFormsAreRefused) {
  SKIP_ON_POSTGRES(
      "PostgreSQL refuses ?, :name and @name as syntax errors (AH_ERR_INVALID_ARGUMENT too)");
  expect_invalid(query_failing(*db_, "SELECT ?", "[1]"), "$1, $2");
  expect_invalid(query_failing(*db_, "SELECT :name", "[1]"), ":name");
  expect_invalid(query_failing(*db_, "SELECT ?1", "[1]"), "?1");
}

TEST_F(Params, UnsignedBeyondInt64IsRefused) {
  expect_invalid(query_failing(*db_, "SELECT $1", "[18446744073709551615]"), "$1");
}

TEST_F(Params, ABadCallLeavesTheCachedStatementUsable) {
  query_failing(*db_, "SELECT $1 AS v", "[[1]]");
  EXPECT_EQ(query_ok(*db_, "SELECT $1 AS v", "[7]")[0]["v"], 7);
}

}  // namespace
}  // namespace agent_host::store::testing
