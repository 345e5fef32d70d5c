// GET /task/stats (the contract the Reporting agent codes against) and the
// summary stored by the daily report. Every figure is an SQL aggregate over an
// indexed column; nothing loads all tasks into memory.
#pragma once

#include <agent_host/sdk.hpp>
#include <cstdint>

#include "task.hpp"

namespace task_manager {

// Window [from_ms, to_ms). created/completed/cancelled count what happened
// inside it; by_status, by_priority, open, blocked and overdue describe tasks
// created before `to` in their current status, overdue judged at min(to, now).
json compute_stats(agent_host::Sql& sql, int64_t from_ms, int64_t to_ms, int64_t now_ms);

}  // namespace task_manager
