#include "store/reader_pool.hpp"

namespace agent_host::store {

ReaderPool::ReaderPool(const std::filesystem::path& file, const Options& options,
                       std::size_t count) {
  if (count == 0) count = 1;
  for (std::size_t i = 0; i < count; ++i) {
    connections_.push_back(std::make_unique<Connection>(file, ConnectionRole::reader, options));
    idle_.push_back(connections_.back().get());
  }
}

ReaderPool::Lease ReaderPool::acquire() {
  std::unique_lock<std::mutex> lock(mutex_);
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
