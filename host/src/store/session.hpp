#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "store/outcome.hpp"

namespace agent_host::store {

// The statements the host itself runs to manage transactions; user SQL may not.
enum class ControlStatement {
  begin,
  commit,
  rollback,
  savepoint,
  release,
  rollback_to,
};

// A statement that a body kept back failed once sent with a later body's
// statement or the COMMIT: which body (its number given to start_body) and
// why. The transaction is then lost.
struct LateFailure {
  std::size_t body = 0;
  Outcome outcome;
};

// One database connection that runs one transaction at a time: what the
// write queue and the migrator drive, whatever the engine behind it. Not
// thread-safe: its owner lets one thread use it at a time.
class Session {
 public:
  virtual ~Session() = default;

  // One user statement with $1.. parameters from a JSON array; rows as a JSON
  // array of objects. Inside a transaction a failing statement undoes only itself.
  virtual Outcome execute(std::string_view sql, std::string_view params_json,
                          std::string& rows_json) = 0;

  // A statement whose rows nobody reads. Inside a transaction an engine may
  // keep it back and send it with a later statement or the COMMIT (one round
  // trip for many writes); its failure then fails its body later: through
  // check_body_end, or as a LateFailure.
  virtual Outcome execute_write(std::string_view sql, std::string_view params_json) {
    std::string discarded;
    return execute(sql, params_json, discarded);
  }

  // A script of several statements without parameters (migrations); rows are discarded.
  virtual Outcome execute_script(const std::string& sql) = 0;

  virtual Outcome control(ControlStatement which) = 0;

  // Body number `index` of the open transaction (0 for the first) starts,
  // in a savepoint or not: what it keeps back is counted as its own.
  virtual void start_body(std::size_t /*index*/) {}

  // False when no transaction is open (for instance after the engine rolled
  // one back by itself).
  virtual bool in_transaction() const = 0;

  // Whether a body's work may stay in the open transaction (SQLite: no
  // deferred foreign key left unresolved; PostgreSQL: none of its statements
  // sent so far failed).
  virtual Outcome check_body_end() { return {}; }

  // Once, after a kept-back statement of an earlier body failed (see
  // execute_write): roll back, fail that body, run the others again.
  virtual std::optional<LateFailure> take_late_failure() { return std::nullopt; }

  // True once, after a statement failed because of a concurrent transaction
  // (a deadlock or serialization failure): the whole transaction should be
  // run again rather than its failure reported.
  virtual bool take_retry_request() { return false; }

  // Serializes schema migrations with every other process on the same
  // database, until the open transaction ends.
  virtual Outcome lock_for_migration() { return {}; }
};

}  // namespace agent_host::store
