// Where definitions and runs live: the plugin's SQL database (one process), or
// Redis (shared by every replica). Both give the same guarantees: writes to a
// run are compare-and-set on its fence, idempotency keys are atomic with the
// run they create.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "run_record.hpp"

namespace workflow {

// A write refused because it contradicts what is stored (e.g. a version clash).
class StoreConflict : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct StoredDefinition {
  std::string name;
  int version = 0;
  json document;
  std::string hash;
  int64_t created_at = 0;
};

struct PutResult {
  StoredDefinition definition;
  bool created = false;  // false: the same content was already stored
};

struct CreateOutcome {
  std::string run_id;
  bool created = false;      // false: the idempotency key named an existing run
  bool same_request = true;  // false: that key was used with a different request
  // Nothing was created: the run's version is no longer the workflow's latest
  // (only when the create was asked to check that).
  bool stale_definition = false;
};

struct CancelOutcome {
  bool found = false;
  bool cancelled = false;  // false: the run had already finished
  std::string status;      // the status now
};

struct RunFilter {
  std::string workflow;               // empty = all
  std::vector<std::string> statuses;  // empty = all
  int64_t created_from = 0;           // inclusive
  int64_t created_to = INT64_MAX;     // exclusive
  // Keyset cursor: runs strictly older than (cursor_created, cursor_id).
  int64_t cursor_created = INT64_MAX;
  std::string cursor_id;
  size_t limit = 50;
};

struct RunPage {
  std::vector<RunRecord> items;
  bool more = false;
};

class Store {
 public:
  virtual ~Store() = default;

  // Stores a definition version. `version` given: it must be new and above the
  // latest (or the same content as that version). Absent: latest + 1, unless the
  // latest has the same content. Throws StoreConflict. Revives a deleted workflow.
  virtual PutResult put_definition(const std::string& name, std::optional<int> version,
                                   const json& document, const std::string& hash, int64_t now) = 0;
  virtual std::optional<StoredDefinition> definition(const std::string& name, int version) = 0;
  // The newest version of a workflow that is not deleted.
  virtual std::optional<int> latest_version(const std::string& name) = 0;
  virtual std::vector<StoredDefinition> latest_definitions() = 0;
  // Marks a workflow deleted (its versions stay for the runs that use them).
  virtual bool delete_definition(const std::string& name) = 0;
  // Changes whenever any definition changes (replicas poll it to refresh).
  virtual int64_t definitions_revision() = 0;

  // Creates a queued run, atomically with its idempotency key (when set) and,
  // with `require_latest`, with the check that run.version is still the
  // workflow's latest version (a replica may have uploaded a newer one).
  virtual CreateOutcome create_run(const RunRecord& run, const std::string& request_hash,
                                   int64_t idempotency_ttl_ms, bool require_latest = false) = 0;
  virtual std::optional<RunRecord> run(const std::string& id) = 0;
  virtual std::optional<std::string> run_status(const std::string& id) = 0;
  // queued/waiting -> running (also running -> running when `reclaim`): bumps
  // the fence and returns the record, or nullopt when the run is not claimable.
  virtual std::optional<RunRecord> claim(const std::string& id, const std::string& owner,
                                         bool reclaim, int64_t now) = 0;
  // Writes the run when its stored fence equals run.fence and it is running (or,
  // for a claim held only in memory, still has the status run.claimed_from: then
  // the claim is written too, run.fence bumped and claimed_from cleared).
  virtual bool save(RunRecord& run) = 0;
  // Several saves at once (one transaction or round trip where the store can);
  // the answer says, per run, whether it was written.
  virtual std::vector<bool> save_batch(const std::vector<RunRecord*>& runs) {
    std::vector<bool> out;
    out.reserve(runs.size());
    for (RunRecord* run : runs) out.push_back(save(*run));
    return out;
  }
  // True when only this process writes the store (the SQL mode): definitions
  // can then be cached without asking the store on every read.
  virtual bool process_local() const { return false; }
  virtual CancelOutcome cancel(const std::string& id, int64_t now) = 0;
  virtual RunPage list_runs(const RunFilter& filter) = 0;
  // The /workflow/stats answer for runs created in [from, to).
  virtual json stats(int64_t from, int64_t to) = 0;
  // Runs not finished (queued, running, waiting): resumed after a restart.
  virtual std::vector<RunRecord> unfinished_runs() = 0;
  // Runs of `workflow` from `trigger_key` that are not finished (cron overlap).
  virtual int64_t active_runs(const std::string& workflow, const std::string& trigger_key) = 0;
  // True the first time `key` is seen within `ttl_ms` (replay cache, cron locks).
  virtual bool remember_once(const std::string& key, int64_t ttl_ms, int64_t now) = 0;
};

}  // namespace workflow
