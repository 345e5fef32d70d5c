#include "sql_store.hpp"

#include "stats.hpp"

namespace workflow {

namespace {

// One entry per migration: SQLite's text (released first, unchanged) and, where
// it differs, PostgreSQL's (64-bit times; no WITHOUT ROWID).
const std::vector<agent_host::Migration>& migrations() {
  static const std::vector<agent_host::Migration> list = {
      {"CREATE TABLE wf_definitions (name TEXT NOT NULL, version INTEGER NOT NULL, hash TEXT NOT "
       "NULL,"
       " document TEXT NOT NULL, created_at INTEGER NOT NULL, PRIMARY KEY (name, version))",
       "CREATE TABLE wf_definitions (name TEXT NOT NULL, version INTEGER NOT NULL,"
       " hash TEXT NOT NULL, document TEXT NOT NULL, created_at BIGINT NOT NULL,"
       " PRIMARY KEY (name, version))"},
      "CREATE TABLE wf_workflows (name TEXT PRIMARY KEY, latest INTEGER NOT NULL,"
      " deleted INTEGER NOT NULL DEFAULT 0)",
      "CREATE TABLE wf_meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL)",
      {"CREATE TABLE wf_runs (id TEXT PRIMARY KEY, workflow TEXT NOT NULL, version INTEGER NOT "
       "NULL,"
       " status TEXT NOT NULL, trigger_key TEXT NOT NULL, created_at INTEGER NOT NULL,"
       " started_at INTEGER, finished_at INTEGER, duration_ms INTEGER, failed_step TEXT,"
       " fence INTEGER NOT NULL DEFAULT 0, owner TEXT, doc TEXT NOT NULL)",
       "CREATE TABLE wf_runs (id TEXT PRIMARY KEY, workflow TEXT NOT NULL, version INTEGER NOT "
       "NULL,"
       " status TEXT NOT NULL, trigger_key TEXT NOT NULL, created_at BIGINT NOT NULL,"
       " started_at BIGINT, finished_at BIGINT, duration_ms BIGINT, failed_step TEXT,"
       " fence BIGINT NOT NULL DEFAULT 0, owner TEXT, doc TEXT NOT NULL)"},
      "CREATE INDEX wf_runs_created ON wf_runs (created_at, id)",
      "CREATE INDEX wf_runs_workflow_created ON wf_runs (workflow, created_at, id)",
      "CREATE INDEX wf_runs_unfinished ON wf_runs (workflow, trigger_key)"
      " WHERE status IN ('queued', 'running', 'waiting')",
      {"CREATE TABLE wf_idempotency (workflow TEXT NOT NULL, key TEXT NOT NULL, run_id TEXT NOT "
       "NULL,"
       " request_hash TEXT NOT NULL, expires_at INTEGER NOT NULL, PRIMARY KEY (workflow, key))",
       "CREATE TABLE wf_idempotency (workflow TEXT NOT NULL, key TEXT NOT NULL,"
       " run_id TEXT NOT NULL, request_hash TEXT NOT NULL, expires_at BIGINT NOT NULL,"
       " PRIMARY KEY (workflow, key))"},
      {"CREATE TABLE wf_seen_once (key TEXT PRIMARY KEY, expires_at INTEGER NOT NULL)",
       "CREATE TABLE wf_seen_once (key TEXT PRIMARY KEY, expires_at BIGINT NOT NULL)"},
      // Runs accepted and not yet claimed in storage: one b-tree keyed by the run
      // id (ids grow with time, so a start appends to the right edge), so the
      // commit before the 202 answer writes about one page instead of the five a
      // wf_runs row touches (table, id key, two time indexes, unfinished index).
      // A run is in exactly one of wf_intake and wf_runs; it moves to wf_runs
      // (in the same transaction as the delete) with its first write after the
      // start: the claim, a cancel, or its final state. Reads merge both.
      {"CREATE TABLE wf_intake (id TEXT PRIMARY KEY, workflow TEXT NOT NULL,"
       " version INTEGER NOT NULL, trigger_key TEXT NOT NULL, created_at INTEGER NOT NULL,"
       " doc TEXT NOT NULL) WITHOUT ROWID",
       "CREATE TABLE wf_intake (id TEXT PRIMARY KEY, workflow TEXT NOT NULL,"
       " version INTEGER NOT NULL, trigger_key TEXT NOT NULL, created_at BIGINT NOT NULL,"
       " doc TEXT NOT NULL)"},
  };
  return list;
}

const char* kRunColumns = "id, status, fence, owner, started_at, finished_at, doc";
// The same columns for a run still in wf_intake (queued, never claimed).
const char* kIntakeColumns =
    "id, 'queued' AS status, 0 AS fence, NULL AS owner, NULL AS started_at, NULL AS finished_at, "
    "doc";

// Moves a run still in wf_intake to wf_runs unchanged (nothing when it is not there).
void promote(agent_host::Transaction& tx, const std::string& id) {
  if (tx.query("INSERT INTO wf_runs (id, workflow, version, status, trigger_key, created_at, doc)"
               " SELECT id, workflow, version, 'queued', trigger_key, created_at, doc"
               " FROM wf_intake WHERE id = $1 RETURNING id",
               {id})
          .empty())
    return;
  tx.query("DELETE FROM wf_intake WHERE id = $1", {id});
}

int64_t integer(const json& value) {
  return value.is_number() ? value.get<int64_t>() : 0;
}

// Columns are the truth for what claim/cancel change without rewriting the document.
RunRecord run_from_row(const json& row) {
  RunRecord run = RunRecord::from_storage(json::parse(row.at("doc").get<std::string>()));
  run.status = row.at("status").get<std::string>();
  run.fence = integer(row.at("fence"));
  run.owner = row.at("owner").is_string() ? row.at("owner").get<std::string>() : "";
  run.started_at = integer(row.at("started_at"));
  run.finished_at = integer(row.at("finished_at"));
  return run;
}

StoredDefinition definition_from_row(const json& row) {
  return StoredDefinition{row.at("name").get<std::string>(), row.at("version").get<int>(),
                          json::parse(row.at("document").get<std::string>()),
                          row.at("hash").get<std::string>(), integer(row.at("created_at"))};
}

json nullable(int64_t value) {
  return value ? json(value) : json(nullptr);
}

// One stored version, read in a transaction or outside one.
template <typename Database>
std::optional<StoredDefinition> read_definition(Database& db, const std::string& name,
                                                int version) {
  auto rows = db.query(
      "SELECT name, version, hash, document, created_at FROM wf_definitions"
      " WHERE name = $1 AND version = $2",
      {name, version});
  if (rows.empty()) return std::nullopt;
  return definition_from_row(rows[0]);
}

}  // namespace

SqlStore::SqlStore(agent_host::Sql& sql) : sql_(sql) {
  sql_.migrate(migrations());
}

PutResult SqlStore::put_definition(const std::string& name, std::optional<int> version,
                                   const json& document, const std::string& hash, int64_t now) {
  PutResult result;
  sql_.transaction([&](agent_host::Transaction& tx) {
    result = PutResult{};
    auto head = tx.query("SELECT latest, deleted FROM wf_workflows WHERE name = $1", {name});
    const int latest = head.empty() ? 0 : head[0]["latest"].get<int>();
    const bool deleted = !head.empty() && head[0]["deleted"].get<int>() != 0;
    int target = version.value_or(latest + 1);
    if (auto existing = read_definition(tx, name, version.value_or(latest))) {
      if (existing->hash == hash && !deleted) {
        result.definition = *existing;
        return;
      }
      if (version)
        throw StoreConflict("version " + std::to_string(*version) + " of '" + name +
                            "' already exists with other content; use version " +
                            std::to_string(latest + 1) + " or omit version");
    }
    if (target <= latest)
      throw StoreConflict("version " + std::to_string(target) + " of '" + name +
                          "' is not above the latest stored version " + std::to_string(latest) +
                          "; use " + std::to_string(latest + 1) + " or omit version");
    tx.query(
        "INSERT INTO wf_definitions (name, version, hash, document, created_at)"
        " VALUES ($1, $2, $3, $4, $5)",
        {name, target, hash, document.dump(), now});
    tx.query(
        "INSERT INTO wf_workflows (name, latest, deleted) VALUES ($1, $2, 0)"
        " ON CONFLICT (name) DO UPDATE SET latest = excluded.latest, deleted = 0",
        {name, target});
    tx.query(
        "INSERT INTO wf_meta (key, value) VALUES ('definitions_revision', 1)"
        " ON CONFLICT (key) DO UPDATE SET value = wf_meta.value + 1");
    result.definition = StoredDefinition{name, target, document, hash, now};
    result.created = true;
  });
  return result;
}

std::optional<StoredDefinition> SqlStore::definition(const std::string& name, int version) {
  return read_definition(sql_, name, version);
}

std::optional<int> SqlStore::latest_version(const std::string& name) {
  auto rows = sql_.query("SELECT latest FROM wf_workflows WHERE name = $1 AND deleted = 0", {name});
  if (rows.empty()) return std::nullopt;
  return rows[0]["latest"].get<int>();
}

std::vector<StoredDefinition> SqlStore::latest_definitions() {
  auto rows = sql_.query(
      "SELECT d.name, d.version, d.hash, d.document, d.created_at FROM wf_workflows w"
      " JOIN wf_definitions d ON d.name = w.name AND d.version = w.latest"
      " WHERE w.deleted = 0 ORDER BY d.name");
  std::vector<StoredDefinition> out;
  for (const auto& row : rows) out.push_back(definition_from_row(row));
  return out;
}

bool SqlStore::delete_definition(const std::string& name) {
  bool deleted = false;
  sql_.transaction([&](agent_host::Transaction& tx) {
    deleted = !tx.query(
                     "UPDATE wf_workflows SET deleted = 1 WHERE name = $1 AND deleted = 0"
                     " RETURNING name",
                     {name})
                   .empty();
    if (deleted)
      tx.query(
          "INSERT INTO wf_meta (key, value) VALUES ('definitions_revision', 1)"
          " ON CONFLICT (key) DO UPDATE SET value = wf_meta.value + 1");
  });
  return deleted;
}

int64_t SqlStore::definitions_revision() {
  auto rows = sql_.query("SELECT value FROM wf_meta WHERE key = 'definitions_revision'");
  return rows.empty() ? 0 : rows[0]["value"].get<int64_t>();
}

// `require_latest` needs no check here: only this process changes definitions,
// and its registry forgets a cached latest version on every change.
CreateOutcome SqlStore::create_run(const RunRecord& run, const std::string& request_hash,
                                   int64_t idempotency_ttl_ms, bool) {
  const json insert_params = {run.id,          run.workflow,   run.version,
                              run.trigger_key, run.created_at, run.doc_text()};
  static const char* insert =
      "INSERT INTO wf_intake (id, workflow, version, trigger_key, created_at, doc)"
      " VALUES ($1, $2, $3, $4, $5, $6)";
  if (run.idempotency_key.empty()) {
    // A transaction, not sql_.query: that would first prepare the statement on
    // a reader only to learn that it writes.
    sql_.transaction([&](agent_host::Transaction& tx) { tx.query(insert, insert_params); });
    return CreateOutcome{run.id, true, true};
  }
  CreateOutcome outcome;
  sql_.transaction([&](agent_host::Transaction& tx) {
    outcome = CreateOutcome{run.id, true, true};
    auto rows = tx.query(
        "SELECT run_id, request_hash, expires_at FROM wf_idempotency WHERE workflow = $1 AND key = "
        "$2",
        {run.workflow, run.idempotency_key});
    if (!rows.empty() && rows[0]["expires_at"].get<int64_t>() > run.created_at) {
      outcome.run_id = rows[0]["run_id"].get<std::string>();
      outcome.created = false;
      outcome.same_request = rows[0]["request_hash"].get<std::string>() == request_hash;
      return;
    }
    tx.query(insert, insert_params);
    tx.query(
        "INSERT INTO wf_idempotency (workflow, key, run_id, request_hash, expires_at)"
        " VALUES ($1, $2, $3, $4, $5) ON CONFLICT (workflow, key) DO UPDATE SET"
        " run_id = excluded.run_id, request_hash = excluded.request_hash,"
        " expires_at = excluded.expires_at",
        {run.workflow, run.idempotency_key, run.id, request_hash,
         run.created_at + idempotency_ttl_ms});
  });
  return outcome;
}

// One statement (one read snapshot) over both tables: a run moving from
// wf_intake to wf_runs meanwhile is seen in exactly one of them.
std::optional<RunRecord> SqlStore::run(const std::string& id) {
  static const std::string sql = std::string("SELECT ") + kRunColumns +
                                 " FROM wf_runs WHERE id = $1 UNION ALL SELECT " + kIntakeColumns +
                                 " FROM wf_intake WHERE id = $1";
  auto rows = sql_.query(sql, {id});
  if (rows.empty()) return std::nullopt;
  return run_from_row(rows[0]);
}

std::optional<std::string> SqlStore::run_status(const std::string& id) {
  auto rows = sql_.query(
      "SELECT status FROM wf_runs WHERE id = $1"
      " UNION ALL SELECT 'queued' FROM wf_intake WHERE id = $1",
      {id});
  if (rows.empty()) return std::nullopt;
  return rows[0]["status"].get<std::string>();
}

std::optional<RunRecord> SqlStore::claim(const std::string& id, const std::string& owner,
                                         bool reclaim, int64_t now) {
  static const std::string sql =
      std::string(
          "UPDATE wf_runs SET status = 'running', fence = fence + 1, owner = $2,"
          " started_at = COALESCE(started_at, $3)"
          " WHERE id = $1 AND (status IN ('queued', 'waiting')"
          " OR ($4 = 1 AND status = 'running')) RETURNING ") +
      kRunColumns;
  json rows;
  sql_.transaction([&](agent_host::Transaction& tx) {
    promote(tx, id);
    rows = tx.query(sql, {id, owner, now, reclaim ? 1 : 0});
  });
  if (rows.empty()) return std::nullopt;
  return run_from_row(rows[0]);
}

namespace {

// Compare-and-set on the fence and the status the writer last saw: 'running'
// for a claim already written, or the status still stored under a claim held
// in memory (which this write then records, bumping the fence). `doc` is
// run.doc_text(), computed by the caller before the transaction.
bool save_in(agent_host::Transaction& tx, const RunRecord& run, std::string doc) {
  const bool claim = !run.claimed_from.empty();
  const json started = nullable(run.started_at), finished = nullable(run.finished_at);
  const json duration = run.finished_at && run.started_at ? json(run.duration_ms()) : json(nullptr);
  const json failed_step = run.failed_step.empty() ? json(nullptr) : json(run.failed_step);
  if (claim && run.claimed_from == status::queued && run.fence == 0 &&
      !tx.query("DELETE FROM wf_intake WHERE id = $1 RETURNING id", {run.id}).empty()) {
    // Still in wf_intake: stored as queued with fence 0, exactly what this claim
    // saw. It moves to wf_runs with this write.
    tx.query(
        "INSERT INTO wf_runs (id, workflow, version, status, trigger_key, created_at, started_at,"
        " finished_at, duration_ms, failed_step, fence, owner, doc)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
        {run.id, run.workflow, run.version, run.status, run.trigger_key, run.created_at, started,
         finished, duration, failed_step, run.fence + 1, run.owner, std::move(doc)});
    return true;
  }
  // The columns are the truth for status, fence, owner and times (run_from_row).
  auto rows = tx.query(
      "UPDATE wf_runs SET status = $3, fence = $4, owner = $5, started_at = $6, finished_at = $7,"
      " duration_ms = $8, failed_step = $9, doc = $10"
      " WHERE id = $1 AND fence = $2 AND status = $11 RETURNING id",
      {run.id, run.fence, run.status, run.fence + (claim ? 1 : 0), run.owner, started, finished,
       duration, failed_step, std::move(doc),
       claim ? run.claimed_from : std::string(status::running)});
  return !rows.empty();
}

void saved(RunRecord& run) {
  if (run.claimed_from.empty()) return;
  ++run.fence;
  run.claimed_from.clear();
}

}  // namespace

bool SqlStore::save(RunRecord& run) {
  bool written = false;
  const std::string doc = run.doc_text();  // before the transaction: not under the write lock
  sql_.transaction([&](agent_host::Transaction& tx) { written = save_in(tx, run, doc); });
  if (written) saved(run);
  return written;
}

std::vector<bool> SqlStore::save_batch(const std::vector<RunRecord*>& runs) {
  std::vector<bool> written(runs.size(), false);
  if (runs.empty()) return written;
  // The documents are serialised before the transaction: its body runs while
  // holding the database's only writer (and may run again if the batch retries).
  std::vector<std::string> docs;
  docs.reserve(runs.size());
  for (const RunRecord* run : runs) docs.push_back(run->doc_text());
  // One transaction (one commit) for the whole batch.
  sql_.transaction([&](agent_host::Transaction& tx) {
    for (size_t i = 0; i < runs.size(); ++i) written[i] = save_in(tx, *runs[i], docs[i]);
  });
  for (size_t i = 0; i < runs.size(); ++i)
    if (written[i]) saved(*runs[i]);
  return written;
}

CancelOutcome SqlStore::cancel(const std::string& id, int64_t now) {
  bool cancelled = false;
  sql_.transaction([&](agent_host::Transaction& tx) {
    promote(tx, id);
    cancelled =
        !tx.query(
               "UPDATE wf_runs SET status = 'cancelled', finished_at = $2,"
               " duration_ms = CASE WHEN started_at IS NULL THEN NULL ELSE $2 - started_at END"
               " WHERE id = $1 AND status IN ('queued', 'running', 'waiting') RETURNING id",
               {id, now})
             .empty();
  });
  if (cancelled) return CancelOutcome{true, true, status::cancelled};
  auto current = run_status(id);
  if (!current) return CancelOutcome{};
  return CancelOutcome{true, false, *current};
}

RunPage SqlStore::list_runs(const RunFilter& filter) {
  json params = {filter.created_from, filter.created_to, filter.cursor_created,
                 filter.cursor_id.empty() ? std::string("~") : filter.cursor_id};
  std::string where =
      " WHERE created_at >= $1 AND created_at < $2"
      " AND (created_at < $3 OR (created_at = $3 AND id < $4))";
  if (!filter.workflow.empty()) {
    params.push_back(filter.workflow);
    where += " AND workflow = $" + std::to_string(params.size());
  }
  // Runs in wf_intake are queued.
  bool queued = filter.statuses.empty();
  std::string sql = std::string("SELECT ") + kRunColumns + ", created_at FROM wf_runs" + where;
  if (!filter.statuses.empty()) {
    sql += " AND status IN (";
    for (size_t i = 0; i < filter.statuses.size(); ++i) {
      params.push_back(filter.statuses[i]);
      sql += (i ? ", $" : "$") + std::to_string(params.size());
      queued = queued || filter.statuses[i] == status::queued;
    }
    sql += ")";
  }
  // A compound SELECT sorted as a whole: SQLite merges the two ordered arms,
  // each using its own key, and stops at the limit.
  if (queued)
    sql +=
        std::string(" UNION ALL SELECT ") + kIntakeColumns + ", created_at FROM wf_intake" + where;
  params.push_back(static_cast<int64_t>(filter.limit + 1));
  sql += " ORDER BY created_at DESC, id DESC LIMIT $" + std::to_string(params.size());
  RunPage page;
  for (const auto& row : sql_.query(sql, params)) page.items.push_back(run_from_row(row));
  if (page.items.size() > filter.limit) {
    page.items.pop_back();
    page.more = true;
  }
  return page;
}

json SqlStore::stats(int64_t from, int64_t to) {
  StatsParts parts;
  const json window = {from, to};
  for (const auto& row :
       sql_.query("SELECT status, COUNT(*) AS n FROM (SELECT status FROM wf_runs"
                  " WHERE created_at >= $1 AND created_at < $2"
                  " UNION ALL SELECT 'queued' AS status FROM wf_intake"
                  " WHERE created_at >= $1 AND created_at < $2) AS runs GROUP BY status",
                  window))
    parts.by_status[row["status"].get<std::string>()] = row["n"].get<int64_t>();
  const auto counted = sql_.query(
      "SELECT COUNT(*) AS n FROM wf_runs WHERE created_at >= $1 AND created_at < $2"
      " AND duration_ms IS NOT NULL",
      window);
  const auto durations = static_cast<size_t>(counted[0]["n"].get<int64_t>());
  auto percentile = [&](double p) -> std::optional<double> {
    if (durations == 0) return std::nullopt;
    auto rows = sql_.query(
        "SELECT duration_ms FROM wf_runs WHERE created_at >= $1 AND created_at < $2"
        " AND duration_ms IS NOT NULL ORDER BY duration_ms LIMIT 1 OFFSET $3",
        {from, to, static_cast<int64_t>(percentile_rank(durations, p))});
    return rows.empty() ? std::nullopt
                        : std::optional<double>(rows[0]["duration_ms"].get<double>() / 1000.0);
  };
  parts.p50_seconds = percentile(0.5);
  parts.p95_seconds = percentile(0.95);
  for (const auto& row :
       sql_.query("SELECT workflow, SUM(CASE WHEN status IN ('failed', 'timed_out') THEN 1 ELSE 0 "
                  "END) AS failed,"
                  " COUNT(*) AS total FROM wf_runs WHERE created_at >= $1 AND created_at < $2"
                  " GROUP BY workflow"
                  " HAVING SUM(CASE WHEN status IN ('failed', 'timed_out') THEN 1 ELSE 0 END) > 0"
                  " ORDER BY failed DESC, workflow LIMIT $3",
                  {from, to, static_cast<int64_t>(kTopFailing)}))
    parts.failing_workflows.push_back({row["workflow"].get<std::string>(),
                                       row["failed"].get<int64_t>(), row["total"].get<int64_t>()});
  for (const auto& row : sql_.query(
           "SELECT workflow, failed_step, COUNT(*) AS failed FROM wf_runs"
           " WHERE created_at >= $1 AND created_at < $2 AND status IN ('failed', 'timed_out')"
           " AND failed_step IS NOT NULL GROUP BY workflow, failed_step"
           " ORDER BY failed DESC, workflow, failed_step LIMIT $3",
           {from, to, static_cast<int64_t>(kTopFailing)}))
    parts.failing_steps.push_back({row["workflow"].get<std::string>(),
                                   row["failed_step"].get<std::string>(),
                                   row["failed"].get<int64_t>()});
  return stats_answer(from, to, parts);
}

std::vector<RunRecord> SqlStore::unfinished_runs() {
  std::vector<RunRecord> out;
  for (const auto& row :
       sql_.query(std::string("SELECT ") + kRunColumns +
                  ", created_at FROM wf_runs WHERE status IN ('queued', 'running', 'waiting')"
                  " UNION ALL SELECT " +
                  kIntakeColumns + ", created_at FROM wf_intake ORDER BY created_at, id"))
    out.push_back(run_from_row(row));
  return out;
}

int64_t SqlStore::active_runs(const std::string& workflow, const std::string& trigger_key) {
  auto rows = sql_.query(
      "SELECT (SELECT COUNT(*) FROM wf_runs WHERE workflow = $1 AND trigger_key = $2"
      " AND status IN ('queued', 'running', 'waiting'))"
      " + (SELECT COUNT(*) FROM wf_intake WHERE workflow = $1 AND trigger_key = $2) AS n",
      {workflow, trigger_key});
  return rows[0]["n"].get<int64_t>();
}

bool SqlStore::remember_once(const std::string& key, int64_t ttl_ms, int64_t now) {
  auto rows = sql_.query(
      "INSERT INTO wf_seen_once (key, expires_at) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE"
      " SET expires_at = excluded.expires_at WHERE wf_seen_once.expires_at <= $3 RETURNING key",
      {key, now + ttl_ms, now});
  return !rows.empty();
}

void SqlStore::purge_expired(int64_t now) {
  sql_.query("DELETE FROM wf_seen_once WHERE expires_at <= $1", {now});
  sql_.query("DELETE FROM wf_idempotency WHERE expires_at <= $1", {now});
}

}  // namespace workflow
