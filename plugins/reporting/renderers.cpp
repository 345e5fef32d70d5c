#include "renderers.hpp"

#include <kainjow/mustache.hpp>
#include <stdexcept>

#include "presentation.hpp"

namespace reporting {
namespace {

using nlohmann::json;
namespace mustache = kainjow::mustache;

mustache::data to_mustache(const json& value) {
  switch (value.type()) {
    case json::value_t::object: {
      mustache::data object{mustache::data::type::object};
      for (const auto& [key, member] : value.items()) object.set(key, to_mustache(member));
      return object;
    }
    case json::value_t::array: {
      mustache::data list{mustache::data::type::list};
      for (const json& item : value) list.push_back(to_mustache(item));
      return list;
    }
    case json::value_t::string:
      return mustache::data(value.get<std::string>());
    case json::value_t::boolean:
      return mustache::data(value.get<bool>());
    case json::value_t::null:
    case json::value_t::discarded:
      return mustache::data(false);
    default:
      return mustache::data(value.dump());
  }
}

// Keeps a value inside one Markdown table cell and out of HTML/emphasis.
std::string markdown_escape(const std::string& text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '|':
        out += "\\|";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '*':
        out += "\\*";
        break;
      case '`':
        out += "\\`";
        break;
      case '[':
        out += "\\[";
        break;
      case ']':
        out += "\\]";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '\r':
        break;
      case '\n':
        out += ' ';
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string csv_field(const std::string& text) {
  if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
  std::string out = "\"";
  for (char c : text) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

std::string csv_value(const json& value) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_null()) return "";
  return value.dump();
}

class CsvWriter {
 public:
  CsvWriter() { text_ = "section,item,measure,value\r\n"; }
  void row(const std::string& section, const std::string& item, const std::string& measure,
           const json& value) {
    text_ += csv_field(section) + ',' + csv_field(item) + ',' + csv_field(measure) + ',' +
             csv_field(csv_value(value)) + "\r\n";
  }
  std::string take() { return std::move(text_); }

 private:
  std::string text_;
};

void csv_tasks(CsvWriter& csv, const json& tasks) {
  if (!tasks.value("available", false)) {
    csv.row("tasks", "", "unavailable", tasks.value("error", json()));
    return;
  }
  for (const char* m : {"created", "completed", "cancelled", "overdue", "open", "blocked",
                        "completion_rate", "median_time_to_complete_seconds"})
    csv.row("tasks", "", m, tasks[m]);
  csv.row("tasks", "", "completion_trend", tasks["completion_trend"]["direction"]);
  csv.row("tasks", "", "completion_rate_change", tasks["completion_trend"]["change"]);
  for (const json& p : tasks["history"])
    for (const char* m : {"created", "completed", "completion_rate"})
      csv.row("task_history", p.value("from", ""), m, p[m]);
  for (const json& row : tasks["by_status"])
    csv.row("tasks_by_status", row.value("status", ""), "count", row["count"]);
  for (const json& row : tasks["by_priority"])
    csv.row("tasks_by_priority", row.value("priority", ""), "count", row["count"]);
  for (const json& row : tasks["by_assignee"])
    for (const char* m : {"open", "completed", "overdue"})
      csv.row("workload", row.value("assignee", ""), m, row[m]);
  for (const char* list : {"blocked_tasks", "overdue_tasks"}) {
    const json& section = tasks[list];
    if (!section.value("available", false)) {
      csv.row(list, "", "unavailable", section.value("error", json()));
      continue;
    }
    for (const json& task : section["items"])
      for (const char* m : {"title", "status", "priority", "assignee", "due"})
        csv.row(list, task.value("id", ""), m, task[m]);
  }
}

void csv_workflows(CsvWriter& csv, const json& workflows) {
  if (!workflows.value("available", false)) {
    csv.row("workflows", "", "unavailable", workflows.value("error", json()));
    return;
  }
  csv.row("workflows", "", "runs_total", workflows["runs_total"]);
  csv.row("workflows", "", "success_rate", workflows["success_rate"]);
  csv.row("workflows", "", "success_trend", workflows["success_trend"]["direction"]);
  csv.row("workflows", "", "success_rate_change", workflows["success_trend"]["change"]);
  csv.row("workflows", "", "duration_p50_seconds", workflows["duration_seconds"]["p50"]);
  csv.row("workflows", "", "duration_p95_seconds", workflows["duration_seconds"]["p95"]);
  for (const json& row : workflows["by_status"])
    csv.row("runs_by_status", row.value("status", ""), "count", row["count"]);
  for (const json& row : workflows["top_failing_workflows"]) {
    csv.row("failing_workflows", row.value("workflow", ""), "failed", row["failed"]);
    csv.row("failing_workflows", row.value("workflow", ""), "total", row["total"]);
  }
  for (const json& row : workflows["top_failing_steps"])
    csv.row("failing_steps", row.value("workflow", "") + "/" + row.value("step", ""), "failed",
            row["failed"]);
}

}  // namespace

std::string render_template(const std::string& text, const json& view, bool markdown) {
  mustache::mustache compiled(text);
  if (markdown) compiled.set_custom_escape(markdown_escape);
  if (!compiled.is_valid()) throw std::runtime_error("template error: " + compiled.error_message());
  std::string out = compiled.render(to_mustache(view));
  if (!compiled.is_valid()) throw std::runtime_error("template error: " + compiled.error_message());
  return out;
}

std::string render_csv(const json& model) {
  CsvWriter csv;
  const json& report = model["report"];
  for (const char* m : {"id", "period", "from", "to", "time_zone", "generated_at", "state_as_of"})
    csv.row("report", "", m, report[m]);
  csv_tasks(csv, model["tasks"]);
  csv_workflows(csv, model["workflows"]);
  if (model.contains("summary")) {
    csv.row("summary", "", "status", model["summary"]["status"]);
    csv.row("summary", "", "text", model["summary"]["text"]);
    csv.row("summary", "", "note", model["summary"]["note"]);
  }
  return csv.take();
}

std::map<std::string, std::string> render_formats(const TemplateSet& templates, const json& model,
                                                  const std::vector<std::string>& formats) {
  std::map<std::string, std::string> documents;
  json view;  // built on first need: JSON and CSV do not use it
  auto presented = [&]() -> const json& {
    if (view.is_null()) view = presentation_of(model);
    return view;
  };
  for (const std::string& format : formats) {
    try {
      if (format == "json")
        documents[format] = model.dump(2);
      else if (format == "csv")
        documents[format] = render_csv(model);
      else if (format == "markdown")
        documents[format] = render_template(templates.markdown, presented(), true);
      else if (format == "html")
        documents[format] = render_template(templates.html, presented(), false);
      else
        throw std::runtime_error("unknown format");
    } catch (const std::exception& e) {
      throw std::runtime_error("rendering the " + format + " report failed: " + e.what());
    }
  }
  return documents;
}

}  // namespace reporting
