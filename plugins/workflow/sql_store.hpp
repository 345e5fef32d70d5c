// Store on the plugin's own SQL database (SQLite through the host): the
// single-process mode without Redis.
#pragma once

#include <agent_host/sdk.hpp>

#include "store.hpp"

namespace workflow {

class SqlStore : public Store {
 public:
  // Applies the plugin's migrations.
  explicit SqlStore(agent_host::Sql& sql);

  PutResult put_definition(const std::string& name, std::optional<int> version,
                           const json& document, const std::string& hash, int64_t now) override;
  std::optional<StoredDefinition> definition(const std::string& name, int version) override;
  std::optional<int> latest_version(const std::string& name) override;
  std::vector<StoredDefinition> latest_definitions() override;
  bool delete_definition(const std::string& name) override;
  int64_t definitions_revision() override;

  CreateOutcome create_run(const RunRecord& run, const std::string& request_hash,
                           int64_t idempotency_ttl_ms, bool require_latest = false) override;
  std::optional<RunRecord> run(const std::string& id) override;
  std::optional<std::string> run_status(const std::string& id) override;
  std::optional<RunRecord> claim(const std::string& id, const std::string& owner, bool reclaim,
                                 int64_t now) override;
  bool save(RunRecord& run) override;
  std::vector<bool> save_batch(const std::vector<RunRecord*>& runs) override;
  bool process_local() const override { return true; }
  CancelOutcome cancel(const std::string& id, int64_t now) override;
  RunPage list_runs(const RunFilter& filter) override;
  json stats(int64_t from, int64_t to) override;
  std::vector<RunRecord> unfinished_runs() override;
  int64_t active_runs(const std::string& workflow, const std::string& trigger_key) override;
  bool remember_once(const std::string& key, int64_t ttl_ms, int64_t now) override;

  // Drops expired idempotency keys and replay-cache entries.
  void purge_expired(int64_t now);

 private:
  agent_host::Sql& sql_;
};

}  // namespace workflow
