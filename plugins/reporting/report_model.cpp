#include "report_model.hpp"

#include <cmath>
#include <stdexcept>

namespace reporting {
namespace {

using nlohmann::json;

const char* const kTaskStatuses[] = {"todo", "in_progress", "blocked", "done", "cancelled"};
const char* const kPriorities[] = {"low", "medium", "high", "urgent"};
const char* const kRunStatuses[] = {"queued", "running",   "waiting",  "succeeded",
                                    "failed", "cancelled", "timed_out"};

// A payload field the contract promises; a missing one makes the section
// unavailable with a message naming the field.
const json& field(const json& body, const char* name, const char* source) {
  if (!body.is_object() || !body.contains(name))
    throw std::runtime_error(std::string(source) + " answered without the field '" + name + "'");
  return body[name];
}

json count_or_zero(const json& value) {
  return value.is_number() ? value : json(0);
}
json number_or_null(const json& value) {
  return value.is_number() ? value : json(nullptr);
}

// {"todo": 3, ...} → [{"<key_name>": "todo", "count": 3}, ...] in contract order.
template <size_t N>
json ordered_counts(const json& counts, const char* const (&keys)[N], const char* key_name) {
  json list = json::array();
  for (const char* key : keys)
    list.push_back(
        {{key_name, key},
         {"count", counts.is_object() ? count_or_zero(counts.value(key, json())) : json(0)}});
  return list;
}

json trend(const json& current, const json& previous) {
  if (!current.is_number() || !previous.is_number())
    return {{"direction", "unknown"}, {"change", nullptr}, {"previous", number_or_null(previous)}};
  const double change = current.get<double>() - previous.get<double>();
  const char* direction = std::fabs(change) < kFlatTrend ? "flat" : change > 0 ? "up" : "down";
  return {{"direction", direction}, {"change", change}, {"previous", previous}};
}

json unavailable(const std::string& error) {
  return {{"available", false}, {"error", error}};
}

json window_json(const Window& window, const std::string& zone) {
  return {{"from", format_rfc3339(window.from)},
          {"to", format_rfc3339(window.to)},
          {"from_local", format_local(window.from, zone)},
          {"to_local", format_local(window.to, zone)}};
}

json task_list(const PeerAnswer& answer, const char* source) {
  if (!answer.ok) return unavailable(answer.error);
  try {
    const json& items = field(answer.body, "items", source);
    if (!items.is_array())
      throw std::runtime_error(std::string(source) + ": 'items' is not a list");
    json tasks = json::array();
    for (const json& task : items) {
      if (!task.is_object()) continue;
      auto text = [&task](const char* key) {
        const json& v = task.value(key, json());
        return v.is_string() ? v.get<std::string>() : v.is_null() ? std::string() : v.dump();
      };
      std::string due = text("due_at");
      if (due.empty()) due = text("due");
      tasks.push_back({{"id", text("id")},
                       {"title", text("title")},
                       {"status", text("status")},
                       {"priority", text("priority")},
                       {"assignee", text("assignee")},
                       {"due", due}});
    }
    const json& next = answer.body.value("next_cursor", json());
    return {{"available", true},
            {"error", nullptr},
            {"items", tasks},
            {"more", next.is_string() && !next.get<std::string>().empty()}};
  } catch (const std::exception& e) {
    return unavailable(e.what());
  }
}

json task_section(const ReportMeta& meta, const Gathered& g) {
  if (!g.task_stats.ok) return unavailable(g.task_stats.error);
  const json& s = g.task_stats.body;
  const char* source = "task-manager /stats";
  json section = {{"available", true}, {"error", nullptr}};
  for (const char* name : {"created", "completed", "cancelled", "overdue", "open", "blocked"})
    section[name] = count_or_zero(field(s, name, source));
  section["completion_rate"] = number_or_null(field(s, "completion_rate", source));
  section["median_time_to_complete_seconds"] =
      number_or_null(s.value("median_time_to_complete_seconds", json()));
  section["by_status"] = ordered_counts(field(s, "by_status", source), kTaskStatuses, "status");
  section["by_priority"] = ordered_counts(field(s, "by_priority", source), kPriorities, "priority");
  json assignees = json::array();
  for (const json& row : field(s, "by_assignee", source)) {
    const json& name = row.value("assignee", json());
    assignees.push_back({{"assignee", name.is_string() ? name : json("(unassigned)")},
                         {"open", count_or_zero(row.value("open", json()))},
                         {"completed", count_or_zero(row.value("completed", json()))},
                         {"overdue", count_or_zero(row.value("overdue", json()))}});
  }
  section["by_assignee"] = assignees;

  // History: oldest first, ending with the report's own window.
  json history = json::array();
  for (size_t i = g.task_history.size(); i-- > 0;) {
    const PeerAnswer& past = g.task_history[i];
    json point = window_json(meta.previous.at(i), meta.time_zone);
    point["available"] = past.ok;
    point["created"] = past.ok ? count_or_zero(past.body.value("created", json())) : json(nullptr);
    point["completed"] =
        past.ok ? count_or_zero(past.body.value("completed", json())) : json(nullptr);
    point["completion_rate"] =
        past.ok ? number_or_null(past.body.value("completion_rate", json())) : json(nullptr);
    point["error"] = past.ok ? json(nullptr) : json(past.error);
    history.push_back(point);
  }
  json now = window_json(meta.window, meta.time_zone);
  now["available"] = true;
  now["created"] = section["created"];
  now["completed"] = section["completed"];
  now["completion_rate"] = section["completion_rate"];
  now["error"] = nullptr;
  history.push_back(now);
  section["history"] = history;
  const json previous_rate =
      g.task_history.empty() ? json(nullptr) : history[history.size() - 2]["completion_rate"];
  section["completion_trend"] = trend(section["completion_rate"], previous_rate);
  section["blocked_tasks"] = task_list(g.blocked_tasks, "task-manager /tasks?status=blocked");
  section["overdue_tasks"] = task_list(g.overdue_tasks, "task-manager /tasks (overdue)");
  return section;
}

json workflow_section(const Gathered& g) {
  if (!g.workflow_stats.ok) return unavailable(g.workflow_stats.error);
  const json& s = g.workflow_stats.body;
  const char* source = "workflow /stats";
  json section = {{"available", true}, {"error", nullptr}};
  section["runs_total"] = count_or_zero(field(s, "runs_total", source));
  section["by_status"] = ordered_counts(field(s, "by_status", source), kRunStatuses, "status");
  section["success_rate"] = number_or_null(field(s, "success_rate", source));
  const json& durations = field(s, "duration_seconds", source);
  section["duration_seconds"] = {
      {"p50", number_or_null(durations.is_object() ? durations.value("p50", json()) : json())},
      {"p95", number_or_null(durations.is_object() ? durations.value("p95", json()) : json())}};
  json workflows = json::array();
  for (const json& row : field(s, "top_failing_workflows", source))
    workflows.push_back({{"workflow", row.value("workflow", "")},
                         {"failed", count_or_zero(row.value("failed", json()))},
                         {"total", count_or_zero(row.value("total", json()))}});
  section["top_failing_workflows"] = workflows;
  json steps = json::array();
  for (const json& row : field(s, "top_failing_steps", source))
    steps.push_back({{"workflow", row.value("workflow", "")},
                     {"step", row.value("step", "")},
                     {"failed", count_or_zero(row.value("failed", json()))}});
  section["top_failing_steps"] = steps;
  const json previous_rate =
      g.workflow_previous.ok
          ? number_or_null(g.workflow_previous.body.value("success_rate", json()))
          : json(nullptr);
  section["success_trend"] = trend(section["success_rate"], previous_rate);
  if (!g.workflow_previous.ok) section["success_trend"]["error"] = g.workflow_previous.error;
  return section;
}

template <typename Build>
json guarded(Build&& build) {
  try {
    return build();
  } catch (const std::exception& e) {
    return unavailable(e.what());
  }
}

}  // namespace

json build_model(const ReportMeta& meta, const Gathered& gathered) {
  json report = window_json(meta.window, meta.time_zone);
  report["id"] = meta.id;
  report["period"] = period_name(meta.period);
  report["time_zone"] = meta.time_zone;
  report["generated_at"] = format_rfc3339(meta.generated_at);
  // Task state is not kept historically: open, blocked, overdue and the task
  // lists are the state at generation of the tasks created before the window's end.
  report["state_as_of"] = report["generated_at"];
  report["state_as_of_local"] = format_local(meta.generated_at, meta.time_zone);
  report["previous"] = window_json(meta.previous.at(0), meta.time_zone);
  json model = {{"report", report},
                {"tasks", guarded([&] { return task_section(meta, gathered); })},
                {"workflows", guarded([&] { return workflow_section(gathered); })}};
  model["report"]["complete"] = model_complete(model);
  return model;
}

bool model_complete(const nlohmann::json& model) {
  return model["tasks"].value("available", false) && model["workflows"].value("available", false);
}

}  // namespace reporting
