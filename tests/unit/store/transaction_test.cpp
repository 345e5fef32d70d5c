#include <gtest/gtest.h>
#include <libpq-fe.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "store_test_support.hpp"

namespace agent_host::store::testing {
namespace {

class Transactions : public StoreFixture, public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = open_db();
    ASSERT_TRUE(db_->migrate({"CREATE TABLE item (id INTEGER PRIMARY KEY, v TEXT)"}).ok());
  }
  Outcome insert(Transaction& tx, int id) {
    std::string rows;
    return tx.query("INSERT INTO item (id, v) VALUES ($1, 'x')", "[" + std::to_string(id) + "]",
                    rows);
  }
  std::int64_t count() { return query_ok(*db_, "SELECT count(*) AS n FROM item")[0]["n"]; }
  std::unique_ptr<Database> db_;
};

TEST_F(Transactions, OkCommitsEveryStatement) {
  const Outcome outcome = db_->transaction([&](Transaction& tx) {
    for (int id = 1; id <= 3; ++id) {
      Outcome inserted = insert(tx, id);
      if (!inserted.ok()) return inserted;
    }
    return Outcome{};
  });
  ASSERT_TRUE(outcome.ok()) << outcome.error;
  EXPECT_EQ(count(), 3);
}

TEST_F(Transactions, AnErrorFromTheBodyRollsBackAndIsReturned) {
  const Outcome outcome = db_->transaction([&](Transaction& tx) {
    EXPECT_TRUE(insert(tx, 1).ok());
    EXPECT_TRUE(insert(tx, 2).ok());
    return Outcome{AH_ERR_NOT_FOUND, "business rule said no"};
  });
  EXPECT_EQ(outcome.status, AH_ERR_NOT_FOUND);
  EXPECT_EQ(outcome.error, "business rule said no");
  EXPECT_EQ(count(), 0);
}

TEST_F(Transactions, TheBodySeesItsOwnWrites) {
  std::string rows;
  ASSERT_TRUE(db_->transaction([&](Transaction& tx) {
                   EXPECT_TRUE(insert(tx, 7).ok());
                   return tx.query("SELECT id FROM item", "", rows);
                 })
                  .ok());
  EXPECT_EQ(nlohmann::json::parse(rows), nlohmann::json::parse(R"([{"id":7}])"));
}

TEST_F(Transactions, AFailedStatementUndoesOnlyItselfWhenTheBodyGoesOn) {
  const Outcome outcome = db_->transaction([&](Transaction& tx) {
    EXPECT_TRUE(insert(tx, 1).ok());
    EXPECT_EQ(insert(tx, 1).status, AH_ERR_CONFLICT);
    return insert(tx, 2);
  });
  ASSERT_TRUE(outcome.ok()) << outcome.error;
  EXPECT_EQ(count(), 2);
}

// Unread writes may travel later (PostgreSQL sends them with the next
// statement read or the COMMIT), so their failure cannot be handled in the
// body: it fails the body on both engines, with everything the body wrote.
TEST_F(Transactions, AFailedUnreadWriteFailsItsBodyEvenWhenTheBodyGoesOn) {
  ASSERT_TRUE(db_->transaction([&](Transaction& tx) { return insert(tx, 1); }).ok());
  const auto unread_insert = [](Transaction& tx, int id) {
    return tx.execute("INSERT INTO item (id, v) VALUES ($1, 'x')", "[" + std::to_string(id) + "]");
  };
  const Outcome read_later = db_->transaction([&](Transaction& tx) {
    unread_insert(tx, 2);
    unread_insert(tx, 1);  // a duplicate key; the body does not look
    return insert(tx, 3);
  });
  EXPECT_EQ(read_later.status, AH_ERR_CONFLICT) << read_later.error;
  const Outcome never_read = db_->transaction([&](Transaction& tx) {
    unread_insert(tx, 4);
    unread_insert(tx, 1);
    return Outcome{};
  });
  EXPECT_EQ(never_read.status, AH_ERR_CONFLICT) << never_read.error;
  EXPECT_NE(never_read.error.find("INSERT INTO item"), std::string::npos) << never_read.error;
  EXPECT_EQ(count(), 1);
}

TEST_F(Transactions, AnUnreadWriteWithoutAStatementIsRefusedAtOnce) {
  const Outcome outcome = db_->transaction([&](Transaction& tx) {
    EXPECT_EQ(tx.execute("  ; -- nothing", "").status, AH_ERR_INVALID_ARGUMENT);
    return insert(tx, 5);
  });
  EXPECT_EQ(outcome.status, AH_ERR_INVALID_ARGUMENT) << outcome.error;
  EXPECT_EQ(count(), 0);
}

// The server ends the write connection in the middle of a body: what the body
// sends next must fail, not run on a new connection outside the transaction
// and commit on its own.
TEST_F(Transactions, AWriteAfterTheConnectionWasLostInABodyIsNotCommittedAlone) {
  if (!on_postgres()) GTEST_SKIP() << "PostgreSQL only: SQLite has no connection to lose";
  const Outcome outcome = db_->transaction([&](Transaction& tx) {
    std::string rows;
    EXPECT_TRUE(tx.query("SELECT pg_backend_pid() AS pid", "", rows).ok());
    const auto pid = nlohmann::json::parse(rows).at(0).at("pid").get<long long>();
    PGconn* admin = PQconnectdb(postgres_->url().c_str());
    PQclear(PQexec(admin, ("SELECT pg_terminate_backend(" + std::to_string(pid) + ")").c_str()));
    PQfinish(admin);
    EXPECT_FALSE(tx.query("SELECT 1 AS one", "", rows).ok());
    // Past the reconnect backoff, so that connecting again would be allowed.
    std::this_thread::sleep_for(std::chrono::seconds(1));
    EXPECT_FALSE(insert(tx, 7).ok());
    EXPECT_FALSE(tx.execute("INSERT INTO item (id, v) VALUES (8, 'x')", "").ok());
    return Outcome{};
  });
  EXPECT_FALSE(outcome.ok());
  EXPECT_EQ(count(), 0);
  // A later transaction connects again, once the reconnect backoff allows.
  Outcome again;
  for (int attempt = 0; attempt < 100; ++attempt) {
    again = db_->transaction([&](Transaction& tx) { return insert(tx, 9); });
    if (again.ok()) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_TRUE(again.ok()) << again.error;
  EXPECT_EQ(count(), 1);
}

// The server ends the write connection while it is idle (a restart, an idle
// timeout): BEGIN travels with the transaction's first statements, so the
// dropped connection must be noticed before them and replaced, and the next
// transaction succeed at its first attempt.
TEST_F(Transactions, AConnectionEndedWhileIdleIsReplacedBeforeTheNextTransaction) {
  if (!on_postgres()) GTEST_SKIP() << "PostgreSQL only: SQLite has no connection to lose";
  std::string rows;
  ASSERT_TRUE(db_->transaction([&](Transaction& tx) {
                   return tx.query("SELECT pg_backend_pid() AS pid", "", rows);
                 })
                  .ok());
  const std::string pid =
      std::to_string(nlohmann::json::parse(rows).at(0).at("pid").get<long long>());
  PGconn* admin = PQconnectdb(postgres_->url().c_str());
  PQclear(PQexec(admin, ("SELECT pg_terminate_backend(" + pid + ")").c_str()));
  for (int wait = 0; wait < 100; ++wait) {  // until the backend has gone
    PGresult* left = PQexec(admin, ("SELECT 1 FROM pg_stat_activity WHERE pid = " + pid).c_str());
    const int remaining = PQntuples(left);
    PQclear(left);
    if (remaining == 0) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  PQfinish(admin);
  const Outcome outcome = db_->transaction([&](Transaction& tx) { return insert(tx, 4); });
  EXPECT_TRUE(outcome.ok()) << outcome.error;
  EXPECT_EQ(count(), 1);
}

TEST_F(Transactions, AThrowingBodyRollsBackAndIsInternal) {
  const Outcome outcome = db_->transaction([&](Transaction& tx) -> Outcome {
    EXPECT_TRUE(insert(tx, 1).ok());
    throw std::runtime_error("boom");
  });
  EXPECT_EQ(outcome.status, AH_ERR_INTERNAL);
  EXPECT_NE(outcome.error.find("boom"), std::string::npos);
  EXPECT_EQ(count(), 0);
  EXPECT_TRUE(db_->transaction([&](Transaction& tx) { return insert(tx, 2); }).ok());
  EXPECT_EQ(count(), 1);
}

TEST_F(Transactions, CallingBackIntoTheDatabaseFromABodyIsRefusedNotDeadlocked) {
  Outcome nested_transaction;
  Outcome nested_write;
  const Outcome outcome = db_->transaction([&](Transaction& tx) {
    nested_transaction = db_->transaction([&](Transaction& inner) { return insert(inner, 1); });
    std::string rows;
    nested_write = db_->query("INSERT INTO item (id) VALUES (2)", "", rows);
    return insert(tx, 3);
  });
  EXPECT_TRUE(outcome.ok()) << outcome.error;
  EXPECT_EQ(nested_transaction.status, AH_ERR_INVALID_ARGUMENT);
  EXPECT_EQ(nested_write.status, AH_ERR_INVALID_ARGUMENT);
  EXPECT_EQ(query_ok(*db_, "SELECT id FROM item"), nlohmann::json::parse(R"([{"id":3}])"));
}

TEST_F(Transactions, AnEmptyBodyIsRefused) {
  EXPECT_EQ(db_->transaction(TransactionBody{}).status, AH_ERR_INVALID_ARGUMENT);
}

TEST_F(Transactions, DeferredForeignKeyViolationIsConflictAtTheEnd) {
  ASSERT_TRUE(db_->migrate({"CREATE TABLE item (id INTEGER PRIMARY KEY, v TEXT)",
                            "CREATE TABLE link (id INTEGER PRIMARY KEY, item_id INTEGER"
                            " REFERENCES item(id) DEFERRABLE INITIALLY DEFERRED)"})
                  .ok());
  std::string rows;
  // Fixed before the end: fine.
  ASSERT_TRUE(db_->transaction([&](Transaction& tx) {
                   EXPECT_TRUE(tx.query("INSERT INTO link VALUES (1, 10)", "", rows).ok());
                   return tx.query("INSERT INTO item (id) VALUES (10)", "", rows);
                 })
                  .ok());
  const Outcome dangling = db_->transaction(
      [&](Transaction& tx) { return tx.query("INSERT INTO link VALUES (2, 99)", "", rows); });
  EXPECT_EQ(dangling.status, AH_ERR_CONFLICT) << dangling.error;
  EXPECT_EQ(query_ok(*db_, "SELECT count(*) AS n FROM link")[0]["n"], 1);
}

TEST_F(Transactions, ReadersSeeEveryCommittedWriteAndNeverGoBack) {
  constexpr int kWrites = 300;
  std::atomic<int> acknowledged{0};
  std::atomic<bool> stop{false};
  std::atomic<int> violations{0};
  std::vector<std::thread> readers;
  for (int r = 0; r < 3; ++r) {
    readers.emplace_back([&] {
      std::int64_t last_seen = 0;
      while (!stop.load()) {
        const int floor = acknowledged.load();
        std::string rows;
        if (!db_->query("SELECT count(*) AS n FROM item", "", rows).ok()) {
          ++violations;
          continue;
        }
        const auto seen = nlohmann::json::parse(rows)[0]["n"].get<std::int64_t>();
        if (seen < floor || seen < last_seen) ++violations;
        last_seen = seen;
      }
    });
  }
  for (int id = 1; id <= kWrites; ++id) {
    ASSERT_TRUE(db_->transaction([&](Transaction& tx) { return insert(tx, id); }).ok());
    acknowledged.store(id);
  }
  stop.store(true);
  for (auto& reader : readers) reader.join();
  EXPECT_EQ(violations.load(), 0);
  EXPECT_EQ(count(), kWrites);
}

TEST_F(Transactions, ClosingWaitsForABodyInFlight) {
  std::mutex mutex;
  std::condition_variable changed;
  bool body_started = false;
  bool release_body = false;
  std::atomic<bool> body_finished{false};
  std::thread writer([&] {
    const Outcome outcome = db_->transaction([&](Transaction& tx) {
      {
        std::unique_lock<std::mutex> lock(mutex);
        body_started = true;
        changed.notify_all();
        changed.wait(lock, [&] { return release_body; });
      }
      Outcome inserted = insert(tx, 1);
      body_finished.store(true);
      return inserted;
    });
    EXPECT_TRUE(outcome.ok()) << outcome.error;
  });
  {
    std::unique_lock<std::mutex> lock(mutex);
    changed.wait(lock, [&] { return body_started; });
  }
  std::thread closer([&] {
    db_.reset();
    EXPECT_TRUE(body_finished.load()) << "the database closed while a body was running";
  });
  {
    std::lock_guard<std::mutex> lock(mutex);
    release_body = true;
  }
  changed.notify_all();
  closer.join();
  writer.join();
  db_ = open_db();
  EXPECT_EQ(count(), 1);
}

}  // namespace
}  // namespace agent_host::store::testing
