#include "task_store.hpp"

#include <agent_host/time.hpp>

namespace task_manager::store {

const char* const kTaskColumns =
    "id, title, description, status, priority, assignee, tags, due_at, created_at, updated_at, "
    "completed_at, cancelled_at, version";

namespace {

json nullable(const std::optional<std::string>& value) {
  return value ? json(*value) : json(nullptr);
}
json nullable(const std::optional<int64_t>& value) {
  return value ? json(*value) : json(nullptr);
}

void add_insert_tags(const Task& task, std::vector<Statement>& out) {
  for (const auto& tag : task.tags)
    out.push_back({"INSERT INTO task_tags (task_id, tag) VALUES ($1, $2)",
                   json::array({task.id, tag}).dump()});
}

}  // namespace

// PostgreSQL's migration 0: SQLite's with 64-bit times and an identity seq.
const char* const kPostgresTables = R"sql(
CREATE TABLE tasks (
  id TEXT PRIMARY KEY,
  title TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  status TEXT NOT NULL,
  priority TEXT NOT NULL,
  assignee TEXT,
  tags TEXT NOT NULL DEFAULT '[]',
  due_at BIGINT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  completed_at BIGINT,
  cancelled_at BIGINT,
  version BIGINT NOT NULL,
  idempotency_key TEXT
);
CREATE UNIQUE INDEX tasks_idempotency_key ON tasks (idempotency_key)
  WHERE idempotency_key IS NOT NULL;
CREATE INDEX tasks_created ON tasks (created_at, id);
CREATE INDEX tasks_updated ON tasks (updated_at, id);
CREATE INDEX tasks_status ON tasks (status, created_at, id);
CREATE INDEX tasks_assignee ON tasks (assignee, created_at, id) WHERE assignee IS NOT NULL;
CREATE INDEX tasks_cancelled ON tasks (cancelled_at) WHERE cancelled_at IS NOT NULL;
CREATE TABLE task_tags (
  tag TEXT NOT NULL,
  task_id TEXT NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
  PRIMARY KEY (tag, task_id)
);
CREATE INDEX task_tags_task ON task_tags (task_id);
CREATE TABLE outbox (
  seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  event_id TEXT NOT NULL,
  payload TEXT NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE TABLE daily_reports (
  date TEXT PRIMARY KEY,
  time_zone TEXT NOT NULL,
  report TEXT NOT NULL,
  generated_at BIGINT NOT NULL
);
)sql";

// PostgreSQL's migration 1: the same counters kept by one trigger function,
// and the covering indexes SQLite's migration 1 rebuilds.
const char* const kPostgresCounters = R"sql(
CREATE TABLE task_counts (
  status TEXT NOT NULL,
  priority TEXT NOT NULL,
  assignee TEXT NOT NULL,
  n BIGINT NOT NULL,
  PRIMARY KEY (status, priority, assignee)
);
INSERT INTO task_counts (status, priority, assignee, n)
  SELECT status, priority, coalesce(assignee, ''), count(*) FROM tasks GROUP BY 1, 2, 3;
CREATE FUNCTION task_counts_track() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('DELETE', 'UPDATE') THEN
    UPDATE task_counts SET n = n - 1 WHERE status = OLD.status AND priority = OLD.priority
      AND assignee = coalesce(OLD.assignee, '');
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    INSERT INTO task_counts AS c (status, priority, assignee, n)
      VALUES (NEW.status, NEW.priority, coalesce(NEW.assignee, ''), 1)
      ON CONFLICT (status, priority, assignee) DO UPDATE SET n = c.n + 1;
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER task_counts_insert_delete AFTER INSERT OR DELETE ON tasks
  FOR EACH ROW EXECUTE FUNCTION task_counts_track();
CREATE TRIGGER task_counts_update AFTER UPDATE OF status, priority, assignee ON tasks
  FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status
    OR OLD.priority IS DISTINCT FROM NEW.priority OR OLD.assignee IS DISTINCT FROM NEW.assignee)
  EXECUTE FUNCTION task_counts_track();
CREATE INDEX tasks_completed ON tasks (completed_at, created_at, assignee)
  WHERE completed_at IS NOT NULL;
CREATE INDEX tasks_open_due ON tasks (due_at, created_at, assignee, status)
  WHERE due_at IS NOT NULL AND status IN ('todo', 'in_progress', 'blocked');
)sql";

const char* const kCountDeltasTable =
    "CREATE TABLE task_count_deltas (status TEXT NOT NULL, priority TEXT NOT NULL,"
    " assignee TEXT NOT NULL, n BIGINT NOT NULL)";

const char* const kPostgresCountDeltas = R"sql(
CREATE OR REPLACE FUNCTION task_counts_track() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('DELETE', 'UPDATE') THEN
    INSERT INTO task_count_deltas (status, priority, assignee, n)
      VALUES (OLD.status, OLD.priority, coalesce(OLD.assignee, ''), -1);
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    INSERT INTO task_count_deltas (status, priority, assignee, n)
      VALUES (NEW.status, NEW.priority, coalesce(NEW.assignee, ''), 1);
  END IF;
  RETURN NULL;
END $$
)sql";

// Migration 4 on SQLite, which cannot drop a constraint: the tag index
// rebuilt without its foreign key.
constexpr const char* kTagsWithoutForeignKey = R"sql(
CREATE TABLE task_tags_rebuilt (
  tag TEXT NOT NULL,
  task_id TEXT NOT NULL,
  PRIMARY KEY (tag, task_id)
) WITHOUT ROWID;
INSERT INTO task_tags_rebuilt (tag, task_id) SELECT tag, task_id FROM task_tags;
DROP TABLE task_tags;
ALTER TABLE task_tags_rebuilt RENAME TO task_tags;
CREATE INDEX task_tags_task ON task_tags (task_id);
)sql";

// Migration 0: tasks, their tag index, the outbox and stored daily reports.
constexpr const char* kTasksSchema = R"sql(
CREATE TABLE tasks (
  id TEXT PRIMARY KEY,
  title TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  status TEXT NOT NULL,
  priority TEXT NOT NULL,
  assignee TEXT,
  tags TEXT NOT NULL DEFAULT '[]',
  due_at INTEGER,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  completed_at INTEGER,
  cancelled_at INTEGER,
  version INTEGER NOT NULL,
  idempotency_key TEXT
);
CREATE UNIQUE INDEX tasks_idempotency_key ON tasks (idempotency_key)
  WHERE idempotency_key IS NOT NULL;
CREATE INDEX tasks_created ON tasks (created_at, id);
CREATE INDEX tasks_updated ON tasks (updated_at, id);
CREATE INDEX tasks_status ON tasks (status, created_at, id);
CREATE INDEX tasks_assignee ON tasks (assignee, created_at, id) WHERE assignee IS NOT NULL;
CREATE INDEX tasks_completed ON tasks (completed_at) WHERE completed_at IS NOT NULL;
CREATE INDEX tasks_cancelled ON tasks (cancelled_at) WHERE cancelled_at IS NOT NULL;
CREATE INDEX tasks_open_due ON tasks (due_at)
  WHERE due_at IS NOT NULL AND status IN ('todo', 'in_progress', 'blocked');
CREATE TABLE task_tags (
  tag TEXT NOT NULL,
  task_id TEXT NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
  PRIMARY KEY (tag, task_id)
) WITHOUT ROWID;
CREATE INDEX task_tags_task ON task_tags (task_id);
CREATE TABLE outbox (
  seq INTEGER PRIMARY KEY,
  event_id TEXT NOT NULL,
  payload TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE TABLE daily_reports (
  date TEXT PRIMARY KEY,
  time_zone TEXT NOT NULL,
  report TEXT NOT NULL,
  generated_at INTEGER NOT NULL
);
)sql";

// Migration 1: the state counters behind /stats.
constexpr const char* kStateCounters = R"sql(
CREATE TABLE task_counts (
  status TEXT NOT NULL,
  priority TEXT NOT NULL,
  assignee TEXT NOT NULL,
  n INTEGER NOT NULL,
  PRIMARY KEY (status, priority, assignee)
) WITHOUT ROWID;
INSERT INTO task_counts (status, priority, assignee, n)
  SELECT status, priority, coalesce(assignee, ''), count(*) FROM tasks GROUP BY 1, 2, 3;
CREATE TRIGGER task_counts_insert AFTER INSERT ON tasks BEGIN
  INSERT INTO task_counts (status, priority, assignee, n)
    VALUES (new.status, new.priority, coalesce(new.assignee, ''), 1)
    ON CONFLICT (status, priority, assignee) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER task_counts_delete AFTER DELETE ON tasks BEGIN
  UPDATE task_counts SET n = n - 1 WHERE status = old.status AND priority = old.priority
    AND assignee = coalesce(old.assignee, '');
END;
CREATE TRIGGER task_counts_update AFTER UPDATE OF status, priority, assignee ON tasks
  WHEN old.status IS NOT new.status OR old.priority IS NOT new.priority
    OR old.assignee IS NOT new.assignee
BEGIN
  UPDATE task_counts SET n = n - 1 WHERE status = old.status AND priority = old.priority
    AND assignee = coalesce(old.assignee, '');
  INSERT INTO task_counts (status, priority, assignee, n)
    VALUES (new.status, new.priority, coalesce(new.assignee, ''), 1)
    ON CONFLICT (status, priority, assignee) DO UPDATE SET n = n + 1;
END;
DROP INDEX tasks_completed;
CREATE INDEX tasks_completed ON tasks (completed_at, created_at, assignee)
  WHERE completed_at IS NOT NULL;
DROP INDEX tasks_open_due;
CREATE INDEX tasks_open_due ON tasks (due_at, created_at, assignee, status)
  WHERE due_at IS NOT NULL AND status IN ('todo', 'in_progress', 'blocked');
)sql";

std::vector<agent_host::Migration> migrations() {
  return {
      // 0: tasks, their tag index, the outbox and stored daily reports. Times are Unix ms.
      {kTasksSchema, kPostgresTables},
      // 1: the state counters behind /stats (by_status, by_priority, open tasks
      // per assignee) kept exact by triggers in every write transaction, and
      // covering indexes for the window and overdue figures (no table reads).
      // An unassigned task counts under assignee ''.
      {kStateCounters, kPostgresCounters},
      // 2: which replica delivers the outbox (portable: one lease row per name).
      "CREATE TABLE outbox_lease (name TEXT PRIMARY KEY, holder TEXT NOT NULL,"
      " expires_at BIGINT NOT NULL)",
      // 3: on PostgreSQL the trigger appends deltas instead of updating the
      // counter row, which every create of one key would otherwise update:
      // under MVCC each update leaves a version that the next one's conflict
      // check walks, and concurrent replicas wait on the row's lock. SQLite
      // (one writer, in-place updates) keeps its triggers; its delta table
      // stays empty.
      {kCountDeltasTable, std::string(kCountDeltasTable) + ";\n" + kPostgresCountDeltas},
      // 4: the tag index without its foreign key. Its rows are written and
      // deleted only with their task's, in the transaction that checks the
      // task's version (update_task, delete_task), so none outlives its task;
      // the key's check cost PostgreSQL an index lookup and a row lock (a WAL
      // record) on every create: 1.11x the creates/s without it.
      // PostgreSQL locks both tables to drop it: a replica still running a
      // long transaction fails this start (retried) instead of stalling traffic.
      {kTagsWithoutForeignKey,
       "SET LOCAL lock_timeout = '5s';\n"
       "ALTER TABLE task_tags DROP CONSTRAINT IF EXISTS task_tags_task_id_fkey"},
  };
}

bool hold_outbox_lease(agent_host::Sql& sql, const std::string& holder, int64_t now,
                       int64_t ttl_ms) {
  // Taken when free or expired, renewed by its holder; RETURNING says who won.
  const json rows = sql.query(
      "INSERT INTO outbox_lease (name, holder, expires_at) VALUES ('outbox', $1, $2)"
      " ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at"
      " WHERE outbox_lease.holder = excluded.holder OR outbox_lease.expires_at < $3"
      " RETURNING holder",
      json::array({holder, now + ttl_ms, now}));
  return !rows.empty();
}

void release_outbox_lease(agent_host::Sql& sql, const std::string& holder) {
  sql.query("DELETE FROM outbox_lease WHERE name = 'outbox' AND holder = $1", {holder});
}

void fold_count_deltas(agent_host::Sql& sql) {
  if (sql.dialect() != agent_host::SqlDialect::postgres) return;  // SQLite writes no deltas
  // One statement: readers see the deltas either still there or folded.
  sql.query(
      "WITH folded AS (DELETE FROM task_count_deltas RETURNING status, priority, assignee, n) "
      "INSERT INTO task_counts AS c (status, priority, assignee, n) "
      "SELECT status, priority, assignee, sum(n) FROM folded GROUP BY status, priority, assignee "
      "ON CONFLICT (status, priority, assignee) DO UPDATE SET n = c.n + excluded.n");
}

std::string open_due_tasks(agent_host::Sql& sql) {
  return sql.dialect() == agent_host::SqlDialect::sqlite ? "tasks INDEXED BY tasks_open_due"
                                                         : "tasks";
}

std::optional<Task> find_by_idempotency_key(agent_host::Transaction& tx, const std::string& key) {
  const json rows =
      tx.query(std::string("SELECT ") + kTaskColumns + " FROM tasks WHERE idempotency_key = $1",
               json::array({key}));
  if (rows.empty()) return std::nullopt;
  return task_from_row(rows[0]);
}

bool insert_task_unless_key_exists(agent_host::Transaction& tx, const Statement& insert_task) {
  return !tx.query(std::string(insert_task.sql) +
                       " ON CONFLICT (idempotency_key) WHERE idempotency_key IS NOT NULL"
                       " DO NOTHING RETURNING id",
                   json::parse(insert_task.params_json))
              .empty();
}

void execute(agent_host::Transaction& tx, const std::vector<Statement>& statements,
             std::size_t from) {
  for (std::size_t i = from; i < statements.size(); ++i)
    tx.execute(statements[i].sql, statements[i].params_json);
}

void add_insert_task(const Task& task, const std::optional<std::string>& idempotency_key,
                     std::vector<Statement>& out) {
  out.push_back(
      {"INSERT INTO tasks (id, title, description, status, priority, assignee, tags, due_at, "
       "created_at, updated_at, completed_at, cancelled_at, version, idempotency_key) "
       "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
       json::array({task.id, task.title, task.description, task.status, task.priority,
                    nullable(task.assignee), tags_text(task), nullable(task.due_at),
                    task.created_at, task.updated_at, nullable(task.completed_at),
                    nullable(task.cancelled_at), task.version, nullable(idempotency_key)})
           .dump()});
  add_insert_tags(task, out);
}

bool update_task(agent_host::Transaction& tx, const Task& task, int64_t read_version,
                 bool tags_changed) {
  const json changed = tx.query(
      "UPDATE tasks SET title = $2, description = $3, status = $4, priority = $5, assignee = $6, "
      "tags = $7, due_at = $8, updated_at = $9, completed_at = $10, cancelled_at = $11, "
      "version = $12 WHERE id = $1 AND version = $13 RETURNING id",
      json::array({task.id, task.title, task.description, task.status, task.priority,
                   nullable(task.assignee), tags_text(task), nullable(task.due_at), task.updated_at,
                   nullable(task.completed_at), nullable(task.cancelled_at), task.version,
                   read_version}));
  if (changed.empty()) return false;
  if (tags_changed) {
    std::vector<Statement> rows{
        {"DELETE FROM task_tags WHERE task_id = $1", json::array({task.id}).dump()}};
    add_insert_tags(task, rows);
    execute(tx, rows);
  }
  return true;
}

bool delete_task(agent_host::Transaction& tx, const std::string& id, int64_t read_version) {
  if (tx.query("DELETE FROM tasks WHERE id = $1 AND version = $2 RETURNING id",
               json::array({id, read_version}))
          .empty())
    return false;
  execute(tx, {{"DELETE FROM task_tags WHERE task_id = $1", json::array({id}).dump()}});
  return true;
}

Statement append_event(const Event& event) {
  return {"INSERT INTO outbox (event_id, payload, created_at) VALUES ($1, $2, $3)",
          json::array({event.id, event.json_text, agent_host::now_ms()}).dump()};
}

std::vector<PendingEvent> pending_events(agent_host::Sql& sql, int64_t limit) {
  const json rows = sql.query("SELECT seq, event_id, payload FROM outbox ORDER BY seq LIMIT $1",
                              json::array({limit}));
  std::vector<PendingEvent> events;
  events.reserve(rows.size());
  for (const auto& row : rows)
    events.push_back({row.at("seq").get<int64_t>(), row.at("event_id").get<std::string>(),
                      row.at("payload").get<std::string>()});
  return events;
}

void remove_delivered(agent_host::Sql& sql, const std::vector<PendingEvent>& delivered) {
  if (delivered.empty()) return;
  // The seq finds the row through the primary key; the event id makes sure it
  // is still the event that was delivered. One pair of parameters per event:
  // portable SQL (no engine's JSON functions).
  std::string pairs;
  json params = json::array();
  for (const auto& event : delivered) {
    if (!pairs.empty()) pairs += " OR ";
    pairs += "(seq = $" + std::to_string(params.size() + 1) + " AND event_id = $" +
             std::to_string(params.size() + 2) + ")";
    params.push_back(event.seq);
    params.push_back(event.event_id);
  }
  sql.query("DELETE FROM outbox WHERE " + pairs, params);
}

int64_t outbox_depth(agent_host::Sql& sql) {
  return sql.query("SELECT count(*) AS n FROM outbox").at(0).at("n").get<int64_t>();
}

}  // namespace task_manager::store
