#include "backend.hpp"
#include "local_queue.hpp"
#include "sql_store.hpp"

namespace workflow {

Backend make_local_backend(agent_host::Host& host) {
  Backend backend;
  auto store = std::make_unique<SqlStore>(host.sql());
  SqlStore* sql = store.get();
  backend.store = std::move(store);
  backend.queue = std::make_unique<LocalQueue>();
  backend.gates = std::make_unique<LocalGates>();
  backend.busy_retry_ms = 20;
  backend.resume = [&host](Store& s, WorkQueue& q) {
    auto& queue = static_cast<LocalQueue&>(q);
    size_t count = 0;
    for (auto& run : s.unfinished_runs()) {
      const std::string id = run.id;
      const json gates = run.gates;
      const int64_t due = run.status == status::waiting ? run.resume_at : 0;
      const bool reclaimed = run.status == status::running;
      queue.resume(id, gates, due, reclaimed, std::make_shared<RunRecord>(std::move(run)));
      ++count;
    }
    if (count) host.info("workflow runs resumed after restart", {{"runs", count}});
  };
  backend.upkeep = [sql, last = int64_t{0}](int64_t now) mutable {
    if (now - last < 60'000) return;
    last = now;
    sql->purge_expired(now);
  };
  return backend;
}

}  // namespace workflow
