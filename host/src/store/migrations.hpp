#pragma once

#include <string>
#include <vector>

#include "store/database.hpp"

namespace agent_host::store {

class WriteQueue;

// Applies schema migrations through the writer queue; see Database::migrate.
class Migrator {
 public:
  static Outcome apply(WriteQueue& queue, const std::vector<std::string>& migrations);

  // Identifies a migration's text in `_ah_migrations` (FNV-1a 64, hex).
  static std::string hash_of(const std::string& sql);

 private:
  static Outcome apply_one(WriteQueue& queue, std::size_t index, const std::string& sql);
  static Session& session_of(Transaction& transaction) { return transaction.session_; }
};

}  // namespace agent_host::store
