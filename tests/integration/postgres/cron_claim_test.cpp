// A cron fire on storage shared by replicas runs on exactly one of them.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "runtime/storage.hpp"
#include "store/postgres_database.hpp"
#include "testing/scratch_postgres.hpp"

namespace agent_host::runtime {
namespace {

TEST(CronClaims, EachFireIsClaimedByExactlyOneOfManyReplicas) {
  auto scratch = testing::ScratchPostgres::from_environment();
  ASSERT_NE(scratch, nullptr) << "AH_TEST_POSTGRES_URL is not set";
  store::PostgresSettings settings;
  settings.conninfo = scratch->url();
  settings.schema = "claims";
  std::vector<std::unique_ptr<store::Database>> replicas;
  for (int i = 0; i < 4; ++i) replicas.push_back(store::PostgresDatabase::open(settings));

  constexpr int kFires = 25;
  std::atomic<int> taken{0}, failures{0};
  std::vector<std::thread> threads;
  for (auto& replica : replicas) {
    threads.emplace_back([&, db = replica.get()] {
      for (int fire = 0; fire < kFires; ++fire) {
        std::string error;
        if (claim_cron_fire(*db, "daily-report", 1'700'000'000'000 + fire * 60'000, error)) ++taken;
        if (!error.empty()) ++failures;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(taken.load(), kFires);
  EXPECT_EQ(failures.load(), 0);
  std::string error;
  EXPECT_FALSE(claim_cron_fire(*replicas[0], "daily-report", 1'700'000'000'000, error));
  EXPECT_TRUE(claim_cron_fire(*replicas[0], "weekly-report", 1'700'000'000'000, error)) << error;
}

}  // namespace
}  // namespace agent_host::runtime
