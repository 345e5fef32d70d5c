#include "task.hpp"

#include <agent_host/time.hpp>
#include <algorithm>

namespace task_manager {
namespace {

template <size_t N>
bool contains(const std::string_view (&values)[N], std::string_view value) {
  return std::find(std::begin(values), std::end(values), value) != std::end(values);
}

struct Transition {
  std::string_view from;
  std::string_view to;
};

// Work moves forward or back between the open states; done and cancelled can be
// reopened (to todo) but not moved sideways, and blocked work cannot jump to done.
constexpr Transition kTransitions[] = {
    {"todo", "in_progress"},    {"todo", "blocked"},          {"todo", "done"},
    {"todo", "cancelled"},      {"in_progress", "todo"},      {"in_progress", "blocked"},
    {"in_progress", "done"},    {"in_progress", "cancelled"}, {"blocked", "todo"},
    {"blocked", "in_progress"}, {"blocked", "cancelled"},     {"done", "todo"},
    {"cancelled", "todo"},
};

json optional_time(const std::optional<int64_t>& ms) {
  return ms ? json(agent_host::format_rfc3339(*ms)) : json(nullptr);
}

std::optional<int64_t> optional_int(const json& value) {
  if (value.is_null()) return std::nullopt;
  return value.get<int64_t>();
}

}  // namespace

bool is_status(std::string_view value) {
  return contains(kStatuses, value);
}
bool is_open_status(std::string_view value) {
  return contains(kOpenStatuses, value);
}
bool is_priority(std::string_view value) {
  return contains(kPriorities, value);
}

bool can_transition(std::string_view from, std::string_view to) {
  return std::any_of(std::begin(kTransitions), std::end(kTransitions),
                     [&](const Transition& t) { return t.from == from && t.to == to; });
}

std::vector<std::string> allowed_transitions(std::string_view from) {
  std::vector<std::string> targets;
  for (const auto& t : kTransitions)
    if (t.from == from) targets.emplace_back(t.to);
  return targets;
}

void apply_status(Task& task, const std::string& status, int64_t at_ms) {
  task.status = status;
  task.completed_at = status == "done" ? std::optional<int64_t>(at_ms) : std::nullopt;
  task.cancelled_at = status == "cancelled" ? std::optional<int64_t>(at_ms) : std::nullopt;
}

json to_json(const Task& task) {
  return json{{"id", task.id},
              {"title", task.title},
              {"description", task.description},
              {"status", task.status},
              {"priority", task.priority},
              {"assignee", task.assignee ? json(*task.assignee) : json(nullptr)},
              {"tags", task.tags},
              {"due_at", optional_time(task.due_at)},
              {"created_at", agent_host::format_rfc3339(task.created_at)},
              {"updated_at", agent_host::format_rfc3339(task.updated_at)},
              {"completed_at", optional_time(task.completed_at)},
              {"cancelled_at", optional_time(task.cancelled_at)},
              {"version", task.version}};
}

Task task_from_row(const json& row) {
  Task task;
  task.id = row.at("id").get<std::string>();
  task.title = row.at("title").get<std::string>();
  task.description = row.at("description").get<std::string>();
  task.status = row.at("status").get<std::string>();
  task.priority = row.at("priority").get<std::string>();
  if (!row.at("assignee").is_null()) task.assignee = row.at("assignee").get<std::string>();
  task.tags = json::parse(row.at("tags").get<std::string>()).get<std::vector<std::string>>();
  task.due_at = optional_int(row.at("due_at"));
  task.created_at = row.at("created_at").get<int64_t>();
  task.updated_at = row.at("updated_at").get<int64_t>();
  task.completed_at = optional_int(row.at("completed_at"));
  task.cancelled_at = optional_int(row.at("cancelled_at"));
  task.version = row.at("version").get<int64_t>();
  return task;
}

std::string tags_text(const Task& task) {
  return json(task.tags).dump();
}

}  // namespace task_manager
