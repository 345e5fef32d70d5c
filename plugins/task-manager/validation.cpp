#include "validation.hpp"

#include <agent_host/list_params.hpp>
#include <agent_host/sdk.hpp>
#include <agent_host/time.hpp>
#include <algorithm>

namespace task_manager {
namespace {

using agent_host::HttpError;

constexpr const char* kStatusList = "todo, in_progress, blocked, done, cancelled";
constexpr const char* kPriorityList = "low, medium, high, urgent";
constexpr std::string_view kEditableFields[] = {"title",    "description", "priority",
                                                "assignee", "tags",        "due_at"};

void require_object(const json& body, const std::string& prefix) {
  if (!body.is_object()) {
    const std::string field = prefix.empty() ? "body" : prefix.substr(0, prefix.size() - 1);
    throw HttpError::bad_request(
        field, field + " must be a JSON object, got " + std::string(body.type_name()));
  }
}

void reject_unknown(const json& body, const std::string& prefix,
                    const std::vector<std::string_view>& allowed) {
  for (const auto& [key, value] : body.items()) {
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
      std::string list;
      for (auto name : allowed) list += (list.empty() ? "" : ", ") + std::string(name);
      throw HttpError::bad_request(prefix + key,
                                   "unknown field '" + prefix + key + "'; allowed fields: " + list);
    }
  }
}

std::string string_field(const json& value, const std::string& field, size_t max_bytes,
                         bool allow_empty) {
  if (!value.is_string())
    throw HttpError::bad_request(
        field, field + " must be a string, got " + std::string(value.type_name()));
  auto text = value.get<std::string>();
  if (!allow_empty && text.find_first_not_of(" \t\r\n") == std::string::npos)
    throw HttpError::bad_request(field, field + " must not be empty");
  if (text.size() > max_bytes)
    throw HttpError::bad_request(field, field + " is " + std::to_string(text.size()) +
                                            " bytes; the limit is " + std::to_string(max_bytes));
  return text;
}

std::optional<std::string> nullable_string(const json& value, const std::string& field,
                                           size_t max_bytes) {
  if (value.is_null()) return std::nullopt;
  return string_field(value, field, max_bytes, false);
}

std::vector<std::string> tags_field(const json& value, const std::string& field) {
  if (!value.is_array())
    throw HttpError::bad_request(
        field, field + " must be an array of strings, got " + std::string(value.type_name()));
  if (value.size() > kMaxTags)
    throw HttpError::bad_request(field, field + " has " + std::to_string(value.size()) +
                                            " tags; the limit is " + std::to_string(kMaxTags));
  std::vector<std::string> tags;
  for (size_t i = 0; i < value.size(); ++i) {
    auto tag = string_field(value[i], field + "[" + std::to_string(i) + "]", kMaxTagBytes, false);
    if (std::find(tags.begin(), tags.end(), tag) == tags.end()) tags.push_back(std::move(tag));
  }
  return tags;
}

std::optional<int64_t> nullable_time(const json& value, const std::string& field) {
  if (value.is_null()) return std::nullopt;
  if (!value.is_string())
    throw HttpError::bad_request(field, field + " must be an RFC 3339 string or null, got " +
                                            std::string(value.type_name()));
  return required_time(value.get_ref<const std::string&>(), field);
}

}  // namespace

std::string required_enum(std::string_view value, const std::string& field,
                          bool (*valid)(std::string_view), const char* allowed) {
  if (!valid(value))
    throw HttpError::bad_request(field,
                                 field + " '" + std::string(value) + "' is not one of: " + allowed);
  return std::string(value);
}

// The SDK's rule for every time a client sends, so bodies and lists agree.
int64_t required_time(std::string_view value, const std::string& field) {
  return agent_host::require_time(value, field);
}

std::vector<std::string> TaskChanges::names() const {
  std::vector<std::string> result;
  if (title) result.emplace_back("title");
  if (description) result.emplace_back("description");
  if (priority) result.emplace_back("priority");
  if (assignee) result.emplace_back("assignee");
  if (tags) result.emplace_back("tags");
  if (due_at) result.emplace_back("due_at");
  return result;
}

std::vector<std::string> TaskChanges::apply_to(Task& task) const {
  std::vector<std::string> changed;
  const auto set = [&](auto& target, const auto& change, const char* name) {
    if (change && target != *change) {
      target = *change;
      changed.emplace_back(name);
    }
  };
  set(task.title, title, "title");
  set(task.description, description, "description");
  set(task.priority, priority, "priority");
  set(task.assignee, assignee, "assignee");
  set(task.tags, tags, "tags");
  set(task.due_at, due_at, "due_at");
  return changed;
}

Task parse_new_task(const json& body, const std::string& prefix) {
  require_object(body, prefix);
  reject_unknown(body, prefix,
                 {"title", "description", "status", "priority", "assignee", "tags", "due_at"});
  if (!body.contains("title"))
    throw HttpError::bad_request(prefix + "title", prefix + "title is required");
  Task task;
  task.title = string_field(body["title"], prefix + "title", kMaxTitleBytes, false);
  if (body.contains("description"))
    task.description =
        string_field(body["description"], prefix + "description", kMaxDescriptionBytes, true);
  if (body.contains("status")) {
    if (!body["status"].is_string())
      throw HttpError::bad_request(prefix + "status", prefix + "status must be a string");
    task.status =
        required_enum(body["status"].get<std::string>(), prefix + "status", is_status, kStatusList);
  }
  if (body.contains("priority")) {
    if (!body["priority"].is_string())
      throw HttpError::bad_request(prefix + "priority", prefix + "priority must be a string");
    task.priority = required_enum(body["priority"].get<std::string>(), prefix + "priority",
                                  is_priority, kPriorityList);
  }
  if (body.contains("assignee"))
    task.assignee = nullable_string(body["assignee"], prefix + "assignee", kMaxAssigneeBytes);
  if (body.contains("tags")) task.tags = tags_field(body["tags"], prefix + "tags");
  if (body.contains("due_at")) task.due_at = nullable_time(body["due_at"], prefix + "due_at");
  return task;
}

TaskChanges parse_changes(const json& body, const std::string& prefix,
                          const std::vector<std::string_view>& extra_allowed) {
  require_object(body, prefix);
  if (body.contains("status"))
    throw HttpError::bad_request(prefix + "status",
                                 "status cannot be patched; use POST "
                                 "/task/tasks/{id}/transitions with {\"to\": \"<status>\"}");
  std::vector<std::string_view> allowed(std::begin(kEditableFields), std::end(kEditableFields));
  allowed.insert(allowed.end(), extra_allowed.begin(), extra_allowed.end());
  reject_unknown(body, prefix, allowed);
  TaskChanges changes;
  if (body.contains("title"))
    changes.title = string_field(body["title"], prefix + "title", kMaxTitleBytes, false);
  if (body.contains("description"))
    changes.description =
        string_field(body["description"], prefix + "description", kMaxDescriptionBytes, true);
  if (body.contains("priority")) {
    if (!body["priority"].is_string())
      throw HttpError::bad_request(prefix + "priority", prefix + "priority must be a string");
    changes.priority = required_enum(body["priority"].get<std::string>(), prefix + "priority",
                                     is_priority, kPriorityList);
  }
  if (body.contains("assignee"))
    changes.assignee = nullable_string(body["assignee"], prefix + "assignee", kMaxAssigneeBytes);
  if (body.contains("tags")) changes.tags = tags_field(body["tags"], prefix + "tags");
  if (body.contains("due_at")) changes.due_at = nullable_time(body["due_at"], prefix + "due_at");
  return changes;
}

std::string parse_transition_target(const json& body) {
  require_object(body, {});
  reject_unknown(body, {}, {"to"});
  if (!body.contains("to"))
    throw HttpError::bad_request("to", "to is required, e.g. {\"to\":\"done\"}");
  if (!body["to"].is_string()) throw HttpError::bad_request("to", "to must be a string");
  return required_enum(body["to"].get<std::string>(), "to", is_status, kStatusList);
}

agent_host::EntityTag entity_tag(int64_t version) {
  return agent_host::EntityTag::strong(std::to_string(version));
}

std::string etag(int64_t version) {
  return entity_tag(version).text();
}

}  // namespace task_manager
