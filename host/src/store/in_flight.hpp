#pragma once

#include <condition_variable>
#include <cstddef>
#include <functional>
#include <mutex>

#include "store/outcome.hpp"

namespace agent_host::store {

// Counts a database's calls in flight so closing waits for them, and refuses
// new ones once closing has begun.
class InFlight {
 public:
  bool enter();
  void leave();
  void wait_idle();
  void close_and_wait();

 private:
  std::mutex mutex_;
  std::condition_variable drained_;
  std::size_t count_ = 0;
  bool closing_ = false;
};

// One call's stay in an InFlight count.
class InFlightCall {
 public:
  explicit InFlightCall(InFlight& in_flight) : in_flight_(in_flight), entered_(in_flight.enter()) {}
  ~InFlightCall() {
    if (entered_) in_flight_.leave();
  }
  InFlightCall(const InFlightCall&) = delete;
  InFlightCall& operator=(const InFlightCall&) = delete;
  bool entered() const { return entered_; }

 private:
  InFlight& in_flight_;
  bool entered_;
};

Outcome closing_outcome();

}  // namespace agent_host::store

namespace agent_host::store {

// Wraps an asynchronous call's `done` so the call leaves `in_flight` once
// `done` has returned (closing waits for the answer, not only the commit),
// even if `done` throws, which it must not.
std::function<void(Outcome)> leave_after(InFlight& in_flight, std::function<void(Outcome)> done);

}  // namespace agent_host::store
