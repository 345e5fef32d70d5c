#pragma once

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

  // A script of several statements without parameters (migrations); rows are discarded.
  virtual Outcome execute_script(const std::string& sql) = 0;

  virtual Outcome control(ControlStatement which) = 0;

  // False when no transaction is open (for instance after the engine rolled
  // one back by itself).
  virtual bool in_transaction() const = 0;

  // Whether a body's work may stay in the open transaction (SQLite: no
  // deferred foreign key left unresolved).
  virtual Outcome check_body_end() { return {}; }

  // True once, after a statement failed because of a concurrent transaction
  // (a deadlock or serialization failure): the whole transaction should be
  // run again rather than its failure reported.
  virtual bool take_retry_request() { return false; }

  // Serializes schema migrations with every other process on the same
  // database, until the open transaction ends.
  virtual Outcome lock_for_migration() { return {}; }
};

}  // namespace agent_host::store
