#include "store/in_flight.hpp"

namespace agent_host::store {

bool InFlight::enter() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (closing_) return false;
  ++count_;
  return true;
}

void InFlight::leave() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (--count_ == 0) drained_.notify_all();  // under the lock: the closer may destroy us next
}

void InFlight::wait_idle() {
  std::unique_lock<std::mutex> lock(mutex_);
  drained_.wait(lock, [this] { return count_ == 0; });
}

void InFlight::close_and_wait() {
  std::unique_lock<std::mutex> lock(mutex_);
  closing_ = true;
  drained_.wait(lock, [this] { return count_ == 0; });
}

Outcome closing_outcome() {
  return Outcome{AH_ERR_UNAVAILABLE, "the database is closing"};
}

}  // namespace agent_host::store

namespace agent_host::store {

std::function<void(Outcome)> leave_after(InFlight& in_flight, std::function<void(Outcome)> done) {
  return [in_flight = &in_flight, done = std::move(done)](Outcome outcome) {
    try {
      done(std::move(outcome));
    } catch (...) {
      // `done` must not throw; the count still has to drop.
    }
    in_flight->leave();
  };
}

}  // namespace agent_host::store
