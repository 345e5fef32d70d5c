// Answers shaped exactly like the Task Manager's and Workflow agent's
// contracts (GET /task/stats, GET /task/tasks, GET /workflow/stats), for stubs.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace reporting::test {

using nlohmann::json;

inline json task_stats(const std::string& from, const std::string& to, int created, int completed,
                       json completion_rate) {
  return {{"from", from},
          {"to", to},
          {"created", created},
          {"completed", completed},
          {"cancelled", 1},
          {"overdue", 3},
          {"open", 7},
          {"blocked", 2},
          {"by_status",
           {{"todo", 4}, {"in_progress", 1}, {"blocked", 2}, {"done", 9}, {"cancelled", 1}}},
          {"by_priority", {{"low", 2}, {"medium", 10}, {"high", 4}, {"urgent", 1}}},
          {"by_assignee",
           json::array({{{"assignee", "ada"}, {"open", 4}, {"completed", 6}, {"overdue", 2}},
                        {{"assignee", "linus"}, {"open", 3}, {"completed", 3}, {"overdue", 1}}})},
          {"completion_rate", completion_rate},
          {"median_time_to_complete_seconds", 5400}};
}

inline json task_list(const std::string& status) {
  return {{"items", json::array({{{"id", "t-1"},
                                  {"title", "Fix the | pipe <script>alert(1)</script>"},
                                  {"status", status},
                                  {"priority", "high"},
                                  {"assignee", "ada"},
                                  {"due_at", "2024-05-01T12:00:00Z"}},
                                 {{"id", "t-2"},
                                  {"title", "Write, \"quoted\" docs"},
                                  {"status", status},
                                  {"priority", "low"},
                                  {"assignee", nullptr},
                                  {"due_at", nullptr}}})},
          {"next_cursor", nullptr}};
}

inline json workflow_stats(const std::string& from, const std::string& to, json success_rate) {
  return {{"from", from},
          {"to", to},
          {"runs_total", 40},
          {"by_status",
           {{"queued", 1},
            {"running", 2},
            {"waiting", 0},
            {"succeeded", 30},
            {"failed", 5},
            {"cancelled", 1},
            {"timed_out", 1}}},
          {"success_rate", success_rate},
          {"duration_seconds", {{"p50", 1.5}, {"p95", 42.25}}},
          {"top_failing_workflows",
           json::array({{{"workflow", "deploy"}, {"failed", 4}, {"total", 10}},
                        {{"workflow", "notify"}, {"failed", 2}, {"total", 20}}})},
          {"top_failing_steps",
           json::array({{{"workflow", "deploy"}, {"step", "push"}, {"failed", 3}}})}};
}

// The value of a query parameter in "path?a=1&b=2" (no decoding needed for
// the values tests look at).
inline std::string query_value(const std::string& path, const std::string& name) {
  const auto q = path.find('?');
  if (q == std::string::npos) return {};
  size_t at = q + 1;
  while (at < path.size()) {
    size_t end = path.find('&', at);
    if (end == std::string::npos) end = path.size();
    const std::string pair = path.substr(at, end - at);
    const auto eq = pair.find('=');
    if (pair.substr(0, eq) == name) return eq == std::string::npos ? "" : pair.substr(eq + 1);
    at = end + 1;
  }
  return {};
}

inline std::string url_decode(const std::string& text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size()) {
      out += static_cast<char>(std::stoi(text.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

}  // namespace reporting::test
