#include "http_server/handler_pool.hpp"

#include <system_error>
#include <utility>

namespace agent_host::http_server {

HandlerPool::HandlerPool(std::size_t max_threads, std::size_t queue_limit)
    : max_threads_(max_threads > 0 ? max_threads : 1), queue_limit_(queue_limit) {}

HandlerPool::~HandlerPool() {
  stop();
}

bool HandlerPool::submit(std::function<void()>& task) {
  std::unique_lock<std::mutex> lock(mutex_);
  if (stopping_ || queue_.size() >= queue_limit_) return false;
  queue_.push_back(std::move(task));
  if (idle_ > 0) {
    lock.unlock();
    wake_.notify_one();
    return true;
  }
  // A new thread inherits the network thread's mask: signals stay with sigwait.
  if (threads_.size() < max_threads_) {
    try {
      threads_.emplace_back([this] { work(); });
    } catch (const std::system_error&) {
      // Out of threads: a running one will take the task, or nobody would.
      if (threads_.empty()) {
        task = std::move(queue_.back());
        queue_.pop_back();
        return false;
      }
    }
  }
  return true;
}

void HandlerPool::work() {
  std::unique_lock<std::mutex> lock(mutex_);
  while (true) {
    if (queue_.empty()) {
      if (stopping_) return;
      ++idle_;
      wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      --idle_;
      continue;
    }
    std::function<void()> task = std::move(queue_.front());
    queue_.pop_front();
    lock.unlock();
    task();
    task = nullptr;  // whatever it captured goes before the lock is retaken
    lock.lock();
  }
}

void HandlerPool::stop() {
  std::vector<std::thread> threads;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
    threads.swap(threads_);
  }
  wake_.notify_all();
  for (auto& thread : threads) thread.join();
}

std::size_t HandlerPool::threads_started() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return threads_.size();
}

}  // namespace agent_host::http_server
