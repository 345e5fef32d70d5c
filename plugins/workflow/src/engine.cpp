#include "engine.hpp"

#include <algorithm>

#include "clock.hpp"
#include "crypto.hpp"

namespace workflow {

Engine::Engine(agent_host::Host& host, const PluginConfig& config, Backend backend,
               Metrics& metrics)
    : host_(host),
      config_(config),
      backend_(std::move(backend)),
      metrics_(metrics),
      registry_(*backend_.store),
      steps_(host, metrics),
      owner_(host.environment().value("instance", std::string("workflow")) + "-" +
             crypto::random_hex(4)),
      random_(std::random_device{}()) {}

Engine::~Engine() {
  stop();
}

void Engine::start() {
  if (running_.exchange(true)) return;
  if (backend_.resume) backend_.resume(*backend_.store, *backend_.queue);
  for (int i = 0; i < config_.workers; ++i) workers_.emplace_back([this] { worker_loop(); });
  maintenance_ = std::thread([this] { maintenance_loop(); });
}

void Engine::stop() {
  if (!running_.exchange(false)) return;
  backend_.queue->shutdown();
  for (auto& worker : workers_) worker.join();
  workers_.clear();
  if (maintenance_.joinable()) maintenance_.join();
}

void Engine::worker_loop() {
  // Leases taken at once: grows while batches are quick (so their final writes
  // share one commit or round trip) and drops back to the minimum as soon as a
  // batch is slow (runs that wait on the outside should not queue behind each
  // other in one worker).
  constexpr size_t kMinBatch = 4, kMaxBatch = 64;
  size_t batch_size = kMinBatch;
  while (running_) {
    std::vector<Lease> leases;
    try {
      leases = backend_.queue->take(batch_size, std::chrono::milliseconds(200));
    } catch (const std::exception& e) {
      host_.warn("workflow queue unavailable; retrying", {{"error", e.what()}});
      std::this_thread::sleep_for(std::chrono::milliseconds(500));
      continue;
    }
    if (leases.empty()) continue;
    const auto started = std::chrono::steady_clock::now();
    Batch batch;
    batch.finals.reserve(leases.size());
    for (auto& lease : leases) execute(lease, batch);
    flush(batch);
    const auto took = std::chrono::steady_clock::now() - started;
    if (took > std::chrono::milliseconds(20))
      batch_size = kMinBatch;
    else if (leases.size() == batch_size && took < std::chrono::milliseconds(5))
      batch_size = std::min(kMaxBatch, batch_size * 2);
  }
}

void Engine::flush(Batch& batch) {
  if (!batch.finals.empty()) {
    std::vector<RunRecord*> runs;
    runs.reserve(batch.finals.size());
    for (auto& run : batch.finals) runs.push_back(&run);
    try {
      const std::vector<bool> written = backend_.store->save_batch(runs);
      for (size_t i = 0; i < runs.size(); ++i)
        if (written[i])
          metrics_.run_finished(runs[i]->workflow, runs[i]->status,
                                runs[i]->duration_ms() / 1000.0);
    } catch (const std::exception& e) {
      host_.error("workflow runs could not be saved; trying again in 1s",
                  {{"runs", runs.size()}, {"error", e.what()}});
      for (size_t i = 0; i < runs.size(); ++i) {
        const Lease* lease = batch.final_leases[i];
        try {
          backend_.queue->defer(lease->run_id, lease->gates, now_ms() + 1000);
        } catch (const std::exception&) {
          // The queue is down too: the delivery stays unacknowledged and is reclaimed.
          batch.done.erase(std::remove(batch.done.begin(), batch.done.end(), lease),
                           batch.done.end());
        }
      }
    }
  }
  // Slots and deliveries in Redis also expire on their own, so a failed
  // release here delays other runs but never leaks a slot.
  try {
    for (const auto& [key, run_id] : batch.held) backend_.gates->release(key, run_id);
  } catch (const std::exception& e) {
    host_.warn("workflow concurrency slot not released; it expires", {{"error", e.what()}});
  }
  if (batch.done.empty()) return;
  std::vector<Lease> done;
  done.reserve(batch.done.size());
  for (const Lease* lease : batch.done) done.push_back(*lease);
  try {
    backend_.queue->finish_batch(done);
  } catch (const std::exception& e) {
    host_.warn("workflow deliveries not acknowledged; they are reclaimed later",
               {{"runs", done.size()}, {"error", e.what()}});
  }
}

void Engine::maintenance_loop() {
  while (running_) {
    try {
      backend_.queue->maintain();
      metrics_.queue_depth(backend_.queue->depth());
      if (backend_.upkeep) backend_.upkeep(now_ms());
      for (auto& hook : maintenance_hooks_) hook();
    } catch (const std::exception& e) {
      host_.warn("workflow maintenance failed; retrying", {{"error", e.what()}});
    }
    for (int i = 0; i < 10 && running_; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

CreateOutcome Engine::start_run(const StartRequest& request, RunRecord* created) {
  const Definition& definition = *request.definition;
  if (definition.input_validator) {
    Problems problems = definition.input_validator->validate(request.input);
    if (!problems.empty()) throw InvalidInput(std::move(problems));
  }
  RunRecord run;
  run.created_at = now_ms();
  run.id = new_run_id(run.created_at);
  run.workflow = definition.name;
  run.version = *definition.version;
  run.trigger = request.trigger;
  run.trigger_key = request.trigger_key;
  run.input = request.input;
  run.idempotency_key = request.idempotency_key;
  run.gates = request.extra_gates;
  if (definition.concurrency > 0)
    run.gates.push_back(
        {{"key", "workflow:" + definition.name}, {"limit", definition.concurrency}});
  auto outcome = backend_.store->create_run(
      run, request.request_hash, config_.idempotency_ttl_s * 1000, request.require_latest);
  if (outcome.created) {
    metrics_.run_started(run.workflow, run.trigger.value("kind", "api"));
    if (created) *created = run;  // before the queue has it: a worker may change it then
    auto record = std::make_shared<RunRecord>(std::move(run));
    const std::string id = record->id;
    const json gates = record->gates;
    backend_.queue->submitted(id, gates, std::move(record));
  }
  return outcome;
}

CancelOutcome Engine::cancel(const std::string& run_id) {
  auto outcome = backend_.store->cancel(run_id, now_ms());
  if (outcome.cancelled) {
    if (auto run = backend_.store->run(run_id))
      metrics_.run_finished(run->workflow, status::cancelled, run->duration_ms() / 1000.0);
  }
  return outcome;
}

double Engine::random01() {
  std::lock_guard<std::mutex> lock(random_mutex_);
  return std::uniform_real_distribution<double>(0.0, 1.0)(random_);
}

bool Engine::claim_in_memory(RunRecord& run, bool reclaim) {
  if (!(run.status == status::queued || run.status == status::waiting ||
        (reclaim && run.status == status::running)))
    return false;
  run.claimed_from = run.status;
  run.status = status::running;
  run.owner = owner_;
  if (run.started_at == 0) run.started_at = now_ms();
  return true;
}

void Engine::execute(Lease& lease, Batch& batch) {
  const size_t held_before = batch.held.size();
  try {
    bool slots = true;
    for (const auto& gate : lease.gates) {
      const std::string key = gate.value("key", "");
      if (!backend_.gates->try_acquire(key, gate.value("limit", 1), lease.run_id)) {
        slots = false;
        break;
      }
      batch.held.emplace_back(key, lease.run_id);
    }
    if (!slots) {
      for (size_t i = held_before; i < batch.held.size(); ++i)
        backend_.gates->release(batch.held[i].first, lease.run_id);
      batch.held.resize(held_before);
      backend_.queue->defer(lease.run_id, lease.gates, now_ms() + backend_.busy_retry_ms,
                            std::move(lease.run));
    } else if (lease.run) {
      // The queue carried the stored record: claim it without a store round trip.
      std::shared_ptr<RunRecord> carried = std::move(lease.run);
      if (claim_in_memory(*carried, lease.reclaimed)) {
        if (lease.reclaimed) metrics_.reclaimed();
        advance(*carried, lease, batch);
      }
    } else if (auto run = backend_.store->claim(lease.run_id, owner_, lease.reclaimed, now_ms())) {
      if (lease.reclaimed) metrics_.reclaimed();
      advance(*run, lease, batch);
    }
  } catch (const std::exception& e) {
    host_.error("workflow run could not advance; trying again in 1s",
                {{"run_id", lease.run_id}, {"error", e.what()}});
    try {
      backend_.queue->defer(lease.run_id, lease.gates, now_ms() + 1000);
    } catch (const std::exception&) {
      // The queue is down too: the delivery stays unacknowledged and is reclaimed.
      return;
    }
  }
  batch.done.push_back(&lease);
}

}  // namespace workflow
