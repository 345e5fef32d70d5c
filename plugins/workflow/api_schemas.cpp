#include "api_schemas.hpp"

#include "run_record.hpp"

namespace workflow::schemas {
namespace {

using nlohmann::json;

json text() {
  return {{"type", "string"}};
}
json time() {
  return {{"type", "string"}, {"format", "date-time"}};
}
json time_or_null() {
  return {{"type", {"string", "null"}}, {"format", "date-time"}};
}
json count() {
  return {{"type", "integer"}, {"minimum", 0}};
}
json statuses() {
  return json(std::vector<std::string>(std::begin(status::kAll), std::end(status::kAll)));
}
// `schema` with one more required property.
json with_required(json schema, const std::string& name, json property) {
  schema["properties"][name] = std::move(property);
  schema["required"].push_back(name);
  return schema;
}

}  // namespace

json workflow_summary() {
  return {{"type", "object"},
          {"required", {"name", "version", "steps", "triggers", "concurrency"}},
          {"properties",
           {{"name", text()},
            {"version", {{"type", "integer"}, {"minimum", 1}}},
            {"description", text()},
            {"steps", count()},
            {"triggers", {{"type", "array"}, {"items", {{"type", "object"}}}}},
            {"concurrency", count()},  // 0 = unlimited
            {"created", {{"type", "boolean"}}}}}};
}

json workflow_detail() {
  return with_required(workflow_summary(), "definition", {{"type", "object"}});
}

json workflow_list() {
  return {{"type", "object"},
          {"required", {"items"}},
          {"properties", {{"items", {{"type", "array"}, {"items", workflow_summary()}}}}}};
}

json definition() {
  return {{"type", "object"},
          {"required", {"name", "steps"}},
          {"properties",
           {{"name", text()},
            {"description", text()},
            {"steps", {{"type", "array"}, {"items", {{"type", "object"}}}}},
            {"triggers", {{"type", "array"}, {"items", {{"type", "object"}}}}}}}};
}

json run_summary() {
  return {{"type", "object"},
          {"required", {"id", "workflow", "version", "status", "trigger", "created_at"}},
          {"properties",
           {{"id", text()},
            {"workflow", text()},
            {"version", {{"type", "integer"}, {"minimum", 1}}},
            {"status", {{"enum", statuses()}}},
            {"trigger", {{"type", "object"}}},
            {"created_at", time()},
            {"started_at", time_or_null()},
            {"finished_at", time_or_null()},
            {"duration_ms", {{"type", {"integer", "null"}}, {"minimum", 0}}},
            {"error", {{"type", {"object", "null"}}}}}}};
}

json run() {
  json run = run_summary();
  auto& properties = run["properties"];
  properties["input"] = {{"type", "object"}};
  properties["output"] = json::object();  // whatever the last step made; null until it succeeds
  properties["resume_at"] = time_or_null();
  properties["deadline_at"] = time_or_null();
  properties["idempotency_key"] = text();
  properties["steps"] = {{"type", "array"}, {"items", {{"type", "object"}}}};
  run["required"].push_back("steps");
  return run;
}

json run_page() {
  return {{"type", "object"},
          {"required", {"items", "next_cursor"}},
          {"properties",
           {{"items", {{"type", "array"}, {"items", run_summary()}}},
            {"next_cursor", {{"type", {"string", "null"}}}}}}};
}

json run_start_request() {
  return {{"type", "object"},
          {"additionalProperties", false},
          {"properties",
           {{"input",
             {{"type", "object"},
              {"description", "The run's input, checked against the workflow's input schema"}}}}}};
}

json run_start() {
  return with_required(run(), "created", {{"type", "boolean"}});
}

json event() {
  return {
      {"type", "object"},
      {"required", {"id", "type", "task"}},
      {"properties",
       {{"id", {{"type", "string"}, {"minLength", 1}}},
        {"type", {{"enum", {"task.created", "task.updated", "task.transitioned", "task.deleted"}}}},
        {"task", {{"type", "object"}}},
        {"occurred_at", time()}}}};
}

json event_answer() {
  return {{"type", "object"},
          {"required", {"accepted", "duplicate", "runs"}},
          {"properties",
           {{"accepted", {{"const", true}}},
            {"duplicate", {{"type", "boolean"}}},
            {"runs",
             {{"type", "array"},
              {"items",
               {{"type", "object"},
                {"required", {"workflow"}},
                {"properties",
                 {{"workflow", text()},
                  {"run_id", text()},
                  {"created", {{"type", "boolean"}}},
                  {"skipped", text()}}}}}}}}}};
}

json stats() {
  json by_status = {{"type", "object"}, {"properties", json::object()}};
  for (const char* name : status::kAll) by_status["properties"][name] = count();
  const json seconds = {{"type", {"number", "null"}}, {"minimum", 0}};
  return {
      {"type", "object"},
      {"required", {"from", "to", "runs_total", "by_status", "success_rate", "duration_seconds"}},
      {"properties",
       {{"from", time()},
        {"to", time()},
        {"runs_total", count()},
        {"by_status", by_status},
        {"success_rate", {{"type", {"number", "null"}}, {"minimum", 0}, {"maximum", 1}}},
        {"duration_seconds",
         {{"type", "object"}, {"properties", {{"p50", seconds}, {"p95", seconds}}}}},
        {"top_failing_workflows",
         {{"type", "array"},
          {"items",
           {{"type", "object"},
            {"properties", {{"workflow", text()}, {"failed", count()}, {"total", count()}}}}}}},
        {"top_failing_steps",
         {{"type", "array"},
          {"items",
           {{"type", "object"},
            {"properties", {{"workflow", text()}, {"step", text()}, {"failed", count()}}}}}}}}}};
}

}  // namespace workflow::schemas
