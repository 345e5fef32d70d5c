#include <cstdio>
#include "store/write_queue.hpp"

#include <algorithm>
#include <exception>
#include <string>

namespace agent_host::store {
namespace {

// The queue whose body this thread is running, to refuse re-entry (the body
// would wait for the batch it is part of).
thread_local const WriteQueue* t_running_body_of = nullptr;
}
std::size_t dbg_batches = 0, dbg_bodies = 0;
struct DbgPrint { ~DbgPrint() { std::fprintf(stderr, "batches %zu bodies %zu\n", dbg_batches, dbg_bodies);} } dbg_print;
namespace {

class RunningBodyMark {
 public:
  explicit RunningBodyMark(const WriteQueue* queue) : previous_(t_running_body_of) {
    t_running_body_of = queue;
  }
  ~RunningBodyMark() { t_running_body_of = previous_; }
  RunningBodyMark(const RunningBodyMark&) = delete;
  RunningBodyMark& operator=(const RunningBodyMark&) = delete;

 private:
  const WriteQueue* previous_;
};

Outcome internal(std::string message) {
  return Outcome{AH_ERR_INTERNAL, std::move(message)};
}

}  // namespace

Outcome WriteQueue::run(const TransactionBody& body) {
  if (t_running_body_of == this) {
    return Outcome{AH_ERR_INVALID_ARGUMENT,
                   "a transaction body called back into its own database: run its statements "
                   "through the Transaction it was given"};
  }
  Pending mine{&body, {}};
  std::unique_lock<std::mutex> lock(mutex_);
  queue_.push_back(&mine);
  while (!mine.done) {
    if (leader_active_) {
      changed_.wait(lock);
      continue;
    }
    leader_active_ = true;
    const std::size_t take = std::min(max_batch_, queue_.size());
    std::vector<Pending*> batch(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(take));
    queue_.erase(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(take));
    lock.unlock();
    ++dbg_batches; dbg_bodies += batch.size();
    run_batch(batch);
    lock.lock();
    for (Pending* pending : batch) pending->done = true;
    leader_active_ = false;
    changed_.notify_all();
  }
  return std::move(mine.outcome);
}

void WriteQueue::run_batch(std::vector<Pending*>& batch) {
  try {
    std::vector<Pending*> remaining = batch;
    while (!remaining.empty()) remaining = try_batch(remaining);
  } catch (const std::exception& error) {
    // Out of memory or similar: nobody may be left waiting, nothing half-done kept.
    roll_back_if_open();
    for (Pending* pending : batch) {
      pending->outcome = internal(std::string("write transaction aborted: ") + error.what());
    }
  }
}

std::vector<WriteQueue::Pending*> WriteQueue::try_batch(const std::vector<Pending*>& bodies) {
  const Outcome begun = writer_.control(ControlStatement::begin_immediate);
  if (!begun.ok()) {
    for (Pending* pending : bodies) pending->outcome = begun;
    return {};
  }
  const bool use_savepoints = bodies.size() > 1;
  std::vector<Pending*> succeeded;
  // SQLite lost the whole transaction while running bodies[i]: that body keeps
  // its failure, the others run again in a new transaction.
  const auto abandon = [&](std::size_t i) {
    roll_back_if_open();
    std::vector<Pending*> rerun = succeeded;
    rerun.insert(rerun.end(), bodies.begin() + static_cast<std::ptrdiff_t>(i) + 1, bodies.end());
    return rerun;
  };
  for (std::size_t i = 0; i < bodies.size(); ++i) {
    Pending& pending = *bodies[i];
    pending.outcome = use_savepoints ? writer_.control(ControlStatement::savepoint) : Outcome{};
    if (pending.outcome.ok()) pending.outcome = check_after_body(run_body(*pending.body));
    if (!writer_.in_transaction()) {
      if (pending.outcome.ok()) {
        pending.outcome = internal(
            "SQLite rolled back the transaction during this body (an I/O error or an ON CONFLICT "
            "ROLLBACK clause); nothing was written");
      }
      return abandon(i);
    }
    if (use_savepoints) {
      if (!pending.outcome.ok()) {
        const Outcome undone = writer_.control(ControlStatement::rollback_to);
        if (!undone.ok()) return abandon(i);
      }
      const Outcome released = writer_.control(ControlStatement::release);
      if (!released.ok()) {
        if (pending.outcome.ok()) pending.outcome = released;
        return abandon(i);
      }
    }
    if (pending.outcome.ok()) succeeded.push_back(&pending);
  }
  if (succeeded.empty()) {
    roll_back_if_open();
    return {};
  }
  const Outcome committed = writer_.control(ControlStatement::commit);
  if (!committed.ok()) {
    for (Pending* pending : succeeded) pending->outcome = committed;
    roll_back_if_open();
  }
  return {};
}

Outcome WriteQueue::run_body(const TransactionBody& body) {
  RunningBodyMark mark(this);
  try {
    Transaction transaction(writer_);
    return body(transaction);
  } catch (const std::exception& error) {
    return internal(std::string("transaction body threw an exception: ") + error.what());
  } catch (...) {
    return internal("transaction body threw a non-standard exception");
  }
}

Outcome WriteQueue::check_after_body(Outcome outcome) {
  if (outcome.ok() && writer_.in_transaction() &&
      writer_.pending_deferred_foreign_key_violations() > 0) {
    return Outcome{AH_ERR_CONFLICT,
                   "FOREIGN KEY constraint failed: the transaction left rows referring to missing "
                   "rows (deferred constraint)"};
  }
  return outcome;
}

void WriteQueue::roll_back_if_open() {
  if (writer_.in_transaction()) writer_.control(ControlStatement::rollback);
}

}  // namespace agent_host::store
