#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "store/database.hpp"
#include "store/session.hpp"

namespace agent_host::store {

// Serialises write transactions on the writer connection, batching them (group
// commit): whoever leads takes the queued bodies (and those that queue while
// it runs, up to `max_batch`), runs them inside one BEGIN ... COMMIT, and
// hands every caller its own outcome. A batch first runs without savepoints
// (on PostgreSQL they cost 6-8 % of the creates/s; on SQLite nothing
// measurable); when a body fails as it runs, the transaction is rolled back
// and the others run again, each in its own savepoint, so such failures cost
// a batch one rerun however many there are. (A write kept back and found
// failing after its body, on PostgreSQL, costs a rerun each, savepoint or not.)
//
// A blocking caller (run) leads when it finds no batch running, so its body
// may run on another caller's thread. Asynchronous bodies (run_async) are led
// by the queue's own writer thread, started on first use; whoever leads a
// batch also runs the asynchronous bodies in it and calls their `done` after
// the commit. With max_batch 1 every transaction commits alone.
class WriteQueue {
 public:
  static constexpr std::size_t kGroupCommitBatchLimit = 256;
  // Times a batch runs again after a concurrent transaction made it fail.
  static constexpr int kMaxRetries = 8;

  // `database` identifies the database this queue writes to: a body running on
  // any queue of the same database may not queue into it again.
  WriteQueue(Session& writer, std::size_t max_batch, const void* database)
      : writer_(writer), max_batch_(max_batch > 0 ? max_batch : 1), database_(database) {}
  // Runs what is still queued, then stops the writer thread.
  ~WriteQueue();
  WriteQueue(const WriteQueue&) = delete;
  WriteQueue& operator=(const WriteQueue&) = delete;

  // Whether this thread is running a body of `database`'s queues, and the
  // refusal to give a call back into it from there.
  static bool running_body_of(const void* database);
  static Outcome refused_reentry();

  // Blocks until `body` has been committed or rolled back.
  Outcome run(const TransactionBody& body);

  // Queues `body` and returns at once; `done` receives the outcome after the
  // commit or rollback, on the thread that led the batch. `done` must not
  // block and must not throw.
  void run_async(TransactionBody body, std::function<void(Outcome)> done);

 private:
  struct Pending {
    const TransactionBody* body = nullptr;
    Outcome outcome;
    bool done = false;
    std::condition_variable wake;  // blocking caller: done, or first in line to lead
    // Asynchronous caller: the queue owns the body and the Pending.
    TransactionBody owned_body;
    std::function<void(Outcome)> on_done;
    bool asynchronous() const { return static_cast<bool>(on_done); }
  };

  // Leads one batch: takes the queue, runs it, answers the blocking callers
  // and returns the asynchronous ones, whose `on_done` the caller calls once it
  // has released the lock. Called with `lock` held and no leader active.
  std::vector<std::unique_ptr<Pending>> lead_batch(std::unique_lock<std::mutex>& lock);
  static void complete(std::vector<std::unique_ptr<Pending>>& finished);
  void writer_loop();

  // Moves queued callers (within the batch limit) to `taken`, and to `bodies`
  // when that is another list. The caller holds mutex_.
  bool take_queued(std::vector<Pending*>& bodies, std::vector<Pending*>& taken);
  bool take_late_arrivals(std::vector<Pending*>& bodies, std::vector<Pending*>& taken);
  // Runs `taken` (every caller this leader answers) until each has an outcome.
  void run_batch(std::vector<Pending*>& taken);
  // Runs bodies in one transaction, adding late arrivals to bodies and taken;
  // `in_savepoints`: each body after the first in its own savepoint.
  // Returns the bodies to run again when the transaction had to be rolled back
  // under them (the body that caused it is not among them).
  std::vector<Pending*> try_batch(std::vector<Pending*>& bodies, std::vector<Pending*>& taken,
                                  bool in_savepoints);
  // Ends a body's part of the transaction: a failed body's savepoint is rolled
  // back, a savepoint released. False when the transaction cannot go on.
  bool settle_body(Pending& pending, bool in_savepoint);
  Outcome run_body(const TransactionBody& body);
  // Checks the state a body left: an open transaction, no deferred FK violation.
  Outcome check_after_body(Outcome outcome);
  void roll_back_if_open();

  Session& writer_;
  const std::size_t max_batch_;
  const void* const database_;
  int retries_ = 0;  // of the batch being led
  std::mutex mutex_;
  std::deque<Pending*> queue_;
  bool leader_active_ = false;
  // The writer thread leads batches whose first caller is asynchronous.
  std::thread writer_thread_;
  std::condition_variable writer_wake_;
  bool stopping_ = false;
};

}  // namespace agent_host::store
