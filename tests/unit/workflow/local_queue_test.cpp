// The in-process queue keeps what a lease needs across a deferral: a run taken
// over after a restart that meets a busy concurrency slot is deferred, and its
// next lease must still be allowed to take it over (it is stored as running).
#include "local_queue.hpp"

#include <gtest/gtest.h>

#include <chrono>

#include "clock.hpp"

namespace workflow {
namespace {

using namespace std::chrono_literals;

TEST(LocalQueue, ADeferredTakeOverIsStillATakeOver) {
  LocalQueue queue;
  const nlohmann::json gates = nlohmann::json::array({{{"key", "one"}, {"limit", 1}}});
  queue.defer("held-by-a-dead-worker", gates, now_ms(), nullptr, true);
  queue.defer("delayed", gates, now_ms(), nullptr, false);
  auto leases = queue.take(10, 100ms);
  ASSERT_EQ(leases.size(), 2u);
  EXPECT_EQ(leases[0].run_id, "held-by-a-dead-worker");
  EXPECT_TRUE(leases[0].reclaimed);
  EXPECT_EQ(leases[0].gates, gates);
  EXPECT_EQ(leases[1].run_id, "delayed");
  EXPECT_FALSE(leases[1].reclaimed);
}

TEST(LocalQueue, ResumedRunsKeepWhetherTheyWereRunning) {
  LocalQueue queue;
  queue.resume("was-running", nlohmann::json::array(), 0, true);
  queue.resume("was-queued", nlohmann::json::array(), 0, false);
  auto leases = queue.take(10, 100ms);
  ASSERT_EQ(leases.size(), 2u);
  EXPECT_TRUE(leases[0].reclaimed);
  EXPECT_FALSE(leases[1].reclaimed);
}

}  // namespace
}  // namespace workflow
