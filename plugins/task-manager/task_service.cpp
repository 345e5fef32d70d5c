#include "task_service.hpp"

#include <agent_host/time.hpp>

#include "events.hpp"
#include "ids.hpp"
#include "task_store.hpp"

namespace task_manager {

using agent_host::HttpError;
using agent_host::Transaction;

namespace {

// Thrown in a transaction body when the task it read was changed or deleted
// by another transaction before its write (a replica: PostgreSQL runs at
// READ COMMITTED). The write did nothing; the transaction runs again and
// reads the task anew, so If-Match and 404 judge what is there now.
struct ChangedMeanwhile {};

constexpr int kChangeAttempts = 8;

template <typename Attempt>
void rerun_when_changed(Attempt&& attempt) {
  for (int tried = 1;; ++tried) {
    try {
      attempt();
      return;
    } catch (const ChangedMeanwhile&) {
      if (tried == kChangeAttempts)
        throw HttpError(409, "conflict",
                        "the task changed " + std::to_string(kChangeAttempts) +
                            " times while this request was applied; send it again");
    }
  }
}

// A create's writes; when a task already holds its idempotency key, nothing
// but that task (to replay). Another replica may be creating with the same
// key right now: the conditional insert waits for it, and finds the key
// once it committed. The task holding the key may be deleted between the
// two statements (each sees what is committed when it starts): then the
// insert is tried again.
std::optional<Task> insert_unless_key_is_taken(Transaction& tx,
                                               const TaskService::PlannedCreate& plan) {
  const auto& statements = plan.statements;
  if (!plan.idempotency_key) {
    store::execute(tx, statements);
    return std::nullopt;
  }
  const std::string& key = *plan.idempotency_key;
  for (int tried = 1; tried <= kChangeAttempts; ++tried) {
    if (store::insert_task_unless_key_exists(tx, statements.front())) {
      store::execute(tx, statements, 1);
      return std::nullopt;
    }
    if (auto holder = store::find_by_idempotency_key(tx, key)) return holder;
  }
  throw HttpError(409, "conflict",
                  "the task holding idempotency key '" + key +
                      "' kept being created and deleted; send the request again",
                  "Idempotency-Key");
}

}  // namespace

TaskService::PlannedCreate TaskService::plan_insert(Task task,
                                                    std::optional<std::string> idempotency_key,
                                                    bool events_enabled, int64_t now) {
  task.id = new_id();
  task.created_at = task.updated_at = now;
  task.version = 1;
  apply_status(task, task.status, now);
  PlannedCreate plan;
  plan.task_json = to_json(task).dump();
  store::add_insert_task(task, idempotency_key, plan.statements);
  if (events_enabled) {
    plan.statements.push_back(store::append_event(created_event(plan.task_json, now)));
    ++plan.tally.events;
  }
  ++plan.tally.created;
  if (task.status == "done") ++plan.tally.completed;
  plan.task = std::move(task);
  plan.idempotency_key = std::move(idempotency_key);
  return plan;
}

// Runs inside one transaction body: every write goes through here so that the
// event lands in the same transaction and the counters move only after commit.
class TaskService::Batch {
 public:
  Batch(Transaction& tx, bool events_enabled, int64_t now)
      : tx_(tx), events_enabled_(events_enabled), now_(now) {}

  int64_t now() const { return now_; }

  Task insert(Task task, const std::optional<std::string>& idempotency_key) {
    PlannedCreate plan = plan_insert(std::move(task), idempotency_key, events_enabled_, now_);
    store::execute(tx_, plan.statements);
    tally += plan.tally;
    return std::move(plan.task);
  }

  // 404 before the preconditions: they apply to a task that exists (RFC 9110 §13.2.1).
  Task load(const std::string& id, const Preconditions& conditions, const std::string& field) {
    auto task = store::find_task(tx_, id);
    if (!task) throw HttpError(404, "not_found", "task '" + id + "' not found", field);
    conditions.require(entity_tag(task->version), agent_host::Access::change,
                       json{{"current_version", task->version}});
    return *task;
  }

  Task update(const std::string& id, const TaskChanges& changes, const Preconditions& conditions,
              const std::string& field = "id") {
    Task task = load(id, conditions, field);
    const auto changed = changes.apply_to(task);
    if (changed.empty()) return task;  // nothing to write: no new version, no event
    const bool tags_changed = std::find(changed.begin(), changed.end(), "tags") != changed.end();
    task.updated_at = now_;
    ++task.version;
    if (!store::update_task(tx_, task, task.version - 1, tags_changed)) throw ChangedMeanwhile{};
    record(updated_event(task, changed, now_));
    return task;
  }

  Task transition(const std::string& id, const std::string& to, const Preconditions& conditions) {
    Task task = load(id, conditions, "id");
    const std::string from = task.status;
    if (!can_transition(from, to)) {
      const auto allowed = allowed_transitions(from);
      std::string list;
      for (const auto& s : allowed) list += (list.empty() ? "" : ", ") + s;
      throw HttpError(409, "illegal_transition",
                      "cannot move task '" + id + "' from '" + from + "' to '" + to +
                          "'; allowed from '" + from + "': " + list,
                      "to", json{{"from", from}, {"to", to}, {"allowed", allowed}});
    }
    apply_status(task, to, now_);
    task.updated_at = now_;
    ++task.version;
    if (!store::update_task(tx_, task, task.version - 1, false)) throw ChangedMeanwhile{};
    record(transitioned_event(task, from, now_));
    if (to == "done") ++tally.completed;
    return task;
  }

  void remove(const std::string& id, const Preconditions& conditions) {
    const Task task = load(id, conditions, "id");
    if (!store::delete_task(tx_, id, task.version)) throw ChangedMeanwhile{};
    record(deleted_event(task, now_));
    ++tally.deleted;
  }

  Tally tally;

 private:
  void record(const Event& event) {
    if (!events_enabled_) return;
    store::execute(tx_, {store::append_event(event)});
    ++tally.events;
  }

  Transaction& tx_;
  bool events_enabled_;
  int64_t now_;
};

TaskService::TaskService(agent_host::Host& host, TaskMetrics& metrics,
                         std::function<void()> events_recorded)
    : host_(host), metrics_(metrics), events_recorded_(std::move(events_recorded)) {}

void TaskService::committed(const Tally& tally) {
  if (tally.created) metrics_.created.inc(tally.created);
  if (tally.completed) metrics_.completed.inc(tally.completed);
  if (tally.deleted) metrics_.deleted.inc(tally.deleted);
  if (tally.events && events_recorded_) events_recorded_();
}

TaskService::PlannedCreate TaskService::plan_create(Task input,
                                                    std::optional<std::string> idempotency_key) {
  return plan_insert(std::move(input), std::move(idempotency_key), events_enabled_,
                     agent_host::now_ms());
}

void TaskService::create(PlannedCreate plan, CreatedFn done) {
  struct State {
    PlannedCreate plan;
    CreatedFn done;
    std::optional<Task> existing;
  };
  auto state = std::make_shared<State>(State{std::move(plan), std::move(done), std::nullopt});
  host_.sql().transaction_async(
      [state](Transaction& tx) { state->existing = insert_unless_key_is_taken(tx, state->plan); },
      [this, state](std::exception_ptr failure) {
        if (!failure && !state->existing) committed(state->plan.tally);
        state->done(failure, state->existing ? Created{*state->existing, true}
                                             : Created{state->plan.task, false});
      });
}

Task TaskService::get(const std::string& id) {
  auto task = store::find_task(host_.sql(), id);
  if (!task) throw HttpError(404, "not_found", "task '" + id + "' not found", "id");
  return *task;
}

Task TaskService::update(const std::string& id, const TaskChanges& changes,
                         const Preconditions& conditions) {
  Task result;
  Tally done;
  rerun_when_changed([&] {
    host_.sql().transaction([&](Transaction& tx) {
      Batch batch(tx, events_enabled_, agent_host::now_ms());
      result = batch.update(id, changes, conditions, "id");
      done = batch.tally;
    });
  });
  committed(done);
  return result;
}

Task TaskService::transition(const std::string& id, const std::string& to,
                             const Preconditions& conditions) {
  Task result;
  Tally done;
  rerun_when_changed([&] {
    host_.sql().transaction([&](Transaction& tx) {
      Batch batch(tx, events_enabled_, agent_host::now_ms());
      result = batch.transition(id, to, conditions);
      done = batch.tally;
    });
  });
  committed(done);
  return result;
}

void TaskService::remove(const std::string& id, const Preconditions& conditions) {
  Tally done;
  rerun_when_changed([&] {
    host_.sql().transaction([&](Transaction& tx) {
      Batch batch(tx, events_enabled_, agent_host::now_ms());
      batch.remove(id, conditions);
      done = batch.tally;
    });
  });
  committed(done);
}

json TaskService::bulk(const json& body) {
  // Everything is checked before anything is written.
  BulkRequest request = parse_bulk(body);
  json created = json::array();
  json updated = json::array();
  Tally done;
  rerun_when_changed([&] {
    host_.sql().transaction([&](Transaction& tx) {
      created = json::array();
      updated = json::array();
      Batch batch(tx, events_enabled_, agent_host::now_ms());
      for (auto& task : request.creates)
        created.push_back(to_json(batch.insert(task, std::nullopt)));
      for (size_t i = 0; i < request.updates.size(); ++i) {
        const BulkUpdate& update = request.updates[i];
        updated.push_back(to_json(batch.update(update.id, update.changes, update.conditions,
                                               "update[" + std::to_string(i) + "].id")));
      }
      done = batch.tally;
    });
  });
  committed(done);
  return json{{"created", std::move(created)}, {"updated", std::move(updated)}};
}

}  // namespace task_manager
