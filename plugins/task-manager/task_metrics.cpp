#include "task_metrics.hpp"

#include <agent_host/time.hpp>

#include "task.hpp"
#include "task_store.hpp"

namespace task_manager {

TaskMetrics::TaskMetrics(agent_host::Host& host)
    : created(host.counter("tasks_created_total", "Tasks created")),
      completed(host.counter("tasks_completed_total", "Tasks moved to done")),
      deleted(host.counter("tasks_deleted_total", "Tasks deleted")),
      delivery_failures(host.counter("event_delivery_failures_total",
                                     "Failed attempts to deliver a task event to its target")),
      events_delivered(host.counter("events_delivered_total", "Task events delivered")),
      overdue_(host.gauge("overdue_tasks", "Open tasks whose due time has passed")),
      outbox_depth_(host.gauge("outbox_depth", "Task events recorded but not yet delivered")) {
  for (auto status : kOpenStatuses)
    open_by_status_.emplace(std::string(status), host.gauge("open_tasks", "Open tasks by status",
                                                            {{"status", std::string(status)}}));
}

int64_t TaskMetrics::refresh(agent_host::Sql& sql) {
  const json rows =
      sql.query(std::string("SELECT status, sum(n) AS n FROM (") + store::kTaskCounts +
                ") AS c WHERE status IN ('todo', 'in_progress', 'blocked') GROUP BY status");
  std::map<std::string, double> counts;
  for (const auto& row : rows)
    counts[row.at("status").get<std::string>()] = row.at("n").get<double>();
  for (const auto& [status, gauge] : open_by_status_) gauge.set(counts[status]);
  const json overdue = sql.query(
      "SELECT count(*) AS n FROM " + store::open_due_tasks(sql) +
          " WHERE due_at IS NOT NULL AND status IN ('todo', 'in_progress', 'blocked') AND "
          "due_at < $1",
      json::array({agent_host::now_ms()}));
  overdue_.set(overdue.at(0).at("n").get<double>());
  const int64_t depth = store::outbox_depth(sql);
  outbox_depth_.set(static_cast<double>(depth));
  return depth;
}

}  // namespace task_manager
