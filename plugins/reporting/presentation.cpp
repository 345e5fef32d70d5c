#include "presentation.hpp"

#include <cmath>
#include <cstdio>

#include "svg_charts.hpp"
#include "time_window.hpp"

namespace reporting {
namespace {

using nlohmann::json;

// One decimal, e.g. "62.5".
std::string one_decimal(double value) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.1f", value);
  return buffer;
}

std::string capitalized(std::string text) {
  if (!text.empty() && text[0] >= 'a' && text[0] <= 'z') text[0] = static_cast<char>(text[0] - 32);
  return text;
}

std::vector<Bar> bars_of(const json& rows, const char* label_key, const char* value_key) {
  std::vector<Bar> bars;
  for (const json& row : rows)
    bars.push_back(Bar{row.value(label_key, std::string()), row.value(value_key, 0.0), {}});
  return bars;
}

const char* run_color(const std::string& status) {
  if (status == "succeeded") return "#4c9a5f";
  if (status == "failed" || status == "timed_out") return "#c0392b";
  if (status == "cancelled") return "#999999";
  return "#3b6ea5";
}

// Templates cannot test a list for emptiness before opening a table, so each
// list gets a has_<name> flag.
void flag_nonempty(json& object, const char* list) {
  object[std::string("has_") + list] = object.value(list, json::array()).size() > 0;
}

// Each listed task's due time as the report's zone shows it ("2024-05-06 09:00").
void add_due_texts(json& list, const std::string& zone) {
  if (!list.contains("items")) return;
  for (json& item : list["items"]) {
    const std::string due = item.value("due", std::string());
    try {
      item["due_text"] = due.empty() ? std::string() : format_local(parse_rfc3339(due), zone);
    } catch (const std::invalid_argument&) {
      item["due_text"] = due;  // not a time this agent can read: shown as it came
    }
  }
}

void present_tasks(json& tasks, json& charts, const std::string& zone) {
  if (!tasks.value("available", false)) return;
  add_due_texts(tasks["blocked_tasks"], zone);
  add_due_texts(tasks["overdue_tasks"], zone);
  flag_nonempty(tasks, "by_assignee");
  flag_nonempty(tasks["blocked_tasks"], "items");
  flag_nonempty(tasks["overdue_tasks"], "items");
  tasks["completion_rate_text"] = percent_text(tasks["completion_rate"]);
  tasks["median_time_to_complete_text"] = duration_text(tasks["median_time_to_complete_seconds"]);
  tasks["completion_trend"]["text"] = trend_text(tasks["completion_trend"]);
  std::vector<TrendPoint> points;
  for (json& point : tasks["history"]) {
    point["completion_rate_text"] = percent_text(point["completion_rate"]);
    TrendPoint p;
    p.label = point.value("from_local", std::string()).substr(0, 10);
    p.available = point.value("available", false);
    p.created = point["created"].is_number() ? point["created"].get<double>() : 0;
    p.completed = point["completed"].is_number() ? point["completed"].get<double>() : 0;
    p.has_rate = point["completion_rate"].is_number();
    p.completion_rate = p.has_rate ? point["completion_rate"].get<double>() : 0;
    points.push_back(p);
  }
  charts["trend"] = trend_chart_svg("Tasks created and completed per period", points);
  charts["task_status"] =
      bar_chart_svg("Tasks by status", bars_of(tasks["by_status"], "status", "count"));
  std::vector<Bar> workload;
  for (const json& row : tasks["by_assignee"])
    workload.push_back(Bar{row.value("assignee", std::string()), row.value("open", 0.0), {}});
  charts["workload"] = bar_chart_svg("Open tasks by assignee", workload);
}

void present_workflows(json& workflows, json& charts) {
  if (!workflows.value("available", false)) return;
  flag_nonempty(workflows, "top_failing_workflows");
  flag_nonempty(workflows, "top_failing_steps");
  workflows["success_rate_text"] = percent_text(workflows["success_rate"]);
  workflows["success_trend"]["text"] = trend_text(workflows["success_trend"]);
  workflows["duration_seconds"]["p50_text"] = duration_text(workflows["duration_seconds"]["p50"]);
  workflows["duration_seconds"]["p95_text"] = duration_text(workflows["duration_seconds"]["p95"]);
  for (json& row : workflows["top_failing_workflows"]) {
    const double total = row.value("total", 0.0);
    row["failure_rate_text"] =
        percent_text(total > 0 ? json(row.value("failed", 0.0) / total) : json(nullptr));
  }
  std::vector<Bar> bars;
  for (const json& row : workflows["by_status"]) {
    const std::string status = row.value("status", std::string());
    bars.push_back(Bar{status, row.value("count", 0.0), run_color(status)});
  }
  charts["runs"] = bar_chart_svg("Workflow runs by status", bars);
}

}  // namespace

std::string percent_text(const json& ratio) {
  if (!ratio.is_number()) return "n/a";
  return one_decimal(ratio.get<double>() * 100) + "%";
}

std::string duration_text(const json& seconds) {
  if (!seconds.is_number()) return "n/a";
  const double s = seconds.get<double>();
  if (s < 1) return std::to_string(std::lround(s * 1000)) + " ms";  // "0.0s" says nothing
  if (s < 60) return one_decimal(s) + "s";
  const long total = std::lround(s);
  char buffer[64];
  if (total < 3600)
    std::snprintf(buffer, sizeof buffer, "%ldm %02lds", total / 60, total % 60);
  else if (total < 86400)
    std::snprintf(buffer, sizeof buffer, "%ldh %02ldm", total / 3600, (total % 3600) / 60);
  else
    std::snprintf(buffer, sizeof buffer, "%ldd %02ldh", total / 86400, (total % 86400) / 3600);
  return buffer;
}

std::string trend_text(const json& trend) {
  const std::string direction = trend.value("direction", "unknown");
  const std::string before = percent_text(trend.value("previous", json()));
  if (direction == "unknown")
    return "no comparison (the previous period has no rate" +
           std::string(trend.contains("error") ? ": it could not be gathered)" : ")");
  if (direction == "flat") return "flat (" + before + " in the previous period)";
  const double change = std::fabs(trend.value("change", 0.0)) * 100;
  return direction + " " + one_decimal(change) + " points (from " + before + ")";
}

json presentation_of(const json& model) {
  json view = model;
  json charts = json::object();
  const json& report = model["report"];
  view["report"]["period_title"] = capitalized(report.value("period", std::string()));
  view["report"]["title"] = capitalized(report.value("period", std::string())) + " report, " +
                            report.value("from_local", std::string()) + " to " +
                            report.value("to_local", std::string()) + " (" +
                            report.value("time_zone", std::string()) + ")";
  present_tasks(view["tasks"], charts, report.value("time_zone", std::string("UTC")));
  present_workflows(view["workflows"], charts);
  view["charts"] = charts;
  return view;
}

}  // namespace reporting
