#include "outbox_dispatcher.hpp"

#include <agent_host/time.hpp>
#include <algorithm>

#include "task_store.hpp"

namespace task_manager {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

EventsConfig EventsConfig::from_json(const nlohmann::json& section) {
  EventsConfig config;
  config.enabled = section.at("enabled").get<bool>();
  config.target = section.at("target").get<std::string>();
  config.path = section.at("path").get<std::string>();
  config.batch = section.at("batch").get<int64_t>();
  config.retry_initial_ms = section.at("retry_initial_ms").get<int64_t>();
  config.retry_max_ms =
      std::max(section.at("retry_max_ms").get<int64_t>(), config.retry_initial_ms);
  config.timeout_ms = section.at("timeout_ms").get<int64_t>();
  return config;
}

OutboxDispatcher::OutboxDispatcher(agent_host::Host& host, TaskMetrics& metrics,
                                   EventsConfig config, milliseconds metrics_refresh)
    : host_(host),
      metrics_(metrics),
      metrics_refresh_(metrics_refresh),
      config_(std::move(config)) {}

OutboxDispatcher::~OutboxDispatcher() {
  stop();
}

void OutboxDispatcher::start() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (thread_.joinable()) return;
  stopping_ = false;
  thread_ = std::thread([this] { run(); });
}

void OutboxDispatcher::stop() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_all();
  if (!thread_.joinable()) return;
  thread_.join();
  // Handed over at once to a replica still running (a rolling update), not
  // after the lease expires.
  try {
    store::release_outbox_lease(host_.sql(), holder_);
  } catch (const std::exception& e) {
    host_.warn("cannot release the task event outbox lease", {{"error", e.what()}});
  }
}

void OutboxDispatcher::wake() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    // Called after every commit that recorded events: wake the thread only
    // when it would act. A wake already pending covers this one; while
    // backing off the retry timer wakes it, and the mark makes a successful
    // retry look again for events recorded meanwhile.
    if (woken_) return;
    woken_ = true;
    if (backing_off_ || standing_by_) return;
  }
  changed_.notify_one();
}

void OutboxDispatcher::configure(EventsConfig config) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    config_ = std::move(config);
    woken_ = true;
    backing_off_ = false;
    standing_by_ = false;
  }
  changed_.notify_one();
}

nlohmann::json OutboxDispatcher::status() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return {{"event_target", config_.target},
          {"consecutive_delivery_failures", consecutive_failures_},
          {"last_delivery_error", last_error_}};
}

bool OutboxDispatcher::failing() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return consecutive_failures_ > 0;
}

void OutboxDispatcher::run() {
  auto next_refresh = Clock::now();
  auto retry_at = Clock::time_point::max();
  milliseconds backoff{0};
  std::unique_lock<std::mutex> lock(mutex_);
  while (!stopping_) {
    if (Clock::now() >= next_refresh) {
      lock.unlock();
      const bool events_waiting = refresh_gauges() > 0;
      lock.lock();
      next_refresh = Clock::now() + metrics_refresh_;
      // The lease may have been released or expired since; and events may have
      // been recorded by another replica (or left by one that stopped).
      standing_by_ = false;
      if (events_waiting) woken_ = true;
      continue;
    }
    if (!backing_off_) retry_at = Clock::time_point::max();
    // While backing off, a wake (the gauges' refresh too) only marks that
    // there is more to deliver after the retry; while standing by, nothing is
    // due until the refresh.
    const bool due = !standing_by_ && (backing_off_ ? Clock::now() >= retry_at : woken_);
    if (config_.enabled && due) {
      woken_ = false;
      const EventsConfig config = config_;
      lock.unlock();
      const Round round = deliver_some(config);
      lock.lock();
      if (round == Round::not_holder) {
        // Asking again on every commit was a write to one hot row per commit
        // from every other replica (three replicas served 15 % fewer creates
        // than one): the holder delivers what the others record.
        standing_by_ = true;
        backing_off_ = false;
      } else if (round == Round::failed) {
        backoff = backing_off_ ? std::min(backoff * 2, milliseconds(config.retry_max_ms))
                               : milliseconds(config.retry_initial_ms);
        backing_off_ = true;
        retry_at = Clock::now() + backoff;
        woken_ = false;  // new events wait behind the failed one anyway
      } else {
        backing_off_ = false;
        if (round == Round::more) woken_ = true;
      }
      continue;
    }
    // A retry only while delivering is on: a round that failed as events were
    // turned off leaves a retry time that is past, which must not be waited for.
    const bool retrying = backing_off_ && config_.enabled;
    const auto deadline = std::min(next_refresh, retrying ? retry_at : Clock::time_point::max());
    changed_.wait_until(lock, deadline, [&] {
      return stopping_ || (config_.enabled && woken_ && !backing_off_ && !standing_by_);
    });
  }
}

OutboxDispatcher::Round OutboxDispatcher::deliver_some(const EventsConfig& config) {
  std::vector<store::PendingEvent> pending;
  try {
    // Replicas sharing one database take turns: the lease holder delivers,
    // the others look again at their next refresh.
    if (!hold_lease(config)) return Round::not_holder;
    pending = store::pending_events(host_.sql(), config.batch);
  } catch (const std::exception& e) {
    host_.error("cannot read the task event outbox", {{"error", e.what()}});
    return Round::failed;
  }
  if (pending.empty()) return Round::idle;
  std::vector<store::PendingEvent> delivered;
  bool failed = false;
  for (auto& event : pending) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (stopping_) break;
    }
    try {
      if (!hold_lease(config)) break;  // lost it while delivering: the new holder goes on
    } catch (const std::exception& e) {
      host_.error("cannot renew the task event outbox lease", {{"error", e.what()}});
      failed = true;
      break;
    }
    if (!post(config, event.payload)) {
      failed = true;
      break;
    }
    delivered.push_back(std::move(event));
  }
  if (!delivered.empty()) {
    try {
      store::remove_delivered(host_.sql(), delivered);
      metrics_.events_delivered.inc(static_cast<double>(delivered.size()));
      metrics_.set_outbox_depth(static_cast<double>(store::outbox_depth(host_.sql())));
    } catch (const std::exception& e) {
      // The events were delivered; they will be sent again (at least once).
      host_.error("cannot remove delivered task events", {{"error", e.what()}});
      return Round::failed;
    }
  }
  if (failed) return Round::failed;
  return static_cast<int64_t>(pending.size()) == config.batch ? Round::more : Round::idle;
}

bool OutboxDispatcher::post(const EventsConfig& config, const std::string& payload) {
  agent_host::Call call;
  call.method = "POST";
  call.path = config.path;
  call.body = payload;
  call.headers = {{"content-type", "application/json"}};
  call.timeout = milliseconds(config.timeout_ms);
  std::string error;
  try {
    const auto result = host_.call_agent(config.target, call);
    if (result.ok()) {
      std::lock_guard<std::mutex> lock(mutex_);
      consecutive_failures_ = 0;
      last_error_.clear();
      return true;
    }
    error = "HTTP " + std::to_string(result.status) + ": " + result.body.substr(0, 300);
  } catch (const std::exception& e) {
    error = e.what();
  }
  metrics_.delivery_failures.inc();
  int64_t failures = 0;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    failures = ++consecutive_failures_;
    last_error_ = error;
  }
  // Log the first failure and then at doubling intervals, not every retry.
  if ((failures & (failures - 1)) == 0)
    host_.warn("task event delivery failed; will retry with backoff",
               {{"target", config.target},
                {"path", config.path},
                {"consecutive_failures", failures},
                {"error", error}});
  return false;
}

int64_t OutboxDispatcher::refresh_gauges() {
  try {
    store::fold_count_deltas(host_.sql());
    return metrics_.refresh(host_.sql());
  } catch (const std::exception& e) {
    host_.warn("cannot refresh task gauges", {{"error", e.what()}});
    return 0;
  }
}

int64_t OutboxDispatcher::lease_ttl_ms(const EventsConfig& config) {
  // Renewed before each delivery, so it must outlast one slow delivery; short
  // enough that another replica takes over soon after the holder dies.
  return std::max<int64_t>(10000, 2 * int64_t{config.timeout_ms});
}

bool OutboxDispatcher::hold_lease(const EventsConfig& config) {
  const int64_t now = agent_host::now_ms();
  const int64_t ttl = lease_ttl_ms(config);
  if (now - lease_renewed_at_ < ttl / 4) return true;
  if (!store::hold_outbox_lease(host_.sql(), holder_, now, ttl)) return false;
  lease_renewed_at_ = now;
  return true;
}

}  // namespace task_manager
