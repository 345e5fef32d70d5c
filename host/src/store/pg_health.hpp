#pragma once

#include <chrono>
#include <mutex>
#include <string>

namespace agent_host::store {

// Whether a PostgreSQL server is reachable, shared by a database's
// connections. When a connection is lost the server is marked down; while it
// is down, reconnecting is tried at most once per backoff interval (doubling
// from 100 ms to 5 s), so a burst of requests fails fast instead of each
// waiting out a connect timeout.
class PgHealth {
 public:
  void mark_up();
  void mark_down(const std::string& why);
  // True when the server is up, or down and its next reconnect attempt is due
  // (the caller then tries; only one caller per interval is let through).
  bool may_try(std::string& why);
  bool up(std::string& why) const;

 private:
  using Clock = std::chrono::steady_clock;
  mutable std::mutex mutex_;
  bool down_ = false;
  std::string why_;
  Clock::time_point next_try_{};
  std::chrono::milliseconds backoff_{0};
};

}  // namespace agent_host::store
