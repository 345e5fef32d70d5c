#include "events.hpp"

#include "ids.hpp"
#include "time_text.hpp"

namespace task_manager {
namespace {

json base_event(std::string_view type, const Task& task, int64_t at_ms) {
  return json{{"id", new_id()},
              {"type", type},
              {"occurred_at", format_rfc3339(at_ms)},
              {"task", to_json(task)}};
}

}  // namespace

json created_event(const Task& task, int64_t at_ms) {
  return base_event("task.created", task, at_ms);
}

json updated_event(const Task& task, const std::vector<std::string>& changes, int64_t at_ms) {
  json event = base_event("task.updated", task, at_ms);
  event["changes"] = changes;
  return event;
}

json transitioned_event(const Task& task, const std::string& from, int64_t at_ms) {
  json event = base_event("task.transitioned", task, at_ms);
  event["from"] = from;
  event["to"] = task.status;
  return event;
}

json deleted_event(const Task& task, int64_t at_ms) {
  return base_event("task.deleted", task, at_ms);
}

}  // namespace task_manager
