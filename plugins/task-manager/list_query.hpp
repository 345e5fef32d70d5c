// GET /task/tasks: filters, sort and keyset cursor pagination. A page continues
// strictly after the last (sort key, id) returned, so inserts between pages never
// duplicate or skip tasks that existed when paging began.
#pragma once

#include <agent_host/sdk.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "task.hpp"

namespace task_manager {

struct ListQuery {
  std::vector<std::string> statuses;
  std::vector<std::string> priorities;
  std::optional<std::string> assignee;
  std::optional<std::string> tag;
  std::optional<int64_t> due_before;
  std::optional<int64_t> due_after;
  std::optional<int64_t> updated_since;
  std::optional<int64_t> created_before;      // exclusive: the state of a past window's tasks
  std::optional<std::string> title_contains;  // `q`
  std::string sort = "created_at";            // created_at | updated_at | due_at
  bool descending = false;
  int64_t limit = 50;
  struct Position {
    int64_t key;
    std::string id;
  };
  std::optional<Position> after;  // decoded cursor
};

inline constexpr int64_t kMaxPageSize = 200;

// Reads and checks the query string (400 naming the parameter on bad input).
ListQuery parse_list_query(const agent_host::Request& request);

// {"items":[...], "next_cursor": "..."|null}
json list_tasks(agent_host::Sql& sql, const ListQuery& query);

}  // namespace task_manager
