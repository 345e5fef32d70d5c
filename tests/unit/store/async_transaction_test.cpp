// Database::transaction_async: answered after the commit, batched with
// blocking transactions, and never left unanswered when the database closes.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include "store_test_support.hpp"

namespace agent_host::store::testing {
namespace {

using namespace std::chrono_literals;

// Counts `done` calls and lets a test wait for a number of them.
class Answers {
 public:
  std::function<void(Outcome)> callback(int id) {
    return [this, id](Outcome outcome) {
      std::lock_guard<std::mutex> lock(mutex_);
      (outcome.ok() ? ok_ : failed_).insert(id);
      answered_.notify_all();
    };
  }
  bool wait_for(std::size_t count, std::chrono::milliseconds limit = 20s) {
    std::unique_lock<std::mutex> lock(mutex_);
    return answered_.wait_for(lock, limit, [&] { return ok_.size() + failed_.size() >= count; });
  }
  std::set<int> ok() {
    std::lock_guard<std::mutex> lock(mutex_);
    return ok_;
  }
  std::set<int> failed() {
    std::lock_guard<std::mutex> lock(mutex_);
    return failed_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable answered_;
  std::set<int> ok_, failed_;
};

TransactionBody insert_row(int id, bool refuse = false) {
  return [id, refuse](Transaction& tx) -> Outcome {
    std::string rows;
    Outcome inserted =
        tx.query("INSERT INTO item (id) VALUES ($1)", "[" + std::to_string(id) + "]", rows);
    if (!inserted.ok()) return inserted;
    if (refuse) return Outcome{AH_ERR_CONFLICT, "refused on purpose"};
    return {};
  };
}

std::set<int> stored_ids(Database& db) {
  std::set<int> ids;
  for (const auto& row : query_ok(db, "SELECT id FROM item")) ids.insert(row["id"].get<int>());
  return ids;
}

class AsyncTransactions : public StoreFixture, public ::testing::Test {
 protected:
  std::unique_ptr<Database> open_items() {
    auto db = open_db();
    EXPECT_TRUE(db->migrate({"CREATE TABLE item (id INTEGER PRIMARY KEY)"}).ok());
    return db;
  }
};

TEST_F(AsyncTransactions, EachIsAnsweredOnceAfterItsCommit) {
  auto db = open_items();
  Answers answers;
  std::atomic<int> visible_at_answer{0};
  constexpr int kCount = 500;
  for (int id = 1; id <= kCount; ++id) {
    auto record = answers.callback(id);
    db->transaction_async(insert_row(id), [&, id, record](Outcome outcome) {
      // Answered after the commit: another connection reads the row already.
      if (outcome.ok() && id == kCount / 2) {
        const auto rows = query_ok(*db, "SELECT count(*) AS n FROM item WHERE id = $1",
                                   "[" + std::to_string(id) + "]");
        visible_at_answer = rows[0]["n"].get<int>();
      }
      record(std::move(outcome));
    });
  }
  ASSERT_TRUE(answers.wait_for(kCount));
  EXPECT_EQ(answers.ok().size(), static_cast<std::size_t>(kCount));
  EXPECT_TRUE(answers.failed().empty());
  EXPECT_EQ(stored_ids(*db).size(), static_cast<std::size_t>(kCount));
  EXPECT_EQ(visible_at_answer.load(), 1);
}

TEST_F(AsyncTransactions, AFailingBodyLosesOnlyItsOwnWritesAmongBlockingAndAsyncCallers) {
  auto db = open_items();
  Answers answers;
  constexpr int kThreads = 6;
  constexpr int kPerThread = 300;
  std::mutex sync_mutex;
  std::set<int> sync_ok, sync_failed;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int seq = 0; seq < kPerThread; ++seq) {
        const int id = t * 100000 + seq + 1;
        const bool refuse = seq % 7 == 3;
        if ((seq + t) % 2 == 0) {
          db->transaction_async(insert_row(id, refuse), answers.callback(id));
        } else {
          const Outcome outcome = db->transaction(insert_row(id, refuse));
          std::lock_guard<std::mutex> lock(sync_mutex);
          (outcome.ok() ? sync_ok : sync_failed).insert(id);
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  const std::size_t async_count = kThreads * kPerThread / 2;
  ASSERT_TRUE(answers.wait_for(async_count));

  std::set<int> expected = answers.ok();
  expected.insert(sync_ok.begin(), sync_ok.end());
  EXPECT_EQ(stored_ids(*db), expected);
  for (int id : answers.failed()) EXPECT_EQ(id % 100000 % 7, 4) << id;  // seq % 7 == 3
  for (int id : sync_failed) EXPECT_EQ(id % 100000 % 7, 4) << id;
  EXPECT_EQ(answers.failed().size() + sync_failed.size(),
            static_cast<std::size_t>(kThreads) * ((kPerThread + 3) / 7));
}

// A batch first runs without savepoints; when a body fails as it runs (here:
// a statement it reads, sent at once on both engines), the others run again,
// each in its own savepoint: so however many bodies of a batch fail, none
// runs more than twice.
TEST_F(AsyncTransactions, FailingBodiesCostTheirBatchAtMostOneRerun) {
  auto db = open_items();
  Answers answers;
  constexpr int kCount = 400;
  std::vector<std::atomic<int>> runs(kCount + 1);
  for (int id = 1; id <= kCount; ++id) {
    const bool refuse = id % 5 == 0;
    TransactionBody body = [&runs, id, inner = insert_row(id, refuse)](Transaction& tx) {
      ++runs[id];
      return inner(tx);
    };
    db->transaction_async(std::move(body), answers.callback(id));
  }
  ASSERT_TRUE(answers.wait_for(kCount));
  EXPECT_EQ(answers.failed().size(), static_cast<std::size_t>(kCount / 5));
  EXPECT_EQ(stored_ids(*db), answers.ok());
  int most = 0;
  for (int id = 1; id <= kCount; ++id) most = std::max(most, runs[id].load());
  EXPECT_LE(most, 2) << "a body ran again for each failing body of its batch";
}

TEST_F(AsyncTransactions, ClosingTheDatabaseWaitsForEveryAnswer) {
  auto db = open_items();
  std::atomic<int> answered{0};
  constexpr int kCount = 300;
  for (int id = 1; id <= kCount; ++id) {
    db->transaction_async(
        [id](Transaction& tx) -> Outcome {
          std::this_thread::sleep_for(100us);  // keep work queued when closing starts
          return insert_row(id)(tx);
        },
        [&answered](Outcome outcome) {
          if (outcome.ok()) ++answered;
        });
  }
  db.reset();
  EXPECT_EQ(answered.load(), kCount);
  auto reopened = open_db();
  EXPECT_EQ(stored_ids(*reopened).size(), static_cast<std::size_t>(kCount));
}

TEST_F(AsyncTransactions, WaitIdleReturnsOnceQueuedWorkIsAnswered) {
  auto db = open_items();
  std::atomic<int> answered{0};
  for (int id = 1; id <= 50; ++id) {
    db->transaction_async(
        [id](Transaction& tx) -> Outcome {
          std::this_thread::sleep_for(1ms);
          return insert_row(id)(tx);
        },
        [&answered](Outcome) { ++answered; });
  }
  db->wait_idle();
  EXPECT_EQ(answered.load(), 50);
  // Still open for new work.
  EXPECT_TRUE(db->transaction(insert_row(51)).ok());
}

TEST_F(AsyncTransactions, ABodyQueueingIntoItsOwnDatabaseIsRefusedNotDeadlocked) {
  auto db = open_items();
  Outcome inner;
  Answers answers;
  db->transaction_async(
      [&](Transaction& tx) -> Outcome {
        db->transaction_async(insert_row(2), [&inner](Outcome outcome) { inner = outcome; });
        return insert_row(1)(tx);
      },
      answers.callback(1));
  ASSERT_TRUE(answers.wait_for(1));
  EXPECT_EQ(inner.status, AH_ERR_INVALID_ARGUMENT);
  EXPECT_NE(inner.error.find("called back into its own database"), std::string::npos);
  EXPECT_EQ(stored_ids(*db), (std::set<int>{1}));
}

TEST_F(AsyncTransactions, AnEmptyBodyIsRefusedAtOnce) {
  auto db = open_items();
  Outcome outcome;
  db->transaction_async(TransactionBody{}, [&outcome](Outcome o) { outcome = std::move(o); });
  EXPECT_EQ(outcome.status, AH_ERR_INVALID_ARGUMENT);
}

}  // namespace
}  // namespace agent_host::store::testing
