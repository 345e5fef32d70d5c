#include "store/reader_pool.hpp"

namespace agent_host::store {

ReaderPool::Open open_reader(const std::filesystem::path& file, const Options& options) {
  return [file, options] {
    return std::make_unique<Connection>(file, ConnectionRole::reader, options);
  };
}

}  // namespace agent_host::store
