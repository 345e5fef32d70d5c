// Store in Redis, shared by every replica. Each run is a hash (status, fence and
// owner as fields, the rest as a JSON document) indexed by sorted sets on
// creation time; every state change is a Lua script, so it is atomic and
// compare-and-set on the run's fence.
#pragma once

#include "config.hpp"
#include "redis_client.hpp"
#include "store.hpp"

namespace workflow {

class RedisStore : public Store {
 public:
  RedisStore(redis::Pool& pool, const RedisConfig& config);

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
  CancelOutcome cancel(const std::string& id, int64_t now) override;
  RunPage list_runs(const RunFilter& filter) override;
  json stats(int64_t from, int64_t to) override;
  std::vector<RunRecord> unfinished_runs() override { return {}; }  // the stream holds the work
  int64_t active_runs(const std::string& workflow, const std::string& trigger_key) override;
  bool remember_once(const std::string& key, int64_t ttl_ms, int64_t now) override;

  std::string run_key(const std::string& id) const { return prefix_ + ":run:" + id; }
  const std::string& prefix() const { return prefix_; }

 private:
  std::string definition_key(const std::string& name) const { return prefix_ + ":def:" + name; }
  std::string active_key(const std::string& workflow, const std::string& trigger_key) const {
    return prefix_ + ":active:" + workflow + ":" + trigger_key;
  }
  std::optional<RunRecord> from_fields(const redis::Value& fields) const;

  redis::Pool& pool_;
  RedisConfig config_;
  std::string prefix_;
};

}  // namespace workflow
