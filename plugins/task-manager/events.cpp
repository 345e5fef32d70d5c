#include "events.hpp"

#include <agent_host/time.hpp>

#include "ids.hpp"

namespace task_manager {
namespace {

// The envelope, written around the task's JSON text; `extra` (an object or
// null) adds the type's own members.
Event make_event(std::string_view type, std::string_view task_json, int64_t at_ms,
                 const json& extra = nullptr) {
  Event event{new_id(), {}};
  json envelope = {
      {"id", event.id}, {"type", type}, {"occurred_at", agent_host::format_rfc3339(at_ms)}};
  if (extra.is_object()) envelope.update(extra);
  event.json_text = envelope.dump();
  event.json_text.pop_back();  // the closing brace: the task goes in before it
  event.json_text.append(",\"task\":").append(task_json).push_back('}');
  return event;
}

}  // namespace

Event created_event(std::string_view task_json, int64_t at_ms) {
  return make_event("task.created", task_json, at_ms);
}

Event updated_event(const Task& task, const std::vector<std::string>& changes, int64_t at_ms) {
  return make_event("task.updated", to_json(task).dump(), at_ms, json{{"changes", changes}});
}

Event transitioned_event(const Task& task, const std::string& from, int64_t at_ms) {
  return make_event("task.transitioned", to_json(task).dump(), at_ms,
                    json{{"from", from}, {"to", task.status}});
}

Event deleted_event(const Task& task, int64_t at_ms) {
  return make_event("task.deleted", to_json(task).dump(), at_ms);
}

}  // namespace task_manager
