#include <gtest/gtest.h>

#include <fstream>

#include "store_test_support.hpp"

namespace agent_host::store::testing {
namespace {

class Open : public StoreFixture, public ::testing::Test {};

// The writer's synchronous setting (a plain query may run on a reader).
int writer_synchronous(Database& db) {
  std::string rows;
  const Outcome outcome =
      db.transaction([&](Transaction& tx) { return tx.query("PRAGMA synchronous", "", rows); });
  EXPECT_TRUE(outcome.ok()) << outcome.error;
  return nlohmann::json::parse(rows).at(0).at("synchronous").get<int>();
}

TEST_F(Open, CreatesParentFoldersAndUsesWal) {
  const auto file = dir_.path() / "a" / "b" / "c.db";
  auto db = SqliteDatabase::open(file, {});
  EXPECT_EQ(db->file(), file);
  EXPECT_TRUE(std::filesystem::exists(file));
  EXPECT_EQ(query_ok(*db, "PRAGMA journal_mode")[0]["journal_mode"], "wal");
  EXPECT_EQ(query_ok(*db, "PRAGMA foreign_keys")[0]["foreign_keys"], 1);
  EXPECT_EQ(writer_synchronous(*db), 1);  // NORMAL
}

TEST_F(Open, AFileThatIsNotADatabaseIsAnErrorNamingIt) {
  const auto file = dir_.path() / "garbage.db";
  std::ofstream(file) << std::string(4096, 'x');
  try {
    SqliteDatabase::open(file, {});
    FAIL() << "opening a garbage file succeeded";
  } catch (const StoreError& error) {
    EXPECT_NE(std::string(error.what()).find(file.string()), std::string::npos) << error.what();
    EXPECT_NE(std::string(error.what()).find("not a database"), std::string::npos) << error.what();
  }
}

TEST_F(Open, AnUncreatableFolderIsAnErrorNamingTheFile) {
  const auto blocker = dir_.path() / "blocker";
  std::ofstream(blocker) << "a file where a folder should be";
  const auto file = blocker / "sub" / "x.db";
  try {
    SqliteDatabase::open(file, {});
    FAIL() << "opening below a regular file succeeded";
  } catch (const StoreError& error) {
    EXPECT_NE(std::string(error.what()).find(file.string()), std::string::npos) << error.what();
  }
}

TEST_F(Open, ZeroReaderConnectionsStillServesReads) {
  Options options;
  options.reader_connections = 0;
  auto db = open_db(options);
  EXPECT_EQ(query_ok(*db, "SELECT 2 AS two")[0]["two"], 2);
}

TEST_F(Open, FullSyncWorks) {
  SKIP_ON_POSTGRES("synchronous is a SQLite pragma");
  Options options;
  options.full_sync = true;
  auto db = open_db(options);
  EXPECT_EQ(writer_synchronous(*db), 2);
  ASSERT_TRUE(db->migrate({"CREATE TABLE t (v)"}).ok());
  query_ok(*db, "INSERT INTO t VALUES (1)");
  EXPECT_EQ(query_ok(*db, "SELECT v FROM t")[0]["v"], 1);
}

}  // namespace
}  // namespace agent_host::store::testing
