// Every SQL statement that reads or writes tasks and the outbox. Statement texts
// are constants so the host's statement cache reuses them.
#pragma once

#include <agent_host/sdk.hpp>
#include <optional>
#include <string>
#include <vector>

#include "events.hpp"
#include "task.hpp"

namespace task_manager::store {

// Per dialect where DDL differs (BIGINT times, an identity column, trigger
// functions); the SQLite texts are the ones released first and stay unchanged.
std::vector<agent_host::Migration> migrations();

// Takes or renews the outbox delivery lease for `holder` until now + ttl_ms;
// false while another replica holds it. One replica delivers at a time, and
// another takes over when the holder stops renewing (at least once, in order).
bool hold_outbox_lease(agent_host::Sql& sql, const std::string& holder, int64_t now,
                       int64_t ttl_ms);

// Gives the lease up (a process stopping), if `holder` has it.
void release_outbox_lease(agent_host::Sql& sql, const std::string& holder);

// "tasks" with SQLite's index hint for the open-with-due-date partial index
// (without statistics SQLite prefers the status index); plain "tasks" on
// PostgreSQL, whose planner has statistics.
std::string open_due_tasks(agent_host::Sql& sql);

// The task counters, by (status, priority, assignee): rows to sum, from the
// counter table and the deltas not folded into it yet (see migration 3).
constexpr const char* kTaskCounts =
    "SELECT status, priority, assignee, n FROM task_counts "
    "UNION ALL SELECT status, priority, assignee, n FROM task_count_deltas";

// Moves the counters' deltas into task_counts (PostgreSQL; periodic). Safe
// to run on several replicas at once.
void fold_count_deltas(agent_host::Sql& sql);

// The columns task_from_row() reads, for SELECTs built elsewhere.
extern const char* const kTaskColumns;

template <typename Db>  // agent_host::Sql or agent_host::Transaction
std::optional<Task> find_task(Db& db, const std::string& id) {
  const json rows = db.query(std::string("SELECT ") + kTaskColumns + " FROM tasks WHERE id = $1",
                             json::array({id}));
  if (rows.empty()) return std::nullopt;
  return task_from_row(rows[0]);
}

std::optional<Task> find_by_idempotency_key(agent_host::Transaction& tx, const std::string& key);

// A write rendered ahead of its transaction, so the thread that commits only
// binds and runs it.
struct Statement {
  const char* sql;
  std::string params_json;
};
// Runs statements[from..] as writes whose rows nobody reads.
void execute(agent_host::Transaction& tx, const std::vector<Statement>& statements,
             std::size_t from = 0);

// The task row and its tag index rows.
void add_insert_task(const Task& task, const std::optional<std::string>& idempotency_key,
                     std::vector<Statement>& out);
// A task's first statement from add_insert_task, made conditional: false,
// and nothing written, when a task with its idempotency key exists. A
// concurrent transaction inserting the same key (another replica) is waited
// for; once it has committed, the key exists.
bool insert_task_unless_key_exists(agent_host::Transaction& tx, const Statement& insert_task);
// Writes every mutable field; `tags_changed` also rewrites the tag index rows.
// Both apply only while the row is still at `read_version`, the version the
// transaction read: false, and nothing written, when another transaction (a
// replica: PostgreSQL runs at READ COMMITTED) changed or deleted it since.
bool update_task(agent_host::Transaction& tx, const Task& task, int64_t read_version,
                 bool tags_changed);
bool delete_task(agent_host::Transaction& tx, const std::string& id, int64_t read_version);

// The outbox: events recorded in the writer's transaction, delivered later in seq order.
Statement append_event(const Event& event);
struct PendingEvent {
  int64_t seq;
  std::string event_id;
  std::string payload;
};
std::vector<PendingEvent> pending_events(agent_host::Sql& sql, int64_t limit);
// Removes exactly these events. Never a range: another process sharing the
// database (a rolling restart) may have emptied the outbox meanwhile, and
// SQLite then hands a new event a seq that is already behind the range.
void remove_delivered(agent_host::Sql& sql, const std::vector<PendingEvent>& delivered);
int64_t outbox_depth(agent_host::Sql& sql);

}  // namespace task_manager::store
