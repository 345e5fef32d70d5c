// The handler pool: bounded queue, threads on demand, queued work finished on stop.
#include "http_server/handler_pool.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>

namespace agent_host::http_server {
namespace {

// Holds every task that runs until released.
class Gate {
 public:
  void wait() {
    std::unique_lock<std::mutex> lock(mutex_);
    ++waiting_;
    changed_.notify_all();
    changed_.wait(lock, [this] { return open_; });
  }
  void wait_for_waiters(int count) {
    std::unique_lock<std::mutex> lock(mutex_);
    changed_.wait(lock, [&] { return waiting_ >= count; });
  }
  void open() {
    std::lock_guard<std::mutex> lock(mutex_);
    open_ = true;
    changed_.notify_all();
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  int waiting_ = 0;
  bool open_ = false;
};

TEST(HandlerPool, StartsThreadsOnlyAsWorkNeedsThemUpToTheLimit) {
  HandlerPool pool(3, 100);
  EXPECT_EQ(pool.threads_started(), 0u);
  Gate gate;
  for (int i = 0; i < 5; ++i) {
    std::function<void()> task = [&] { gate.wait(); };
    ASSERT_TRUE(pool.submit(task));
  }
  gate.wait_for_waiters(3);
  EXPECT_EQ(pool.threads_started(), 3u);
  gate.open();
  pool.stop();
}

TEST(HandlerPool, AFullQueueRefusesAndLeavesTheTaskWithTheCaller) {
  HandlerPool pool(1, 1);
  Gate gate;
  std::function<void()> busy = [&] { gate.wait(); };
  ASSERT_TRUE(pool.submit(busy));
  gate.wait_for_waiters(1);  // the only thread is taken
  std::function<void()> queued = [] {};
  ASSERT_TRUE(pool.submit(queued));
  bool ran = false;
  std::function<void()> refused = [&] { ran = true; };
  EXPECT_FALSE(pool.submit(refused));
  ASSERT_TRUE(refused);  // still the caller's, to answer 503 with
  refused();
  EXPECT_TRUE(ran);
  gate.open();
  pool.stop();
}

TEST(HandlerPool, StopRunsWhatIsQueuedThenRefusesMore) {
  std::atomic<int> ran{0};
  HandlerPool pool(1, 100);
  for (int i = 0; i < 20; ++i) {
    std::function<void()> task = [&] { ++ran; };
    ASSERT_TRUE(pool.submit(task));
  }
  pool.stop();
  EXPECT_EQ(ran.load(), 20);
  std::function<void()> late = [&] { ++ran; };
  EXPECT_FALSE(pool.submit(late));
  EXPECT_EQ(ran.load(), 20);
}

}  // namespace
}  // namespace agent_host::http_server
