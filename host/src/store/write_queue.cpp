#include "store/write_queue.hpp"

#include <algorithm>
#include <exception>
#include <string>

namespace agent_host::store {
namespace {

// The database whose body this thread is running, to refuse re-entry (the
// body would wait for the batch it is part of, or for locks its own
// transaction holds).
thread_local const void* t_running_body_of = nullptr;

class RunningBodyMark {
 public:
  explicit RunningBodyMark(const void* database) : previous_(t_running_body_of) {
    t_running_body_of = database;
  }
  ~RunningBodyMark() { t_running_body_of = previous_; }
  RunningBodyMark(const RunningBodyMark&) = delete;
  RunningBodyMark& operator=(const RunningBodyMark&) = delete;

 private:
  const void* previous_;
};

Outcome internal(std::string message) {
  return Outcome{AH_ERR_INTERNAL, std::move(message)};
}

}  // namespace

bool WriteQueue::running_body_of(const void* database) {
  return t_running_body_of == database;
}

Outcome WriteQueue::refused_reentry() {
  return Outcome{AH_ERR_INVALID_ARGUMENT,
                 "a transaction body called back into its own database: run its statements "
                 "through the Transaction it was given"};
}

WriteQueue::~WriteQueue() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  writer_wake_.notify_all();
  if (writer_thread_.joinable()) writer_thread_.join();
}

Outcome WriteQueue::run(const TransactionBody& body) {
  if (t_running_body_of == database_) return refused_reentry();
  Pending mine;
  mine.body = &body;
  std::unique_lock<std::mutex> lock(mutex_);
  queue_.push_back(&mine);
  while (!mine.done) {
    if (leader_active_) {
      mine.wake.wait(lock);
      continue;
    }
    auto finished = lead_batch(lock);
    if (!finished.empty()) {
      lock.unlock();
      complete(finished);
      lock.lock();
    }
  }
  return std::move(mine.outcome);
}

void WriteQueue::run_async(TransactionBody body, std::function<void(Outcome)> done) {
  if (t_running_body_of == database_) {
    done(refused_reentry());
    return;
  }
  auto pending = std::make_unique<Pending>();
  pending->owned_body = std::move(body);
  pending->body = &pending->owned_body;
  pending->on_done = std::move(done);
  std::lock_guard<std::mutex> lock(mutex_);
  if (!writer_thread_.joinable()) writer_thread_ = std::thread([this] { writer_loop(); });
  queue_.push_back(pending.release());
  if (!leader_active_) writer_wake_.notify_one();
}

std::vector<std::unique_ptr<WriteQueue::Pending>> WriteQueue::lead_batch(
    std::unique_lock<std::mutex>& lock) {
  leader_active_ = true;
  std::vector<Pending*> taken;
  take_queued(taken, taken);
  lock.unlock();
  run_batch(taken);
  lock.lock();
  std::vector<std::unique_ptr<Pending>> finished;
  for (Pending* pending : taken) {
    if (pending->asynchronous()) {
      finished.emplace_back(pending);
      continue;
    }
    // Notified under the lock: a woken caller returns and destroys its Pending.
    pending->done = true;
    pending->wake.notify_one();
  }
  leader_active_ = false;
  // The next batch is led by its first blocking caller, or by the writer thread.
  if (!queue_.empty()) {
    if (queue_.front()->asynchronous())
      writer_wake_.notify_one();
    else
      queue_.front()->wake.notify_one();
  }
  return finished;
}

void WriteQueue::complete(std::vector<std::unique_ptr<Pending>>& finished) {
  for (auto& pending : finished) {
    try {
      pending->on_done(std::move(pending->outcome));
    } catch (...) {
      // `done` must not throw; the other callers are still answered.
    }
  }
  finished.clear();
}

void WriteQueue::writer_loop() {
  std::unique_lock<std::mutex> lock(mutex_);
  for (;;) {
    writer_wake_.wait(lock, [this] {
      return (stopping_ && queue_.empty()) || (!leader_active_ && !queue_.empty());
    });
    if (queue_.empty()) return;
    auto finished = lead_batch(lock);
    lock.unlock();
    complete(finished);
    lock.lock();
  }
}

bool WriteQueue::take_queued(std::vector<Pending*>& bodies, std::vector<Pending*>& taken) {
  if (taken.size() >= max_batch_ || queue_.empty()) return false;
  const std::size_t count = std::min(max_batch_ - taken.size(), queue_.size());
  const auto end = queue_.begin() + static_cast<std::ptrdiff_t>(count);
  if (&bodies != &taken) bodies.insert(bodies.end(), queue_.begin(), end);
  taken.insert(taken.end(), queue_.begin(), end);
  queue_.erase(queue_.begin(), end);
  return true;
}

bool WriteQueue::take_late_arrivals(std::vector<Pending*>& bodies, std::vector<Pending*>& taken) {
  std::lock_guard<std::mutex> lock(mutex_);
  return take_queued(bodies, taken);
}

void WriteQueue::run_batch(std::vector<Pending*>& taken) {
  retries_ = 0;
  try {
    std::vector<Pending*> remaining = taken;
    bool in_savepoints = false;  // until a body fails: then what runs again is kept apart
    while (!remaining.empty()) {
      remaining = try_batch(remaining, taken, in_savepoints);
      in_savepoints = true;
    }
  } catch (const std::exception& error) {
    // Out of memory or similar: nobody may be left waiting, nothing half-done kept.
    roll_back_if_open();
    for (Pending* pending : taken) {
      pending->outcome = internal(std::string("write transaction aborted: ") + error.what());
    }
  }
}

std::vector<WriteQueue::Pending*> WriteQueue::try_batch(std::vector<Pending*>& bodies,
                                                        std::vector<Pending*>& taken,
                                                        bool in_savepoints) {
  const Outcome begun = writer_.control(ControlStatement::begin);
  if (!begun.ok()) {
    for (Pending* pending : bodies) pending->outcome = begun;
    return {};
  }
  std::vector<Pending*> succeeded;
  // The transaction is rolled back while at bodies[i]: that body keeps its
  // failure, the others run again in a new transaction.
  const auto abandon = [&](std::size_t i) {
    roll_back_if_open();
    std::vector<Pending*> rerun = succeeded;
    rerun.insert(rerun.end(), bodies.begin() + static_cast<std::ptrdiff_t>(i) + 1, bodies.end());
    return rerun;
  };
  // A concurrent transaction (another process) made this one fail: every
  // body runs again, a bounded number of times.
  const auto retry_all = [&](const Outcome& cause) {
    roll_back_if_open();
    if (++retries_ <= kMaxRetries) return bodies;
    for (Pending* pending : bodies) pending->outcome = cause;
    return std::vector<Pending*>{};
  };
  // A statement that bodies[late.body] kept back failed when sent later: the
  // transaction is lost; that body keeps the failure, every other body that
  // had not failed by itself runs again (from bodies[current] on, all do).
  const auto blame = [&](const LateFailure& late, std::size_t current) {
    roll_back_if_open();
    Pending* culprit = late.body < bodies.size() ? bodies[late.body] : nullptr;
    if (culprit != nullptr) culprit->outcome = late.outcome;
    std::vector<Pending*> rerun;
    for (Pending* pending : succeeded)
      if (pending != culprit) rerun.push_back(pending);
    for (std::size_t j = current; j < bodies.size(); ++j)
      if (bodies[j] != culprit) rerun.push_back(bodies[j]);
    return rerun;
  };
  // Callers that queued while earlier bodies ran join this transaction too.
  for (std::size_t i = 0; i < bodies.size() || take_late_arrivals(bodies, taken); ++i) {
    Pending& pending = *bodies[i];
    // Without a savepoint, a body that fails costs the transaction: the
    // others run again (abandon). The first body never needs one.
    const bool in_savepoint = in_savepoints && i > 0;
    writer_.start_body(i);
    pending.outcome = in_savepoint ? writer_.control(ControlStatement::savepoint) : Outcome{};
    if (pending.outcome.ok()) pending.outcome = check_after_body(run_body(*pending.body));
    if (writer_.take_retry_request()) return retry_all(pending.outcome);
    if (auto late = writer_.take_late_failure()) return blame(*late, i);
    if (!writer_.in_transaction()) {
      if (pending.outcome.ok()) {
        pending.outcome = internal(
            "the database rolled back the transaction during this body (an I/O error, a lost "
            "connection or an ON CONFLICT ROLLBACK clause); nothing was written");
      }
      return abandon(i);
    }
    if (!settle_body(pending, in_savepoint)) return abandon(i);
    if (pending.outcome.ok()) succeeded.push_back(&pending);
  }
  if (succeeded.empty()) {
    roll_back_if_open();
    return {};
  }
  const Outcome committed = writer_.control(ControlStatement::commit);
  if (writer_.take_retry_request()) return retry_all(committed);
  if (auto late = writer_.take_late_failure()) return blame(*late, bodies.size());
  if (!committed.ok()) {
    for (Pending* pending : succeeded) pending->outcome = committed;
    roll_back_if_open();
  }
  return {};
}

bool WriteQueue::settle_body(Pending& pending, bool in_savepoint) {
  if (!in_savepoint) return pending.outcome.ok();
  if (!pending.outcome.ok() && !writer_.control(ControlStatement::rollback_to).ok()) return false;
  const Outcome released = writer_.control(ControlStatement::release);
  if (released.ok()) return true;
  if (pending.outcome.ok()) pending.outcome = released;
  return false;
}

Outcome WriteQueue::run_body(const TransactionBody& body) {
  RunningBodyMark mark(database_);
  try {
    Transaction transaction(writer_);
    Outcome outcome = body(transaction);
    if (outcome.ok()) outcome = transaction.failed_write_;
    return outcome;
  } catch (const std::exception& error) {
    return internal(std::string("transaction body threw an exception: ") + error.what());
  } catch (...) {
    return internal("transaction body threw a non-standard exception");
  }
}

Outcome WriteQueue::check_after_body(Outcome outcome) {
  if (!outcome.ok()) return outcome;
  return writer_.check_body_end();
}

void WriteQueue::roll_back_if_open() {
  if (writer_.in_transaction()) writer_.control(ControlStatement::rollback);
}

}  // namespace agent_host::store
