// How runs reach the workers: an in-process queue (LocalQueue) or a Redis
// Stream with a consumer group (RedisQueue). Both hand out leases; a lease is
// finished once the run reached a checkpoint that the store holds.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "run_record.hpp"

namespace workflow {

struct Lease {
  std::string run_id;
  nlohmann::json gates = nlohmann::json::array();  // concurrency slots the run needs
  std::string token;                               // backend id of the delivery (stream entry id)
  bool reclaimed = false;  // taken over from a worker that died or a previous process
  // The run as the store holds it, when the queue carries it (the worker then
  // claims it in memory instead of reading it back); null: read it from the store.
  std::shared_ptr<RunRecord> run;
};

class WorkQueue {
 public:
  virtual ~WorkQueue() = default;
  // A run was created (queued) and may start now; `run` is its stored record
  // (queues that keep runs in memory hand it to the worker).
  virtual void submitted(const std::string& run_id, const nlohmann::json& gates,
                         std::shared_ptr<RunRecord> run) = 0;
  // The run continues at `due_ms` (delay step, retry backoff, busy concurrency
  // slot); `run`, when given, is exactly what the store holds for it.
  // `reclaimed`: the run may be stored as running by a worker that is gone
  // (a reclaimed lease that met a busy slot, a save that failed); its next
  // lease must be allowed to take it over, or it would stay running forever.
  virtual void defer(const std::string& run_id, const nlohmann::json& gates, int64_t due_ms,
                     std::shared_ptr<RunRecord> run = nullptr, bool reclaimed = false) = 0;
  // Up to `max` leases; waits up to `wait` when none is ready.
  virtual std::vector<Lease> take(size_t max, std::chrono::milliseconds wait) = 0;
  // The lease's run is checkpointed in the store (or handed to defer): forget it.
  virtual void finish(const Lease& lease) = 0;
  // Several at once (one round trip where the queue can).
  virtual void finish_batch(const std::vector<Lease>& leases) {
    for (const auto& lease : leases) finish(lease);
  }
  // Runs waiting to start or continue.
  virtual int64_t depth() = 0;
  // Periodic upkeep (reclaiming, moving due runs, heartbeats); called by the engine.
  virtual void maintain() {}
  // Wakes every take() so workers can exit.
  virtual void shutdown() = 0;
};

// Per-key concurrency slots (a workflow's limit, a cron schedule's "queue" overlap).
class Gates {
 public:
  virtual ~Gates() = default;
  // Idempotent for the same run; false when `limit` runs already hold the key.
  virtual bool try_acquire(const std::string& key, int limit, const std::string& run_id) = 0;
  virtual void release(const std::string& key, const std::string& run_id) = 0;
};

}  // namespace workflow
