#include "store/pg_health.hpp"

#include <algorithm>

namespace agent_host::store {
namespace {
constexpr std::chrono::milliseconds kFirstBackoff{100};
constexpr std::chrono::milliseconds kMaxBackoff{5000};
}  // namespace

void PgHealth::mark_up() {
  std::lock_guard<std::mutex> lock(mutex_);
  down_ = false;
  why_.clear();
  backoff_ = std::chrono::milliseconds{0};
}

void PgHealth::mark_down(const std::string& why) {
  std::lock_guard<std::mutex> lock(mutex_);
  down_ = true;
  why_ = why;
  backoff_ = std::clamp(backoff_ * 2, kFirstBackoff, kMaxBackoff);
  next_try_ = Clock::now() + backoff_;
}

bool PgHealth::may_try(std::string& why) {
  std::lock_guard<std::mutex> lock(mutex_);
  why = why_;
  if (!down_) return true;
  const auto now = Clock::now();
  if (now < next_try_) return false;
  next_try_ = now + backoff_;  // the others wait for this attempt's verdict
  return true;
}

bool PgHealth::up(std::string& why) const {
  std::lock_guard<std::mutex> lock(mutex_);
  why = why_;
  return !down_;
}

}  // namespace agent_host::store
