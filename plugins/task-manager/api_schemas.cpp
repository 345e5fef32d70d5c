#include "api_schemas.hpp"

#include "task.hpp"

// Enumerations and size limits come from task.hpp, the model's one statement of them.
namespace task_manager::schemas {
namespace {

using nlohmann::json;

template <size_t N>
json names(const std::string_view (&values)[N]) {
  json list = json::array();
  for (std::string_view value : values) list.push_back(std::string(value));
  return list;
}
json statuses() {
  return names(kStatuses);
}
json priorities() {
  return names(kPriorities);
}
// Limits are in UTF-8 bytes; JSON Schema's maxLength counts characters, so it
// states the bound for ASCII text and the description says the rest.
json text(const std::string& what, size_t min_length, size_t max_bytes) {
  json schema = {{"type", "string"},
                 {"maxLength", max_bytes},
                 {"description", what + ", at most " + std::to_string(max_bytes) +
                                     " bytes of UTF-8" + (min_length > 0 ? ", not blank" : "")}};
  if (min_length > 0) schema["minLength"] = min_length;
  return schema;
}
json nullable(const char* type) {
  return json{{"type", json::array({type, "null"})}};
}
json time_or_null(const std::string& what = "") {
  json schema = {{"type", json::array({"string", "null"})}, {"format", "date-time"}};
  if (!what.empty()) schema["description"] = what + ": an RFC 3339 time, or null for none";
  return schema;
}
json count() {
  return json{{"type", "integer"}, {"minimum", 0}};
}

json editable_properties() {
  json assignee = text("who does it (null: nobody)", 1, kMaxAssigneeBytes);
  assignee["type"] = json::array({"string", "null"});
  return json{{"title", text("what is to be done", 1, kMaxTitleBytes)},
              {"description", text("details", 0, kMaxDescriptionBytes)},
              {"priority", {{"enum", priorities()}, {"description", "how urgent; default medium"}}},
              {"assignee", assignee},
              {"tags",
               {{"type", "array"},
                {"maxItems", kMaxTags},
                {"description", "labels for filtering; repeats are dropped"},
                {"items", text("a tag", 1, kMaxTagBytes)}}},
              {"due_at", time_or_null("when it is due")}};
}

}  // namespace

json task() {
  return json{{"type", "object"},
              {"properties",
               {{"id", {{"type", "string"}}},
                {"title", {{"type", "string"}}},
                {"description", {{"type", "string"}}},
                {"status", {{"enum", statuses()}}},
                {"priority", {{"enum", priorities()}}},
                {"assignee", nullable("string")},
                {"tags", {{"type", "array"}, {"items", {{"type", "string"}}}}},
                {"due_at", time_or_null()},
                {"created_at", {{"type", "string"}, {"format", "date-time"}}},
                {"updated_at", {{"type", "string"}, {"format", "date-time"}}},
                {"completed_at", time_or_null()},
                {"cancelled_at", time_or_null()},
                {"version", {{"type", "integer"}, {"minimum", 1}}}}}};
}

json new_task() {
  json properties = editable_properties();
  properties["status"] = {{"enum", statuses()}, {"description", "where it starts; default todo"}};
  return json{{"type", "object"},
              {"required", json::array({"title"})},
              {"additionalProperties", false},
              {"properties", properties}};
}

json task_changes() {
  return json{
      {"type", "object"}, {"additionalProperties", false}, {"properties", editable_properties()}};
}

json transition() {
  return json{{"type", "object"},
              {"required", json::array({"to"})},
              {"additionalProperties", false},
              {"properties", {{"to", {{"enum", statuses()}, {"description", "the new status"}}}}}};
}

json bulk_request() {
  json update = task_changes();
  update["properties"]["id"] = {{"type", "string"}, {"description", "the task to change"}};
  update["properties"]["if_match"] = {
      {"type", "integer"}, {"description", "apply only if the task still has this version"}};
  update["required"] = json::array({"id"});
  const std::string limit =
      "at most " + std::to_string(kMaxBulkItems) + " items in create and update together";
  return json{{"type", "object"},
              {"additionalProperties", false},
              {"properties",
               {{"create",
                 {{"type", "array"},
                  {"maxItems", kMaxBulkItems},
                  {"description", "new tasks; " + limit},
                  {"items", new_task()}}},
                {"update",
                 {{"type", "array"},
                  {"maxItems", kMaxBulkItems},
                  {"description", "changes; " + limit},
                  {"items", update}}}}}};
}

json bulk_response() {
  return json{{"type", "object"},
              {"properties",
               {{"created", {{"type", "array"}, {"items", task()}}},
                {"updated", {{"type", "array"}, {"items", task()}}}}}};
}

json task_page() {
  return json{
      {"type", "object"},
      {"properties",
       {{"items", {{"type", "array"}, {"items", task()}}}, {"next_cursor", nullable("string")}}}};
}

json stats() {
  const json by_status = {{"type", "object"},
                          {"properties",
                           {{"todo", count()},
                            {"in_progress", count()},
                            {"blocked", count()},
                            {"done", count()},
                            {"cancelled", count()}}}};
  const json by_priority = {
      {"type", "object"},
      {"properties",
       {{"low", count()}, {"medium", count()}, {"high", count()}, {"urgent", count()}}}};
  const json assignee = {{"type", "object"},
                         {"properties",
                          {{"assignee", {{"type", "string"}}},
                           {"open", count()},
                           {"completed", count()},
                           {"overdue", count()}}}};
  return json{{"type", "object"},
              {"description",
               "Every figure unless the query names some with fields=a,b (from and to are "
               "always present). fields takes any of created, completed, cancelled, overdue, "
               "open, blocked, by_status, by_priority, by_assignee, completion_rate, "
               "median_time_to_complete_seconds; any other name is a 400 naming 'fields'. "
               "fields=created,completed,completion_rate reads only window indexes: the cheap "
               "request for trend points"},
              {"properties",
               {{"from", {{"type", "string"}, {"format", "date-time"}}},
                {"to", {{"type", "string"}, {"format", "date-time"}}},
                {"created", count()},
                {"completed", count()},
                {"cancelled", count()},
                {"overdue", count()},
                {"open", count()},
                {"blocked", count()},
                {"by_status", by_status},
                {"by_priority", by_priority},
                {"by_assignee", {{"type", "array"}, {"items", assignee}}},
                {"completion_rate", nullable("number")},
                {"median_time_to_complete_seconds", nullable("number")}}}};
}

json daily_report() {
  json report = stats();
  report.erase("description");  // the daily report always carries every figure
  report["properties"]["date"] = {{"type", "string"}, {"format", "date"}};
  report["properties"]["time_zone"] = {{"type", "string"}};
  report["properties"]["generated_at"] = {{"type", "string"}, {"format", "date-time"}};
  report["properties"]["source"] = {{"enum", json::array({"stored", "live"})}};
  return report;
}

}  // namespace task_manager::schemas
