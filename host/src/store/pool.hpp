#pragma once

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

namespace agent_host::store {

// Connections handed out one caller at a time; a caller waits when all are
// busy. Connections are made on first need, up to a limit (at least one).
template <class Connection>
class Pool {
 public:
  using Open = std::function<std::unique_ptr<Connection>()>;

  // A connection borrowed from the pool, given back when the lease ends.
  class Lease {
   public:
    Lease(Pool& pool, Connection& connection) : pool_(pool), connection_(connection) {}
    ~Lease() { pool_.give_back(connection_); }
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    Connection& operator*() const { return connection_; }
    Connection* operator->() const { return &connection_; }

   private:
    Pool& pool_;
    Connection& connection_;
  };

  Pool(Open open, std::size_t limit) : open_(std::move(open)), limit_(limit > 0 ? limit : 1) {}

  // Propagates what `open` throws.
  Lease acquire() {
    std::unique_lock<std::mutex> lock(mutex_);
    if (idle_.empty() && connections_.size() < limit_) {
      connections_.push_back(open_());
      return Lease(*this, *connections_.back());
    }
    available_.wait(lock, [this] { return !idle_.empty(); });
    Connection* connection = idle_.back();
    idle_.pop_back();
    return Lease(*this, *connection);
  }

 private:
  void give_back(Connection& connection) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      idle_.push_back(&connection);
    }
    available_.notify_one();
  }

  const Open open_;
  const std::size_t limit_;
  std::vector<std::unique_ptr<Connection>> connections_;
  std::mutex mutex_;
  std::condition_variable available_;
  std::vector<Connection*> idle_;
};

}  // namespace agent_host::store
