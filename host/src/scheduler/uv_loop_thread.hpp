#pragma once

#include <uv.h>

#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace agent_host::scheduler {

// A libuv loop running on a thread of its own. libuv is not thread-safe, so
// other threads hand work to the loop with post(), which wakes it through a
// uv_async_t.
class UvLoopThread {
 public:
  using Task = std::function<void(uv_loop_t&)>;

  UvLoopThread();
  ~UvLoopThread();
  UvLoopThread(const UvLoopThread&) = delete;
  UvLoopThread& operator=(const UvLoopThread&) = delete;

  void start();
  // Runs `task` on the loop thread. Tasks posted before start() run right
  // after it; tasks posted after stop() are dropped.
  void post(Task task);
  // Runs the tasks already posted, closes the wake-up handle and joins the
  // thread. Handles created by tasks must be closed by earlier tasks; any left
  // open are closed here.
  void stop();

 private:
  static void on_wake(uv_async_t* handle);
  void run_posted_tasks();

  uv_loop_t loop_{};
  uv_async_t wake_{};
  std::thread thread_;
  std::mutex mutex_;
  std::vector<Task> tasks_;
  bool started_ = false;
  bool stopping_ = false;
};

}  // namespace agent_host::scheduler
