// Delivers outbox events, oldest first, to the configured agent route. Runs on its
// own thread: woken when a commit adds events, it posts them one by one, removes
// what was acknowledged (2xx), and on a failure waits with exponential backoff
// before retrying the same event. Undelivered events stay in the database, so
// they survive restarts and peer outages (delivery is at least once).
// Replicas on one database take turns through a lease: while another replica
// holds it, commits do not wake this thread; it asks again at its next refresh.
// The thread also refreshes the state gauges periodically.
#pragma once

#include <agent_host/sdk.hpp>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>

#include "ids.hpp"
#include "task_metrics.hpp"

namespace task_manager {

// The config's `events` section (defaults and limits: kConfigSchema in plugin.cpp).
struct EventsConfig {
  bool enabled = false;
  std::string target;
  std::string path;
  int64_t batch = 0;
  int64_t retry_initial_ms = 0;
  int64_t retry_max_ms = 0;
  int64_t timeout_ms = 0;

  static EventsConfig from_json(const nlohmann::json& section);
};

class OutboxDispatcher {
 public:
  OutboxDispatcher(agent_host::Host& host, TaskMetrics& metrics, EventsConfig config,
                   std::chrono::milliseconds metrics_refresh);
  ~OutboxDispatcher();
  OutboxDispatcher(const OutboxDispatcher&) = delete;
  OutboxDispatcher& operator=(const OutboxDispatcher&) = delete;

  void start();
  void stop();  // joins the thread; undelivered events stay stored
  // A commit added events: deliver now (unless backing off after a failure).
  void wake();
  // New settings; a pending backoff is cut short so they take effect at once.
  void configure(EventsConfig config);

  // {"consecutive_failures", "last_error"} for the plugin's health.
  nlohmann::json status() const;
  bool failing() const;

 private:
  enum class Round { idle, more, failed, not_holder };
  void run();
  Round deliver_some(const EventsConfig& config);
  bool post(const EventsConfig& config, const std::string& payload);
  // Refreshes the gauges; returns the outbox depth (0 when it cannot be read).
  int64_t refresh_gauges();
  static int64_t lease_ttl_ms(const EventsConfig& config);
  // Takes or renews the delivery lease (renewed when a quarter of it has passed).
  bool hold_lease(const EventsConfig& config);

  agent_host::Host& host_;
  TaskMetrics& metrics_;
  const std::chrono::milliseconds metrics_refresh_;

  mutable std::mutex mutex_;
  std::condition_variable changed_;
  EventsConfig config_;
  bool stopping_ = false;
  bool woken_ = true;  // look at the outbox once at start: events may wait from before
  bool backing_off_ = false;
  bool standing_by_ = false;  // another replica holds the lease: wait for the refresh
  int64_t consecutive_failures_ = 0;
  std::string last_error_;
  std::thread thread_;
  const std::string holder_ = new_id();  // this replica, in the outbox lease
  int64_t lease_renewed_at_ = 0;         // only the dispatcher thread touches it
};

}  // namespace task_manager
