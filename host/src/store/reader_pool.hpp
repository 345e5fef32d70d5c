#pragma once

#include <condition_variable>
#include <filesystem>
#include <memory>
#include <mutex>
#include <vector>

#include "store/connection.hpp"

namespace agent_host::store {

// Read-only connections handed out one caller at a time; a caller waits when
// all are busy. WAL lets them read while the writer writes. Connections open
// on first need: each one parses the schema and holds its own page cache,
// and most plugins read rarely (about 1 ms of start-up per plugin otherwise).
class ReaderPool {
 public:
  // A connection borrowed from the pool, given back when the lease ends.
  class Lease {
   public:
    Lease(ReaderPool& pool, Connection& connection) : pool_(pool), connection_(connection) {}
    ~Lease() { pool_.give_back(connection_); }
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    Connection& operator*() const { return connection_; }
    Connection* operator->() const { return &connection_; }

   private:
    ReaderPool& pool_;
    Connection& connection_;
  };

  // At most `count` connections (at least one).
  ReaderPool(const std::filesystem::path& file, const Options& options, std::size_t count);

  // Throws StoreError when a connection cannot be opened.
  Lease acquire();

 private:
  void give_back(Connection& connection);

  const std::filesystem::path file_;
  const Options options_;
  const std::size_t limit_;
  std::vector<std::unique_ptr<Connection>> connections_;
  std::mutex mutex_;
  std::condition_variable available_;
  std::vector<Connection*> idle_;
};

}  // namespace agent_host::store
