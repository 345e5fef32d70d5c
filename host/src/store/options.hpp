#pragma once

#include <cstddef>

namespace agent_host::store {

struct Options {
  // synchronous=FULL survives an OS crash or power loss; NORMAL (the default)
  // survives a killed process. The journal is WAL either way.
  bool full_sync = false;
  // How long a statement waits for a lock held by another connection or process.
  int busy_timeout_ms = 5000;
  // Connections that run read-only statements concurrently (at least one is opened).
  std::size_t reader_connections = 2;
  // Batch concurrent write transactions into one commit.
  bool group_commit = true;
};

}  // namespace agent_host::store
