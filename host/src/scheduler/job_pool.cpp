#include "scheduler/job_pool.hpp"

#include <stdexcept>

namespace agent_host::scheduler {

JobPool::JobPool(std::size_t threads) {
  if (threads == 0) throw std::invalid_argument("scheduler job_threads must be at least 1");
  threads_.reserve(threads);
  for (std::size_t i = 0; i < threads; ++i) threads_.emplace_back([this] { work(); });
}

JobPool::~JobPool() {
  shutdown();
}

void JobPool::submit(std::function<void()> task) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (stopping_) throw std::logic_error("job pool is shut down");
    tasks_.push_back(std::move(task));
  }
  wake_.notify_one();
}

void JobPool::shutdown() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  for (std::thread& thread : threads_)
    if (thread.joinable()) thread.join();
}

void JobPool::work() {
  while (true) {
    std::function<void()> task;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || !tasks_.empty(); });
      if (tasks_.empty()) return;  // stopping and drained
      task = std::move(tasks_.front());
      tasks_.pop_front();
    }
    task();
  }
}

}  // namespace agent_host::scheduler
