// Threads that run plugin handlers away from Pistache's network threads, so a
// handler that waits (a SQL write, an agent call, an LLM answer) holds one pool
// thread instead of every connection of a network thread, health probes
// included; and so that concurrent writes meet in the store's group commit.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace agent_host::http_server {

class HandlerPool {
 public:
  // Up to `max_threads` threads, started only as work needs them (an idle
  // host keeps none); at most `queue_limit` tasks wait for a thread.
  HandlerPool(std::size_t max_threads, std::size_t queue_limit);
  ~HandlerPool();
  HandlerPool(const HandlerPool&) = delete;
  HandlerPool& operator=(const HandlerPool&) = delete;

  // Queues `task`; false (and `task` untouched) when the queue is full or the
  // pool is stopping, so that the caller answers 503 itself.
  bool submit(std::function<void()>& task);
  // Runs what is queued, then joins every thread. Idempotent.
  void stop();

  std::size_t threads_started() const;

 private:
  void work();

  const std::size_t max_threads_;
  const std::size_t queue_limit_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::function<void()>> queue_;
  std::vector<std::thread> threads_;
  std::size_t idle_ = 0;
  bool stopping_ = false;
};

}  // namespace agent_host::http_server
