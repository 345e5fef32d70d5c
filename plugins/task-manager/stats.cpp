#include "stats.hpp"

#include <agent_host/time.hpp>
#include <algorithm>
#include <map>

#include "task_store.hpp"

namespace task_manager {
namespace {

// In the order of StatsField's bits.
constexpr std::string_view kFieldNames[] = {"created",
                                            "completed",
                                            "cancelled",
                                            "overdue",
                                            "open",
                                            "blocked",
                                            "by_status",
                                            "by_priority",
                                            "by_assignee",
                                            "completion_rate",
                                            "median_time_to_complete_seconds"};

bool wants(unsigned fields, unsigned any_of) {
  return (fields & any_of) != 0;
}

// created/completed/cancelled in [from, to): range counts over the
// created_at, completed_at and cancelled_at indexes (the last two partial).
json window_counts(agent_host::Sql& sql, int64_t from_ms, int64_t to_ms, bool created,
                   bool completed, bool cancelled) {
  std::string text = "SELECT ";
  auto add = [&text](const char* column) {
    if (text.size() > 7) text += ", ";
    text += std::string("(SELECT count(*) FROM tasks WHERE ") + column + " >= $1 AND " + column +
            " < $2) AS " + std::string(column).substr(0, std::string(column).size() - 3);
  };
  if (created) add("created_at");
  if (completed) add("completed_at");
  if (cancelled) add("cancelled_at");
  return sql.query(text, json::array({from_ms, to_ms})).at(0);
}

json median_seconds(agent_host::Sql& sql, int64_t from_ms, int64_t to_ms, int64_t completed) {
  if (completed == 0) return nullptr;
  // The middle one or two durations, read in order from the completed_at
  // window (the index holds created_at too: no table reads).
  const int64_t offset = (completed - 1) / 2;
  const int64_t take = completed % 2 == 1 ? 1 : 2;
  const json rows = sql.query(
      "SELECT completed_at - created_at AS d FROM tasks WHERE completed_at >= $1 AND "
      "completed_at < $2 ORDER BY d LIMIT $3 OFFSET $4",
      json::array({from_ms, to_ms, take, offset}));
  if (rows.empty()) return nullptr;
  double sum = 0;
  for (const auto& row : rows) sum += row.at("d").get<double>();
  return sum / static_cast<double>(rows.size()) / 1000.0;
}

struct AssigneeLoad {
  int64_t tasks = 0;  // created before `to`, any status
  int64_t open = 0, completed = 0, overdue = 0;
};

struct StateCounts {
  std::map<std::string, int64_t> by_status, by_priority;
  std::map<std::string, AssigneeLoad> by_assignee;  // key "" = unassigned
};

// Tasks created before `to`, by current (status, priority, assignee): the
// maintained counters minus the tasks created at or after `to` (none when `to`
// is in the future; a walk of the created_at index otherwise). One statement,
// so both parts come from the same snapshot.
StateCounts state_counts(agent_host::Sql& sql, int64_t to_ms) {
  const json rows = sql.query(
      std::string("SELECT status, priority, assignee, sum(n) AS n FROM (") + store::kTaskCounts +
          " UNION ALL SELECT status, priority, coalesce(assignee, '') AS assignee, -1 AS n FROM "
          "tasks "
          "WHERE created_at >= $1) AS c GROUP BY status, priority, assignee HAVING sum(n) <> 0",
      json::array({to_ms}));
  StateCounts counts;
  for (const auto& row : rows) {
    const int64_t n = row.at("n").get<int64_t>();
    const std::string status = row.at("status").get<std::string>();
    counts.by_status[status] += n;
    counts.by_priority[row.at("priority").get<std::string>()] += n;
    AssigneeLoad& load = counts.by_assignee[row.at("assignee").get<std::string>()];
    load.tasks += n;
    if (is_open_status(status)) load.open += n;
  }
  return counts;
}

// Zero for every key, so consumers always see the full set.
template <size_t N>
json full_set(const std::map<std::string, int64_t>& counts, const std::string_view (&keys)[N]) {
  json out = json::object();
  for (auto key : keys) {
    auto it = counts.find(std::string(key));
    out[std::string(key)] = it == counts.end() ? 0 : it->second;
  }
  return out;
}

// Open tasks created before `to` with due_at before `overdue_at`, per assignee
// ("" = unassigned), from the covering partial index tasks_open_due (named:
// without statistics SQLite prefers the status index, i.e. every open task).
std::map<std::string, int64_t> overdue_by_assignee(agent_host::Sql& sql, int64_t to_ms,
                                                   int64_t overdue_at) {
  const json rows = sql.query(
      "SELECT coalesce(assignee, '') AS a, count(*) AS n FROM " + store::open_due_tasks(sql) +
          " WHERE due_at IS NOT NULL AND "
          "status IN ('todo', 'in_progress', 'blocked') AND due_at < $1 AND created_at < $2 "
          "GROUP BY a",
      json::array({overdue_at, to_ms}));
  std::map<std::string, int64_t> out;
  for (const auto& row : rows) out[row.at("a").get<std::string>()] = row.at("n").get<int64_t>();
  return out;
}

// Tasks created before `to` and completed in the window, per assignee (covering
// partial index tasks_completed).
std::map<std::string, int64_t> completed_by_assignee(agent_host::Sql& sql, int64_t from_ms,
                                                     int64_t to_ms) {
  const json rows = sql.query(
      "SELECT assignee AS a, count(*) AS n FROM tasks WHERE completed_at >= $1 AND "
      "completed_at < $2 AND created_at < $2 AND assignee IS NOT NULL GROUP BY assignee",
      json::array({from_ms, to_ms}));
  std::map<std::string, int64_t> out;
  for (const auto& row : rows) out[row.at("a").get<std::string>()] = row.at("n").get<int64_t>();
  return out;
}

}  // namespace

std::optional<unsigned> parse_stats_fields(std::string_view text, std::string& error) {
  unsigned fields = 0;
  size_t start = 0;
  while (start <= text.size()) {
    const size_t comma = std::min(text.find(',', start), text.size());
    const std::string_view name = text.substr(start, comma - start);
    start = comma + 1;
    if (name == "from" || name == "to") continue;
    const auto* found = std::find(std::begin(kFieldNames), std::end(kFieldNames), name);
    if (found == std::end(kFieldNames)) {
      error = "fields: '" + std::string(name) + "' is not one of ";
      for (size_t i = 0; i < std::size(kFieldNames); ++i)
        error += (i ? ", " : "") + std::string(kFieldNames[i]);
      return std::nullopt;
    }
    fields |= 1u << (found - std::begin(kFieldNames));
  }
  if (fields == 0) {
    error = "fields must name at least one figure, e.g. fields=created,completed";
    return std::nullopt;
  }
  return fields;
}

json compute_stats(agent_host::Sql& sql, int64_t from_ms, int64_t to_ms, int64_t now_ms,
                   unsigned fields) {
  const int64_t overdue_at = std::min(to_ms, now_ms);
  json answer = {{"from", agent_host::format_rfc3339(from_ms)},
                 {"to", agent_host::format_rfc3339(to_ms)}};

  const bool need_created = wants(fields, kStatsCreated | kStatsCompletionRate);
  const bool need_completed =
      wants(fields, kStatsCompleted | kStatsCompletionRate | kStatsMedianTimeToComplete);
  const bool need_cancelled = wants(fields, kStatsCancelled);
  int64_t created = 0, completed = 0;
  if (need_created || need_completed || need_cancelled) {
    const json totals =
        window_counts(sql, from_ms, to_ms, need_created, need_completed, need_cancelled);
    if (need_created) created = totals.at("created").get<int64_t>();
    if (need_completed) completed = totals.at("completed").get<int64_t>();
    if (wants(fields, kStatsCreated)) answer["created"] = created;
    if (wants(fields, kStatsCompleted)) answer["completed"] = completed;
    if (need_cancelled) answer["cancelled"] = totals.at("cancelled");
  }

  std::map<std::string, int64_t> overdue;
  if (wants(fields, kStatsOverdue | kStatsByAssignee)) {
    overdue = overdue_by_assignee(sql, to_ms, overdue_at);
    if (wants(fields, kStatsOverdue)) {
      int64_t total = 0;
      for (const auto& entry : overdue) total += entry.second;
      answer["overdue"] = total;
    }
  }

  if (wants(fields,
            kStatsOpen | kStatsBlocked | kStatsByStatus | kStatsByPriority | kStatsByAssignee)) {
    StateCounts state = state_counts(sql, to_ms);
    const json by_status = full_set(state.by_status, kStatuses);
    if (wants(fields, kStatsOpen)) {
      int64_t open = 0;
      for (auto status : kOpenStatuses) open += by_status.at(std::string(status)).get<int64_t>();
      answer["open"] = open;
    }
    if (wants(fields, kStatsBlocked)) answer["blocked"] = by_status.at("blocked");
    if (wants(fields, kStatsByStatus)) answer["by_status"] = by_status;
    if (wants(fields, kStatsByPriority))
      answer["by_priority"] = full_set(state.by_priority, kPriorities);
    if (wants(fields, kStatsByAssignee)) {
      for (const auto& [name, n] : overdue) state.by_assignee[name].overdue = n;
      for (const auto& [name, n] : completed_by_assignee(sql, from_ms, to_ms))
        state.by_assignee[name].completed = n;
      // Every assignee with a task created before `to`, by name (byte order, as
      // SQLite's ORDER BY sorts text).
      json by_assignee = json::array();
      for (const auto& [name, load] : state.by_assignee) {
        if (name.empty()) continue;  // unassigned
        if (load.tasks <= 0 && load.completed == 0 && load.overdue == 0) continue;
        by_assignee.push_back({{"assignee", name},
                               {"open", load.open},
                               {"completed", load.completed},
                               {"overdue", load.overdue}});
      }
      answer["by_assignee"] = std::move(by_assignee);
    }
  }

  if (wants(fields, kStatsCompletionRate))
    // Tasks created before the window may complete in it: capped at 1.
    answer["completion_rate"] =
        created > 0
            ? json(std::min(1.0, static_cast<double>(completed) / static_cast<double>(created)))
            : json(nullptr);
  if (wants(fields, kStatsMedianTimeToComplete))
    answer["median_time_to_complete_seconds"] = median_seconds(sql, from_ms, to_ms, completed);
  return answer;
}

}  // namespace task_manager
