// The in-process queue: ready runs in memory, delayed ones in a timer heap. The
// SQL store holds the durable truth; after a restart the engine refills the
// queue from the store's unfinished runs.
#pragma once

#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <queue>
#include <set>

#include "work_queue.hpp"

namespace workflow {

class LocalQueue : public WorkQueue {
 public:
  void submitted(const std::string& run_id, const nlohmann::json& gates,
                 std::shared_ptr<RunRecord> run) override;
  void defer(const std::string& run_id, const nlohmann::json& gates, int64_t due_ms,
             std::shared_ptr<RunRecord> run = nullptr, bool reclaimed = false) override;
  std::vector<Lease> take(size_t max, std::chrono::milliseconds wait) override;
  void finish(const Lease&) override {}
  int64_t depth() override;
  void shutdown() override;
  // A run found unfinished at start; `reclaimed` when it was running then.
  void resume(const std::string& run_id, const nlohmann::json& gates, int64_t due_ms,
              bool reclaimed, std::shared_ptr<RunRecord> run = nullptr);

 private:
  struct Delayed {
    int64_t due_ms;
    Lease lease;
    bool operator>(const Delayed& other) const { return due_ms > other.due_ms; }
  };
  void push_locked(Lease lease, int64_t due_ms);

  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Lease> ready_;
  std::priority_queue<Delayed, std::vector<Delayed>, std::greater<Delayed>> delayed_;
  bool stopping_ = false;
};

class LocalGates : public Gates {
 public:
  bool try_acquire(const std::string& key, int limit, const std::string& run_id) override;
  void release(const std::string& key, const std::string& run_id) override;

 private:
  std::mutex mutex_;
  std::map<std::string, std::set<std::string>> holders_;
};

}  // namespace workflow
