#include "store/statement_cache.hpp"

namespace agent_host::store {

sqlite3_stmt* StatementCache::find(std::string_view sql) {
  const auto found = index_.find(sql);
  if (found == index_.end()) return nullptr;
  entries_.splice(entries_.begin(), entries_, found->second);
  return found->second->statement;
}

void StatementCache::insert(std::string_view sql, sqlite3_stmt* statement) {
  while (entries_.size() >= capacity_) {
    Entry& oldest = entries_.back();
    index_.erase(oldest.sql);
    sqlite3_finalize(oldest.statement);
    entries_.pop_back();
  }
  entries_.push_front(Entry{std::string(sql), statement});
  // The key views the entry's own string, which list nodes never move.
  index_.emplace(entries_.front().sql, entries_.begin());
}

void StatementCache::clear() {
  for (Entry& entry : entries_) sqlite3_finalize(entry.statement);
  index_.clear();
  entries_.clear();
}

}  // namespace agent_host::store
