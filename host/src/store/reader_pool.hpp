#pragma once

#include <filesystem>

#include "store/connection.hpp"
#include "store/pool.hpp"

namespace agent_host::store {

// Read-only SQLite connections; WAL lets them read while the writer writes.
// Connections open on first need: each one parses the schema and holds its
// own page cache, and most plugins read rarely (about 1 ms of start-up per
// plugin otherwise). Acquiring throws StoreError when one cannot be opened.
using ReaderPool = Pool<Connection>;

ReaderPool::Open open_reader(const std::filesystem::path& file, const Options& options);

}  // namespace agent_host::store
