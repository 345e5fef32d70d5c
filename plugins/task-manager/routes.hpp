// The HTTP API under /task: request parsing and response shaping only; the work
// is done by TaskService, list_tasks, compute_stats and DailyReports.
#pragma once

#include <agent_host/sdk.hpp>

#include "daily_report.hpp"
#include "task_service.hpp"

namespace task_manager {

void add_task_routes(agent_host::Host& host, TaskService& service);
void add_report_routes(agent_host::Host& host, DailyReports& reports);

}  // namespace task_manager
