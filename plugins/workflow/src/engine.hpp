// Runs workflows: creates runs, feeds them to a pool of worker threads through
// the work queue, executes their steps to the next checkpoint, and keeps the
// per-key concurrency slots.
#pragma once

#include <agent_host/sdk.hpp>
#include <atomic>
#include <condition_variable>
#include <functional>
#include <memory>
#include <random>
#include <thread>
#include <vector>

#include "config.hpp"
#include "metrics.hpp"
#include "registry.hpp"
#include "step_runner.hpp"
#include "store.hpp"
#include "work_queue.hpp"

namespace workflow {

// The storage and queue a deployment uses: SQL + in-process, or Redis.
struct Backend {
  // Whatever the parts below share; declared first so it outlives them.
  std::shared_ptr<void> keep_alive;
  std::unique_ptr<Store> store;
  std::unique_ptr<WorkQueue> queue;
  std::unique_ptr<Gates> gates;
  // Puts unfinished runs back on the queue after a restart (in-process mode).
  std::function<void(Store&, WorkQueue&)> resume;
  // Periodic upkeep every maintenance tick (expiring keys, slot heartbeats).
  std::function<void(int64_t now)> upkeep;
  // Delay before a run whose concurrency slot is busy is tried again.
  int64_t busy_retry_ms = 20;
};

// A run input that breaks the workflow's input schema.
class InvalidInput : public std::runtime_error {
 public:
  explicit InvalidInput(Problems problems)
      : std::runtime_error("the input does not match the workflow's input_schema"),
        problems_(std::move(problems)) {}
  const Problems& problems() const { return problems_; }

 private:
  Problems problems_;
};

struct StartRequest {
  DefinitionPtr definition;
  json input = json::object();
  json trigger = json{{"kind", "api"}};
  std::string trigger_key = "api";
  std::string idempotency_key;
  std::string request_hash;
  json extra_gates = json::array();
  // The definition came from the registry's cache: the store checks that it is
  // still the latest version (CreateOutcome::stale_definition otherwise).
  bool require_latest = false;
};

class Engine {
 public:
  Engine(agent_host::Host& host, const PluginConfig& config, Backend backend, Metrics& metrics);
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  void start();
  void stop();

  Registry& registry() { return registry_; }
  Store& store() { return *backend_.store; }
  WorkQueue& queue() { return *backend_.queue; }

  // Validates the input and creates (or finds, by idempotency key) the run.
  // `created` receives the new run's record when one was created.
  CreateOutcome start_run(const StartRequest& request, RunRecord* created = nullptr);
  CancelOutcome cancel(const std::string& run_id);

  // Called every maintenance tick (after queue upkeep), e.g. to sync schedules.
  void on_maintenance(std::function<void()> fn) { maintenance_hooks_.push_back(std::move(fn)); }

 private:
  // What a worker did with the leases it took at once: the final states to
  // write (in one batch), the slots to release and the leases to finish after.
  struct Batch {
    std::vector<RunRecord> finals;
    std::vector<const Lease*> final_leases;
    std::vector<std::pair<std::string, std::string>> held;  // (gate key, run id)
    std::vector<const Lease*> done;                         // leases to finish
  };

  // A final state waiting for the writer thread, with what to do once it is
  // written: release the run's slots and finish its lease.
  struct Final {
    RunRecord run;
    Lease lease;
    std::vector<std::string> slots;  // gate keys the run holds
  };

  void worker_loop();
  void maintenance_loop();
  void execute(Lease& lease, Batch& batch);
  // Hands the batch's final states to the writer thread; releases the slots and
  // finishes the leases of the batch's other runs (parked or deferred).
  void flush(Batch& batch);
  // The writer thread: writes the final states of every worker together (one
  // transaction or round trip), counts them, releases slots, finishes leases.
  void finals_loop();
  void write_finals(std::vector<Final>& finals);
  // Claims a run the queue handed over in memory: no store access; the claim is
  // written (compare-and-set) with the run's next save.
  bool claim_in_memory(RunRecord& run, bool reclaim);
  // One pass over a run's steps: what advance() and its parts share.
  struct Pass {
    RunRecord& run;
    const Definition& definition;
    const Lease& lease;
    Batch& batch;
    json context;  // what templates and conditions read: input, steps, run
  };
  // One attempt of a step, as made.
  struct Attempted {
    StepOutcome outcome;
    int number = 1;
    bool capped_by_run = false;  // its timeout was cut short by the run's deadline
  };

  // Runs steps until the run finishes or must wait; writes the checkpoint (the
  // final one goes to the batch).
  void advance(RunRecord& run, const Lease& lease, Batch& batch);
  // The parts of advance(): each returns true when the run goes on to its next
  // step, false when it stopped here (parked, finished, or no longer ours).
  bool run_step(Pass& pass, const Step& step);
  bool run_delay(Pass& pass, const Step& step, StepRecord& record, int64_t now);
  bool may_call_out(RunRecord& run);
  Attempted attempt(Pass& pass, const Step& step, StepRecord& record, int64_t now);
  bool step_succeeded(Pass& pass, const Step& step, StepRecord& record, const Attempted& made);
  void step_failed(Pass& pass, const Step& step, StepRecord& record, const Attempted& made);
  bool retry_later(Pass& pass, const Step& step, StepRecord& record, int attempt, int64_t now);
  void complete(Pass& pass);
  void finish(RunRecord& run, const std::string& final_status, json error, const Lease& lease,
              Batch& batch);
  bool park(RunRecord& run, const Lease& lease, int64_t resume_at);
  json context_of(const RunRecord& run) const;
  double random01();

  agent_host::Host& host_;
  PluginConfig config_;
  Backend backend_;
  Metrics& metrics_;
  Registry registry_;
  StepRunner steps_;
  std::string owner_;
  std::atomic<bool> running_{false};
  std::vector<std::thread> workers_;
  std::thread maintenance_;
  std::thread finals_writer_;
  std::mutex finals_mutex_;
  std::condition_variable finals_ready_;
  std::vector<Final> finals_;
  bool finals_stop_ = false;
  std::vector<std::function<void()>> maintenance_hooks_;
  std::mutex random_mutex_;
  std::mt19937_64 random_;
};

}  // namespace workflow
