#include "local_queue.hpp"

#include "clock.hpp"

namespace workflow {

void LocalQueue::push_locked(Lease lease, int64_t due_ms) {
  if (due_ms <= now_ms())
    ready_.push_back(std::move(lease));
  else
    delayed_.push(Delayed{due_ms, std::move(lease)});
}

void LocalQueue::submitted(const std::string& run_id, const nlohmann::json& gates,
                           std::shared_ptr<RunRecord> run) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    ready_.push_back(Lease{run_id, gates, {}, false, std::move(run)});
  }
  wake_.notify_one();
}

void LocalQueue::defer(const std::string& run_id, const nlohmann::json& gates, int64_t due_ms,
                       std::shared_ptr<RunRecord> run, bool reclaimed) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    push_locked(Lease{run_id, gates, {}, reclaimed, std::move(run)}, due_ms);
  }
  // Every taker recomputes how long to sleep: the new entry may be the earliest.
  wake_.notify_all();
}

void LocalQueue::resume(const std::string& run_id, const nlohmann::json& gates, int64_t due_ms,
                        bool reclaimed, std::shared_ptr<RunRecord> run) {
  defer(run_id, gates, due_ms, std::move(run), reclaimed);
}

std::vector<Lease> LocalQueue::take(size_t max, std::chrono::milliseconds wait) {
  std::unique_lock<std::mutex> lock(mutex_);
  const auto give_up = std::chrono::steady_clock::now() + wait;
  while (!stopping_) {
    const int64_t now = now_ms();
    while (!delayed_.empty() && delayed_.top().due_ms <= now) {
      // top() is const: move out through a cast, the entry is popped right after.
      ready_.push_back(std::move(const_cast<Delayed&>(delayed_.top()).lease));
      delayed_.pop();
    }
    if (!ready_.empty()) {
      std::vector<Lease> out;
      while (!ready_.empty() && out.size() < max) {
        out.push_back(std::move(ready_.front()));
        ready_.pop_front();
      }
      return out;
    }
    auto until = give_up;
    if (!delayed_.empty())
      until = std::min(until, std::chrono::steady_clock::now() +
                                  std::chrono::milliseconds(delayed_.top().due_ms - now));
    if (wake_.wait_until(lock, until) == std::cv_status::timeout &&
        std::chrono::steady_clock::now() >= give_up &&
        (delayed_.empty() || delayed_.top().due_ms > now_ms()))
      return {};
  }
  return {};
}

int64_t LocalQueue::depth() {
  std::lock_guard<std::mutex> lock(mutex_);
  return static_cast<int64_t>(ready_.size() + delayed_.size());
}

void LocalQueue::shutdown() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
}

bool LocalGates::try_acquire(const std::string& key, int limit, const std::string& run_id) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto& holders = holders_[key];
  if (holders.count(run_id)) return true;
  if (static_cast<int>(holders.size()) >= limit) return false;
  holders.insert(run_id);
  return true;
}

void LocalGates::release(const std::string& key, const std::string& run_id) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = holders_.find(key);
  if (it == holders_.end()) return;
  it->second.erase(run_id);
  if (it->second.empty()) holders_.erase(it);
}

}  // namespace workflow
