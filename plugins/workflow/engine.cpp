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
      registry_(*backend_.store,
                ScheduleRules{[&host](const std::string& cron) { return host.cron_problem(cron); },
                              [&host](const std::string& zone) {
                                return host.time_zone_problem(zone);
                              }}),
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
  {
    std::lock_guard<std::mutex> lock(finals_mutex_);
    finals_stop_ = false;
  }
  finals_writer_ = std::thread([this] { finals_loop(); });
  for (int i = 0; i < config_.workers; ++i) workers_.emplace_back([this] { worker_loop(); });
  maintenance_ = std::thread([this] { maintenance_loop(); });
}

void Engine::stop() {
  if (!running_.exchange(false)) return;
  backend_.queue->shutdown();
  for (auto& worker : workers_) worker.join();
  workers_.clear();
  {
    // The writer writes what the workers left, then exits.
    std::lock_guard<std::mutex> lock(finals_mutex_);
    finals_stop_ = true;
  }
  finals_ready_.notify_all();
  if (finals_writer_.joinable()) finals_writer_.join();
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

namespace {
// Final states are written together: the writer waits up to kFinalsLinger
// after the first one arrives (or until kFinalsAtOnce are waiting), so one
// commit carries many runs instead of each worker committing one or two.
constexpr auto kFinalsLinger = std::chrono::milliseconds(1);
constexpr size_t kFinalsAtOnce = 128;
}  // namespace

void Engine::flush(Batch& batch) {
  std::vector<Final> finals;
  finals.reserve(batch.finals.size());
  for (size_t i = 0; i < batch.finals.size(); ++i) {
    Final final_state{std::move(batch.finals[i]), *batch.final_leases[i], {}};
    for (const auto& [key, run_id] : batch.held)
      if (run_id == final_state.run.id) final_state.slots.push_back(key);
    finals.push_back(std::move(final_state));
  }
  bool holds_slots = false;
  for (const auto& final_state : finals) holds_slots = holds_slots || !final_state.slots.empty();
  // Slots and deliveries in Redis also expire on their own, so a failed
  // release here delays other runs but never leaks a slot.
  auto is_final = [&batch](const std::string& run_id) {
    for (const Lease* lease : batch.final_leases)
      if (lease->run_id == run_id) return true;
    return false;
  };
  try {
    for (const auto& [key, run_id] : batch.held)
      if (!is_final(run_id)) backend_.gates->release(key, run_id);
  } catch (const std::exception& e) {
    host_.warn("workflow concurrency slot not released; it expires", {{"error", e.what()}});
  }
  std::vector<Lease> done;
  done.reserve(batch.done.size());
  for (const Lease* lease : batch.done)
    if (std::find(batch.final_leases.begin(), batch.final_leases.end(), lease) ==
        batch.final_leases.end())
      done.push_back(*lease);
  if (!done.empty()) {
    try {
      backend_.queue->finish_batch(done);
    } catch (const std::exception& e) {
      host_.warn("workflow deliveries not acknowledged; they are reclaimed later",
                 {{"runs", done.size()}, {"error", e.what()}});
    }
  }
  if (finals.empty()) return;
  bool wake = false;
  {
    std::lock_guard<std::mutex> lock(finals_mutex_);
    // Wake the writer when its list was empty (it starts its short wait), when
    // enough are waiting, or when a slot is held (other runs wait for it).
    wake = finals_.empty() || holds_slots;
    for (auto& final_state : finals) finals_.push_back(std::move(final_state));
    wake = wake || finals_.size() >= kFinalsAtOnce;
  }
  if (wake) finals_ready_.notify_one();
}

void Engine::finals_loop() {
  std::unique_lock<std::mutex> lock(finals_mutex_);
  for (;;) {
    finals_ready_.wait(lock, [this] { return !finals_.empty() || finals_stop_; });
    if (finals_.empty()) return;  // stopping, nothing left
    auto holds_slots = [this] {
      for (const auto& final_state : finals_)
        if (!final_state.slots.empty()) return true;
      return false;
    };
    finals_ready_.wait_for(lock, kFinalsLinger, [&] {
      return finals_stop_ || finals_.size() >= kFinalsAtOnce || holds_slots();
    });
    std::vector<Final> taken;
    taken.swap(finals_);
    lock.unlock();
    write_finals(taken);
    lock.lock();
  }
}

void Engine::write_finals(std::vector<Final>& finals) {
  std::vector<RunRecord*> runs;
  runs.reserve(finals.size());
  for (auto& final_state : finals) runs.push_back(&final_state.run);
  std::vector<Lease> done;
  done.reserve(finals.size());
  try {
    const std::vector<bool> written = backend_.store->save_batch(runs);
    for (size_t i = 0; i < runs.size(); ++i)
      if (written[i])
        metrics_.run_finished(runs[i]->workflow, runs[i]->status, runs[i]->duration_ms() / 1000.0);
    for (auto& final_state : finals) done.push_back(std::move(final_state.lease));
  } catch (const std::exception& e) {
    host_.error("workflow runs could not be saved; trying again in 1s",
                {{"runs", runs.size()}, {"error", e.what()}});
    for (auto& final_state : finals) {
      try {
        // It may be stored as running under this worker's claim: take it over.
        backend_.queue->defer(final_state.lease.run_id, final_state.lease.gates, now_ms() + 1000,
                              nullptr, true);
        done.push_back(std::move(final_state.lease));
      } catch (const std::exception&) {
        // The queue is down too: the delivery stays unacknowledged and is reclaimed.
      }
    }
  }
  try {
    for (const auto& final_state : finals)
      for (const auto& key : final_state.slots) backend_.gates->release(key, final_state.run.id);
  } catch (const std::exception& e) {
    host_.warn("workflow concurrency slot not released; it expires", {{"error", e.what()}});
  }
  if (done.empty()) return;
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
                            std::move(lease.run), lease.reclaimed);
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
      backend_.queue->defer(lease.run_id, lease.gates, now_ms() + 1000, nullptr, true);
    } catch (const std::exception&) {
      // The queue is down too: the delivery stays unacknowledged and is reclaimed.
      return;
    }
  }
  batch.done.push_back(&lease);
}

}  // namespace workflow
