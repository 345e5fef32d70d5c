// GET /task/stats (the contract the Reporting agent codes against) and the
// summary stored by the daily report. Nothing loads all tasks into memory:
// window figures are range counts over covering indexes, and the "current
// state" figures come from `task_counts`, a table of task counts per
// (status, priority, assignee) that triggers keep exact in every write
// transaction (see task_store.cpp).
#pragma once

#include <agent_host/sdk.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "task.hpp"

namespace task_manager {

// The answer's figures, one bit each; `from` and `to` are always answered.
enum StatsField : unsigned {
  kStatsCreated = 1u << 0,
  kStatsCompleted = 1u << 1,
  kStatsCancelled = 1u << 2,
  kStatsOverdue = 1u << 3,
  kStatsOpen = 1u << 4,
  kStatsBlocked = 1u << 5,
  kStatsByStatus = 1u << 6,
  kStatsByPriority = 1u << 7,
  kStatsByAssignee = 1u << 8,
  kStatsCompletionRate = 1u << 9,
  kStatsMedianTimeToComplete = 1u << 10,
};
inline constexpr unsigned kAllStatsFields = (1u << 11) - 1;

// `fields=created,completed` (comma-separated names of the answer's figures,
// `from`/`to` accepted and ignored) as a set of StatsField bits. nullopt when
// the list is empty or names something else; `error` then says what.
std::optional<unsigned> parse_stats_fields(std::string_view text, std::string& error);

// Window [from_ms, to_ms). created/completed/cancelled count what happened
// inside it; by_status, by_priority, open, blocked and overdue describe tasks
// created before `to` in their current status, overdue judged at min(to, now).
// Only the figures in `fields` are computed and answered.
json compute_stats(agent_host::Sql& sql, int64_t from_ms, int64_t to_ms, int64_t now_ms,
                   unsigned fields = kAllStatsFields);

}  // namespace task_manager
