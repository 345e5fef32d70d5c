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
// up to `max_batch` queued bodies, runs each in its own savepoint inside one
// BEGIN IMMEDIATE ... COMMIT, and hands every caller its own outcome. The
// bodies therefore run on the leader's thread. With max_batch 1 every
// transaction commits alone.
class WriteQueue {
 public:
  static constexpr std::size_t kGroupCommitBatchLimit = 256;

  WriteQueue(Connection& writer, std::size_t max_batch)
      : writer_(writer), max_batch_(max_batch > 0 ? max_batch : 1) {}

  // Blocks until `body` has been committed or rolled back.
  Outcome run(const TransactionBody& body);

 private:
  struct Pending {
    const TransactionBody* body;
    Outcome outcome;
    bool done = false;
  };

  void run_batch(std::vector<Pending*>& batch);
  // Runs bodies in one transaction. Returns the bodies to run again when SQLite
  // rolled the whole transaction back under them (the culprit is not among them).
  std::vector<Pending*> try_batch(const std::vector<Pending*>& bodies);
  Outcome run_body(const TransactionBody& body);
  // Checks the state a body left: an open transaction, no deferred FK violation.
  Outcome check_after_body(Outcome outcome);
  void roll_back_if_open();

  Connection& writer_;
  const std::size_t max_batch_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<Pending*> queue_;
  bool leader_active_ = false;
};

}  // namespace agent_host::store
