#include <gtest/gtest.h>

#include <set>
#include <thread>

#include "store_test_support.hpp"

namespace agent_host::store::testing {
namespace {

constexpr int kThreads = 8;
constexpr int kTransactionsPerThread = 500;

enum class Plan { commit, body_refuses, statement_conflict, body_throws };

// Deterministic mix: most commit, some fail in each of the three ways.
Plan plan_for(int sequence) {
  if (sequence % 7 == 3) return Plan::body_refuses;
  if (sequence % 11 == 5) return Plan::statement_conflict;
  if (sequence % 13 == 7) return Plan::body_throws;
  return Plan::commit;
}

class GroupCommit : public StoreFixture, public ::testing::TestWithParam<bool> {};

TEST_P(GroupCommit, ExactlyTheSuccessfulTransactionsPersist) {
  Options options;
  options.group_commit = GetParam();
  auto db = open_db(options);
  ASSERT_TRUE(
      db->migrate({"CREATE TABLE event (id INTEGER PRIMARY KEY, thread INTEGER, seq INTEGER);"
                   "CREATE TABLE counter (id INTEGER PRIMARY KEY, n INTEGER NOT NULL);"
                   "INSERT INTO counter VALUES (1, 0);"
                   "INSERT INTO event VALUES (0, -1, -1)"})
          .ok());

  std::vector<std::set<int>> committed(kThreads);
  std::vector<int> unexpected(kThreads, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int seq = 0; seq < kTransactionsPerThread; ++seq) {
        const int id = (t + 1) * 100000 + seq;
        const Plan plan = plan_for(seq);
        const Outcome outcome = db->transaction([&](Transaction& tx) -> Outcome {
          std::string rows;
          // Read-modify-write: lost updates would show in the final count.
          Outcome bumped = tx.query("UPDATE counter SET n = n + 1 WHERE id = 1", "", rows);
          if (!bumped.ok()) return bumped;
          const std::string params =
              "[" + std::to_string(id) + "," + std::to_string(t) + "," + std::to_string(seq) + "]";
          Outcome inserted = tx.query("INSERT INTO event VALUES ($1, $2, $3)", params, rows);
          if (!inserted.ok()) return inserted;
          switch (plan) {
            case Plan::body_refuses:
              return Outcome{AH_ERR_CONFLICT, "refused on purpose"};
            case Plan::statement_conflict:
              return tx.query("INSERT INTO event VALUES (0, 0, 0)", "", rows);
            case Plan::body_throws:
              throw std::runtime_error("thrown on purpose");
            case Plan::commit:
              break;
          }
          return Outcome{};
        });
        const bool should_commit = plan == Plan::commit;
        if (outcome.ok() != should_commit) ++unexpected[t];
        if (plan == Plan::statement_conflict && outcome.status != AH_ERR_CONFLICT) ++unexpected[t];
        if (plan == Plan::body_throws && outcome.status != AH_ERR_INTERNAL) ++unexpected[t];
        if (outcome.ok()) committed[t].insert(id);
      }
    });
  }
  for (auto& thread : threads) thread.join();

  std::set<int> expected;
  for (int t = 0; t < kThreads; ++t) {
    EXPECT_EQ(unexpected[t], 0) << "thread " << t << " got unexpected outcomes";
    expected.insert(committed[t].begin(), committed[t].end());
  }
  int per_thread = 0;
  for (int seq = 0; seq < kTransactionsPerThread; ++seq)
    per_thread += plan_for(seq) == Plan::commit;
  ASSERT_EQ(expected.size(), static_cast<std::size_t>(per_thread * kThreads));

  std::set<int> stored;
  for (const auto& row : query_ok(*db, "SELECT id FROM event WHERE id > 0")) {
    stored.insert(row["id"].get<int>());
  }
  EXPECT_EQ(stored, expected);
  EXPECT_EQ(query_ok(*db, "SELECT n FROM counter")[0]["n"], per_thread * kThreads);

  // And all of it is on disk: a fresh handle sees the same.
  db.reset();
  db = open_db(options);
  EXPECT_EQ(query_ok(*db, "SELECT count(*) AS n FROM event WHERE id > 0")[0]["n"],
            per_thread * kThreads);
}

TEST_P(GroupCommit, ConcurrentAutocommitWritesAllLand) {
  Options options;
  options.group_commit = GetParam();
  auto db = open_db(options);
  ASSERT_TRUE(
      db->migrate({"CREATE TABLE hit (id INTEGER PRIMARY KEY AUTOINCREMENT, t INTEGER)"}).ok());
  constexpr int kPerThread = 200;
  std::vector<std::thread> threads;
  std::vector<int> failures(kThreads, 0);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        std::string rows;
        if (!db->query("INSERT INTO hit (t) VALUES ($1) RETURNING id",
                       "[" + std::to_string(t) + "]", rows)
                 .ok() ||
            nlohmann::json::parse(rows).size() != 1) {
          ++failures[t];
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  for (int t = 0; t < kThreads; ++t) EXPECT_EQ(failures[t], 0);
  EXPECT_EQ(query_ok(*db, "SELECT count(*) AS n FROM hit")[0]["n"], kThreads * kPerThread);
}

INSTANTIATE_TEST_SUITE_P(Store, GroupCommit, ::testing::Values(true, false),
                         [](const ::testing::TestParamInfo<bool>& param) {
                           return param.param ? "Batched" : "Alone";
                         });

}  // namespace
}  // namespace agent_host::store::testing
