#include "store/reader_pool.hpp"

namespace agent_host::store {

ReaderPool::ReaderPool(const std::filesystem::path& file, const Options& options, std::size_t count)
    : file_(file), options_(options), limit_(count > 0 ? count : 1) {}

ReaderPool::Lease ReaderPool::acquire() {
  std::unique_lock<std::mutex> lock(mutex_);
  if (idle_.empty() && connections_.size() < limit_) {
    connections_.push_back(std::make_unique<Connection>(file_, ConnectionRole::reader, options_));
    return Lease(*this, *connections_.back());
  }
  available_.wait(lock, [this] { return !idle_.empty(); });
  Connection* connection = idle_.back();
  idle_.pop_back();
  return Lease(*this, *connection);
}

void ReaderPool::give_back(Connection& connection) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    idle_.push_back(&connection);
  }
  available_.notify_one();
}

}  // namespace agent_host::store
