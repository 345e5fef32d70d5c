// Turns request JSON into checked task input; every refusal is a 400 naming the field.
#pragma once

#include <agent_host/conditional.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "task.hpp"

namespace task_manager {

// Field changes of a PATCH (or a bulk update); absent members stay nullopt.
// For nullable fields the inner optional is empty when the request sent null.
struct TaskChanges {
  std::optional<std::string> title;
  std::optional<std::string> description;
  std::optional<std::string> priority;
  std::optional<std::optional<std::string>> assignee;
  std::optional<std::vector<std::string>> tags;
  std::optional<std::optional<int64_t>> due_at;

  // Names of the fields present, in a fixed order (the event's "changes").
  std::vector<std::string> names() const;
  // Applies the changes; returns the names of the fields whose value changed.
  std::vector<std::string> apply_to(Task& task) const;
};

// Each body is checked against the schema /openapi.json publishes for it
// (api_schemas.hpp): its shape, types, enumerations, counts and lengths. What
// JSON Schema cannot say is checked here: limits in UTF-8 bytes (maxLength
// counts characters), text that is only spaces, RFC 3339 times.

// A new task: every field except id, timestamps and version.
Task parse_new_task(const json& body);
// A PATCH: the fields it changes.
TaskChanges parse_changes(const json& body);
// The `to` of a transition request.
std::string parse_transition_target(const json& body);

// POST /tasks/bulk, every item checked before anything is written.
struct BulkUpdate {
  std::string id;
  agent_host::Preconditions conditions;  // from if_match, the task's version
  TaskChanges changes;
};
struct BulkRequest {
  std::vector<Task> creates;
  std::vector<BulkUpdate> updates;
};
BulkRequest parse_bulk(const json& body);

// A task's entity tag is its version, strong: "7".
agent_host::EntityTag entity_tag(int64_t version);
std::string etag(int64_t version);

// Field checks shared with the query-string parsers.
std::string required_enum(std::string_view value, const std::string& field,
                          bool (*valid)(std::string_view), const char* allowed);
int64_t required_time(std::string_view value, const std::string& field);

}  // namespace task_manager
