#include "engine.hpp"

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
  while (running_) {
    std::vector<Lease> leases;
    try {
      leases = backend_.queue->take(4, std::chrono::milliseconds(200));
    } catch (const std::exception& e) {
      host_.warn("workflow queue unavailable; retrying", {{"error", e.what()}});
      std::this_thread::sleep_for(std::chrono::milliseconds(500));
      continue;
    }
    for (const auto& lease : leases) execute(lease);
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
  auto outcome =
      backend_.store->create_run(run, request.request_hash, config_.idempotency_ttl_s * 1000);
  if (outcome.created) {
    backend_.queue->submitted(run.id, run.gates);
    metrics_.run_started(run.workflow, run.trigger.value("kind", "api"));
    if (created) *created = std::move(run);
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

void Engine::execute(const Lease& lease) {
  std::vector<std::string> held;
  // Slots and deliveries in Redis also expire on their own, so a failed
  // release here delays other runs but never leaks a slot.
  auto release = [&] {
    try {
      for (const auto& key : held) backend_.gates->release(key, lease.run_id);
    } catch (const std::exception& e) {
      host_.warn("workflow concurrency slot not released; it expires", {{"error", e.what()}});
    }
    held.clear();
  };
  try {
    bool slots = true;
    for (const auto& gate : lease.gates) {
      const std::string key = gate.value("key", "");
      if (!backend_.gates->try_acquire(key, gate.value("limit", 1), lease.run_id)) {
        slots = false;
        break;
      }
      held.push_back(key);
    }
    if (!slots) {
      release();
      backend_.queue->defer(lease.run_id, lease.gates, now_ms() + backend_.busy_retry_ms);
    } else if (auto run = backend_.store->claim(lease.run_id, owner_, lease.reclaimed, now_ms())) {
      if (lease.reclaimed) metrics_.reclaimed();
      advance(*run, lease);
    }
  } catch (const std::exception& e) {
    host_.error("workflow run could not advance; trying again in 1s",
                {{"run_id", lease.run_id}, {"error", e.what()}});
    try {
      backend_.queue->defer(lease.run_id, lease.gates, now_ms() + 1000);
    } catch (const std::exception&) {
      // The queue is down too: the delivery stays unacknowledged and is reclaimed.
      release();
      return;
    }
  }
  release();
  try {
    backend_.queue->finish(lease);
  } catch (const std::exception& e) {
    host_.warn("workflow delivery not acknowledged; it is reclaimed later",
               {{"run_id", lease.run_id}, {"error", e.what()}});
  }
}

}  // namespace workflow
