#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace agent_host::scheduler {

// A fixed set of threads that run submitted tasks in order of submission.
class JobPool {
 public:
  explicit JobPool(std::size_t threads);
  ~JobPool();
  JobPool(const JobPool&) = delete;
  JobPool& operator=(const JobPool&) = delete;

  void submit(std::function<void()> task);
  // Runs every task already submitted, then joins the threads. Idempotent.
  void shutdown();

 private:
  void work();

  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::function<void()>> tasks_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace agent_host::scheduler
