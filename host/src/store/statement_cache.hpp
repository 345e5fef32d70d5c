#pragma once

#include <sqlite3.h>

#include <cstddef>
#include <list>
#include <string>
#include <string_view>
#include <unordered_map>

namespace agent_host::store {

// Prepared statements of one connection keyed by their SQL text, least recently
// used evicted (finalized) beyond `capacity`. Not thread-safe: it belongs to a
// connection, which one thread uses at a time.
class StatementCache {
 public:
  explicit StatementCache(std::size_t capacity) : capacity_(capacity > 0 ? capacity : 1) {}
  ~StatementCache() { clear(); }
  StatementCache(const StatementCache&) = delete;
  StatementCache& operator=(const StatementCache&) = delete;

  // The cached statement for `sql`, or nullptr.
  sqlite3_stmt* find(std::string_view sql);
  // Takes ownership of `statement`, evicting the least recently used one if full.
  void insert(std::string_view sql, sqlite3_stmt* statement);
  // Finalizes every statement (before the connection closes).
  void clear();
  std::size_t size() const { return entries_.size(); }

 private:
  struct Entry {
    std::string sql;
    sqlite3_stmt* statement;
  };
  std::size_t capacity_;
  std::list<Entry> entries_;  // most recently used first
  std::unordered_map<std::string_view, std::list<Entry>::iterator> index_;  // views into entries_
};

}  // namespace agent_host::store
