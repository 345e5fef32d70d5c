// The plugin's Prometheus series (the host prefixes them with agent_task_manager_).
#pragma once

#include <agent_host/sdk.hpp>
#include <map>
#include <string>

namespace task_manager {

class TaskMetrics {
 public:
  explicit TaskMetrics(agent_host::Host& host);

  // Re-reads the gauges that describe stored state (open tasks, overdue, outbox).
  // Re-reads the gauges; returns the outbox depth.
  int64_t refresh(agent_host::Sql& sql);
  void set_outbox_depth(double depth) const { outbox_depth_.set(depth); }

  agent_host::Counter created;
  agent_host::Counter completed;
  agent_host::Counter deleted;
  agent_host::Counter delivery_failures;
  agent_host::Counter events_delivered;

 private:
  std::map<std::string, agent_host::Gauge> open_by_status_;
  agent_host::Gauge overdue_;
  agent_host::Gauge outbox_depth_;
};

}  // namespace task_manager
