// Task events as the cross-agent contract defines them (sent to the workflow agent):
//   {"id","type","occurred_at","task":{...}, ...type-specific members}
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "task.hpp"

namespace task_manager {

// An event rendered for the outbox.
struct Event {
  std::string id;
  std::string json_text;
};

// `task_json` is to_json(task) as text: a create renders it once for both the
// event and its response.
Event created_event(std::string_view task_json, int64_t at_ms);
Event updated_event(const Task& task, const std::vector<std::string>& changes, int64_t at_ms);
Event transitioned_event(const Task& task, const std::string& from, int64_t at_ms);
Event deleted_event(const Task& task, int64_t at_ms);

}  // namespace task_manager
