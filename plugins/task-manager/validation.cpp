#include "validation.hpp"

#include <agent_host/json_schema.hpp>
#include <agent_host/list_params.hpp>
#include <agent_host/sdk.hpp>
#include <agent_host/time.hpp>
#include <algorithm>

#include "api_schemas.hpp"

namespace task_manager {
namespace {

using agent_host::HttpError;
using agent_host::JsonSchema;

// A published schema, compiled once. Times are parsed below (RFC 3339 by the
// SDK's rule), so its "format": "date-time" stays an annotation here.
template <json (*Published)()>
const JsonSchema& checked_against() {
  static const JsonSchema schema(Published(), JsonSchema::Formats::annotations);
  return schema;
}

std::string field_at(const std::string& at, const char* key) {
  return at.empty() ? key : at + "." + key;
}

// A string the schema accepted, within its limit in bytes and, unless it
// may be blank, not only spaces.
std::string text(const json& value, const std::string& field, size_t max_bytes, bool may_be_blank) {
  const auto& text = value.get_ref<const std::string&>();
  if (!may_be_blank && text.find_first_not_of(" \t\r\n") == std::string::npos)
    throw HttpError::bad_request(field, field + " must not be blank");
  if (text.size() > max_bytes)
    throw HttpError::bad_request(field, field + " is " + std::to_string(text.size()) +
                                            " bytes of UTF-8; the limit is " +
                                            std::to_string(max_bytes));
  return text;
}

std::optional<std::string> nullable_text(const json& value, const std::string& field,
                                         size_t max_bytes) {
  if (value.is_null()) return std::nullopt;
  return text(value, field, max_bytes, false);
}

std::vector<std::string> tags(const json& value, const std::string& field) {
  std::vector<std::string> unique;
  for (size_t i = 0; i < value.size(); ++i) {
    auto tag = text(value[i], field + "[" + std::to_string(i) + "]", kMaxTagBytes, false);
    if (std::find(unique.begin(), unique.end(), tag) == unique.end())
      unique.push_back(std::move(tag));
  }
  return unique;
}

std::optional<int64_t> nullable_time(const json& value, const std::string& field) {
  if (value.is_null()) return std::nullopt;
  return required_time(value.get_ref<const std::string&>(), field);
}

// The editable fields of a body the schema accepted.
TaskChanges changes_from(const json& body, const std::string& at) {
  TaskChanges changes;
  if (const auto it = body.find("title"); it != body.end())
    changes.title = text(*it, field_at(at, "title"), kMaxTitleBytes, false);
  if (const auto it = body.find("description"); it != body.end())
    changes.description = text(*it, field_at(at, "description"), kMaxDescriptionBytes, true);
  if (const auto it = body.find("priority"); it != body.end())
    changes.priority = it->get<std::string>();
  if (const auto it = body.find("assignee"); it != body.end())
    changes.assignee = nullable_text(*it, field_at(at, "assignee"), kMaxAssigneeBytes);
  if (const auto it = body.find("tags"); it != body.end())
    changes.tags = tags(*it, field_at(at, "tags"));
  if (const auto it = body.find("due_at"); it != body.end())
    changes.due_at = nullable_time(*it, field_at(at, "due_at"));
  return changes;
}

Task task_from(const json& body, const std::string& at) {
  TaskChanges fields = changes_from(body, at);
  Task task;
  fields.apply_to(task);
  if (const auto it = body.find("status"); it != body.end()) task.status = it->get<std::string>();
  return task;
}

// The schema would say "unknown key"; a person wants to know where status changes.
void refuse_status_patch(const json& body, const std::string& at) {
  if (body.is_object() && body.contains("status"))
    throw HttpError::bad_request(field_at(at, "status"),
                                 "status cannot be patched; use POST "
                                 "/task/tasks/{id}/transitions with {\"to\": \"<status>\"}");
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

Task parse_new_task(const json& body) {
  checked_against<schemas::new_task>().require(body);
  return task_from(body, "");
}

TaskChanges parse_changes(const json& body) {
  refuse_status_patch(body, "");
  checked_against<schemas::task_changes>().require(body);
  return changes_from(body, "");
}

std::string parse_transition_target(const json& body) {
  checked_against<schemas::transition>().require(body);
  return body["to"].get<std::string>();
}

BulkRequest parse_bulk(const json& body) {
  const auto sent = body.find("update");  // end() unless body is an object that has it
  if (sent != body.end() && sent->is_array())
    for (size_t i = 0; i < sent->size(); ++i)
      refuse_status_patch((*sent)[i], "update[" + std::to_string(i) + "]");
  checked_against<schemas::bulk_request>().require(body);
  const json empty = json::array();
  const json& creates = body.contains("create") ? body["create"] : empty;
  const json& updates = body.contains("update") ? body["update"] : empty;
  if (creates.empty() && updates.empty())
    throw HttpError::bad_request("create", "nothing to do: give create and/or update items");
  if (creates.size() + updates.size() > kMaxBulkItems)
    throw HttpError::bad_request(
        "create", "at most " + std::to_string(kMaxBulkItems) + " items per bulk request");
  BulkRequest request;
  for (size_t i = 0; i < creates.size(); ++i)
    request.creates.push_back(task_from(creates[i], "create[" + std::to_string(i) + "]"));
  for (size_t i = 0; i < updates.size(); ++i) {
    const json& item = updates[i];
    const std::string at = "update[" + std::to_string(i) + "]";
    BulkUpdate update{item["id"].get<std::string>(), {}, changes_from(item, at)};
    if (const auto version = item.find("if_match"); version != item.end())
      update.conditions = agent_host::Preconditions::if_match(entity_tag(version->get<int64_t>()),
                                                              field_at(at, "if_match"));
    request.updates.push_back(std::move(update));
  }
  return request;
}

agent_host::EntityTag entity_tag(int64_t version) {
  return agent_host::EntityTag::strong(std::to_string(version));
}

std::string etag(int64_t version) {
  return entity_tag(version).text();
}

}  // namespace task_manager
