// Runs on a Redis Stream read through a consumer group, so every replica takes
// work. A delivery stays pending until its run is checkpointed; a worker keeps
// its deliveries fresh (XCLAIM ... JUSTID) and any replica takes over those of a
// dead worker once they are idle longer than claim_idle_ms (XAUTOCLAIM).
// Delayed runs wait in a sorted set and are moved to the stream when due.
#pragma once

#include <atomic>
#include <map>
#include <mutex>
#include <set>

#include "config.hpp"
#include "redis_client.hpp"
#include "work_queue.hpp"

namespace workflow {

class RedisQueue : public WorkQueue {
 public:
  RedisQueue(redis::Pool& pool, const RedisConfig& config, std::string consumer);

  // The create script added it, with the run's record (the worker claims it in memory).
  void submitted(const std::string&, const nlohmann::json&, std::shared_ptr<RunRecord>) override {}
  void defer(const std::string& run_id, const nlohmann::json& gates, int64_t due_ms,
             std::shared_ptr<RunRecord> run = nullptr, bool reclaimed = false) override;
  std::vector<Lease> take(size_t max, std::chrono::milliseconds wait) override;
  void finish(const Lease& lease) override;
  void finish_batch(const std::vector<Lease>& leases) override;
  int64_t depth() override;
  void maintain() override;
  void shutdown() override { stopping_ = true; }

 private:
  std::vector<Lease> reclaim(size_t max);
  void move_due();
  std::vector<Lease> leases_from(const redis::Value& entries, bool reclaimed);

  redis::Pool& pool_;
  RedisConfig config_;
  std::string consumer_;
  std::string delayed_key_;
  std::string run_prefix_;
  std::atomic<bool> stopping_{false};
  std::atomic<int64_t> last_move_{0};
  std::atomic<int64_t> last_reclaim_{0};
  std::atomic<int64_t> last_heartbeat_{0};
  std::mutex mutex_;
  std::string reclaim_cursor_ = "0-0";
  std::set<std::string> in_flight_;  // stream ids this consumer holds
};

// Concurrency slots as sorted sets of run ids scored by lease expiry: a slot of
// a dead worker expires after claim_idle_ms, so it never leaks.
class RedisGates : public Gates {
 public:
  RedisGates(redis::Pool& pool, const RedisConfig& config) : pool_(pool), config_(config) {}
  bool try_acquire(const std::string& key, int limit, const std::string& run_id) override;
  void release(const std::string& key, const std::string& run_id) override;
  // Extends the expiry of every slot this process holds.
  void refresh();

 private:
  std::string gate_key(const std::string& key) const { return config_.key_prefix + ":gate:" + key; }

  redis::Pool& pool_;
  RedisConfig config_;
  std::mutex mutex_;
  std::multiset<std::pair<std::string, std::string>> held_;  // (key, run id)
  std::atomic<int64_t> last_refresh_{0};
};

}  // namespace workflow
