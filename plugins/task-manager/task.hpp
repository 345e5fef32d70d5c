// The task model: fields, enumerations, the transition table and the JSON form.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace task_manager {

using json = nlohmann::json;

inline constexpr std::string_view kStatuses[] = {"todo", "in_progress", "blocked", "done",
                                                 "cancelled"};
inline constexpr std::string_view kOpenStatuses[] = {"todo", "in_progress", "blocked"};
inline constexpr std::string_view kPriorities[] = {"low", "medium", "high", "urgent"};

// Size limits of the stored fields (characters are counted as UTF-8 bytes).
inline constexpr size_t kMaxTitleBytes = 500;
inline constexpr size_t kMaxDescriptionBytes = 20000;
inline constexpr size_t kMaxAssigneeBytes = 200;
inline constexpr size_t kMaxTags = 20;
inline constexpr size_t kMaxTagBytes = 64;
// Items (creates plus updates) in one bulk request.
inline constexpr size_t kMaxBulkItems = 1000;

bool is_status(std::string_view value);
bool is_open_status(std::string_view value);
bool is_priority(std::string_view value);

// The explicit transition table; a status never transitions to itself.
bool can_transition(std::string_view from, std::string_view to);
std::vector<std::string> allowed_transitions(std::string_view from);

struct Task {
  std::string id;
  std::string title;
  std::string description;
  std::string status = "todo";
  std::string priority = "medium";
  std::optional<std::string> assignee;
  std::vector<std::string> tags;
  std::optional<int64_t> due_at;  // Unix ms
  int64_t created_at = 0;
  int64_t updated_at = 0;
  std::optional<int64_t> completed_at;  // set while status is done
  std::optional<int64_t> cancelled_at;  // set while status is cancelled
  int64_t version = 1;
};

// Sets status and the completed/cancelled stamps that go with it.
void apply_status(Task& task, const std::string& status, int64_t at_ms);

// The public JSON form (what GET /task/tasks/{id} returns).
json to_json(const Task& task);

// A row of `kTaskColumns` as the host returns it.
Task task_from_row(const json& row);

// A task's tags in their stored form (a JSON array as text).
std::string tags_text(const Task& task);

}  // namespace task_manager
