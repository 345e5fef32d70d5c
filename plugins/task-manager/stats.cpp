#include "stats.hpp"

#include <algorithm>

#include "time_text.hpp"

namespace task_manager {
namespace {

constexpr const char* kOpen = "status IN ('todo', 'in_progress', 'blocked')";

int64_t count_of(const json& rows, const char* column) {
  return rows.at(0).at(column).get<int64_t>();
}

// Zero for every key, so consumers always see the full set.
template <size_t N>
json counts_by(agent_host::Sql& sql, const char* column, const std::string_view (&keys)[N],
               int64_t to_ms) {
  json counts = json::object();
  for (auto key : keys) counts[std::string(key)] = 0;
  const json rows = sql.query(std::string("SELECT ") + column +
                                  " AS k, count(*) AS n FROM tasks WHERE created_at < $1 "
                                  "GROUP BY " +
                                  column,
                              json::array({to_ms}));
  for (const auto& row : rows) counts[row.at("k").get<std::string>()] = row.at("n");
  return counts;
}

json median_seconds(agent_host::Sql& sql, int64_t from_ms, int64_t to_ms, int64_t completed) {
  if (completed == 0) return nullptr;
  // The middle one or two durations, read in order from the completed_at window.
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

}  // namespace

json compute_stats(agent_host::Sql& sql, int64_t from_ms, int64_t to_ms, int64_t now_ms) {
  const int64_t overdue_at = std::min(to_ms, now_ms);
  const json totals = sql.query(
      std::string("SELECT "
                  "(SELECT count(*) FROM tasks WHERE created_at >= $1 AND created_at < $2) AS "
                  "created, "
                  "(SELECT count(*) FROM tasks WHERE completed_at >= $1 AND completed_at < $2) "
                  "AS completed, "
                  "(SELECT count(*) FROM tasks WHERE cancelled_at >= $1 AND cancelled_at < $2) "
                  "AS cancelled, "
                  "(SELECT count(*) FROM tasks WHERE due_at IS NOT NULL AND ") +
          kOpen + " AND due_at < $3 AND created_at < $2) AS overdue",
      json::array({from_ms, to_ms, overdue_at}));
  const int64_t created = count_of(totals, "created");
  const int64_t completed = count_of(totals, "completed");

  const json by_status = counts_by(sql, "status", kStatuses, to_ms);
  const json by_priority = counts_by(sql, "priority", kPriorities, to_ms);

  const json assignee_rows =
      sql.query(std::string("SELECT assignee, "
                            "sum(") +
                    kOpen +
                    ") AS open, "
                    "sum(completed_at IS NOT NULL AND completed_at >= $1 AND completed_at < $2) "
                    "AS completed, "
                    "sum(" +
                    kOpen +
                    " AND due_at IS NOT NULL AND due_at < $3) AS overdue "
                    "FROM tasks WHERE assignee IS NOT NULL AND created_at < $2 "
                    "GROUP BY assignee ORDER BY assignee",
                json::array({from_ms, to_ms, overdue_at}));
  json by_assignee = json::array();
  for (const auto& row : assignee_rows)
    by_assignee.push_back({{"assignee", row.at("assignee")},
                           {"open", row.at("open")},
                           {"completed", row.at("completed")},
                           {"overdue", row.at("overdue")}});

  const int64_t open = by_status.at("todo").get<int64_t>() +
                       by_status.at("in_progress").get<int64_t>() +
                       by_status.at("blocked").get<int64_t>();
  return json{
      {"from", format_rfc3339(from_ms)},
      {"to", format_rfc3339(to_ms)},
      {"created", created},
      {"completed", completed},
      {"cancelled", count_of(totals, "cancelled")},
      {"overdue", count_of(totals, "overdue")},
      {"open", open},
      {"blocked", by_status.at("blocked")},
      {"by_status", by_status},
      {"by_priority", by_priority},
      {"by_assignee", std::move(by_assignee)},
      {"completion_rate",
       // Tasks created before the window may complete in it: capped at 1.
       created > 0
           ? json(std::min(1.0, static_cast<double>(completed) / static_cast<double>(created)))
           : json(nullptr)},
      {"median_time_to_complete_seconds", median_seconds(sql, from_ms, to_ms, completed)},
  };
}

}  // namespace task_manager
