// Task operations: each one is a single short transaction that changes the task
// and records its event in the outbox, so nothing is ever half-written.
#pragma once

#include <agent_host/sdk.hpp>
#include <atomic>
#include <exception>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "task.hpp"
#include "task_metrics.hpp"
#include "task_store.hpp"
#include "validation.hpp"

namespace task_manager {

class TaskService {
 public:
  // `events_recorded` is called after a commit that added outbox rows.
  TaskService(agent_host::Host& host, TaskMetrics& metrics, std::function<void()> events_recorded);

  // Whether changes record events at all (events.enabled in the config).
  void set_events_enabled(bool enabled) { events_enabled_ = enabled; }

  struct Created {
    Task task;
    bool replayed = false;  // an earlier create with the same idempotency key
  };
  struct Tally {  // what a committed transaction did, for metrics and the dispatcher
    int created = 0;
    int completed = 0;
    int deleted = 0;
    int events = 0;
    Tally& operator+=(const Tally& other) {
      created += other.created;
      completed += other.completed;
      deleted += other.deleted;
      events += other.events;
      return *this;
    }
  };
  // A create made ready off the thread that commits: the task with its id and
  // times, and the statements that write it and its event.
  struct PlannedCreate {
    Task task;
    std::string task_json;  // to_json(task) as text: already in the event; the answer's body
    std::optional<std::string> idempotency_key;
    std::vector<store::Statement> statements;
    Tally tally;
  };
  PlannedCreate plan_create(Task input, std::optional<std::string> idempotency_key);
  // Commits a planned create, or finds the task an earlier create with the
  // same key made, without waiting: `done` gets the failure (null once
  // committed) and the result, on the host's writer thread, so it must not block.
  using CreatedFn = std::function<void(std::exception_ptr failure, const Created& created)>;
  void create(PlannedCreate plan, CreatedFn done);
  Task get(const std::string& id);
  // `conditions` are checked against the task inside the write's transaction.
  using Preconditions = agent_host::Preconditions;
  Task update(const std::string& id, const TaskChanges& changes, const Preconditions& conditions);
  Task transition(const std::string& id, const std::string& to, const Preconditions& conditions);
  void remove(const std::string& id, const Preconditions& conditions);
  // {"create":[new task...], "update":[{"id", "if_match"?, fields...}]} in one transaction.
  json bulk(const json& body);

 private:
  class Batch;  // the writes of one transaction
  static PlannedCreate plan_insert(Task task, std::optional<std::string> idempotency_key,
                                   bool events_enabled, int64_t now);
  void committed(const Tally& tally);

  agent_host::Host& host_;
  TaskMetrics& metrics_;
  std::function<void()> events_recorded_;
  std::atomic<bool> events_enabled_{true};
};

}  // namespace task_manager
