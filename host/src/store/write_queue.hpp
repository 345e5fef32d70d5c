#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <mutex>
#include <vector>

#include "store/connection.hpp"
#include "store/database.hpp"

namespace agent_host::store {

// Serialises write transactions on the writer connection, batching them (group
// commit): the first caller to find no batch running becomes the leader, takes
// the queued bodies (and those that queue while it runs, up to `max_batch`),
// runs each in its own savepoint inside one BEGIN IMMEDIATE ... COMMIT, and
// hands every caller its own outcome. The bodies therefore run on the leader's
// thread. With max_batch 1 every transaction commits alone.
class WriteQueue {
 public:
  static constexpr std::size_t kGroupCommitBatchLimit = 256;

  WriteQueue(Connection& writer, std::size_t max_batch)
      : writer_(writer), max_batch_(max_batch > 0 ? max_batch : 1) {}

  // Blocks until `body` has been committed or rolled back.
  Outcome run(const TransactionBody& body);

 private:
  struct Pending {
    const TransactionBody* body = nullptr;
    Outcome outcome;
    bool done = false;
    std::condition_variable wake;  // done, or first in line to lead
  };

  // Moves queued callers (within the batch limit) to `taken`, and to `bodies`
  // when that is another list. The caller holds mutex_.
  bool take_queued(std::vector<Pending*>& bodies, std::vector<Pending*>& taken);
  bool take_late_arrivals(std::vector<Pending*>& bodies, std::vector<Pending*>& taken);
  // Runs `taken` (every caller this leader answers) until each has an outcome.
  void run_batch(std::vector<Pending*>& taken);
  // Runs bodies in one transaction, adding late arrivals to bodies and taken.
  // Returns the bodies to run again when the transaction had to be rolled back
  // under them (the body that caused it is not among them).
  std::vector<Pending*> try_batch(std::vector<Pending*>& bodies, std::vector<Pending*>& taken);
  Outcome run_body(const TransactionBody& body);
  // Checks the state a body left: an open transaction, no deferred FK violation.
  Outcome check_after_body(Outcome outcome);
  void roll_back_if_open();

  Connection& writer_;
  const std::size_t max_batch_;
  std::mutex mutex_;
  std::deque<Pending*> queue_;
  bool leader_active_ = false;
};

}  // namespace agent_host::store
