// Creates known tasks and workflow runs through the Task Manager's and the
// Workflow agent's own APIs, and says what a report over them must show.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace reporting::test {

struct Expected {
  int created = 10, completed = 3, cancelled = 1, blocked = 1, overdue = 2, open = 6;
  double completion_rate = 0.3;
  int runs_total = 5, runs_succeeded = 3, runs_failed = 2;
  double success_rate = 0.6;
  std::string blocked_title = "Blocked on <vendor> | waiting";
  std::string failing_workflow = "deploy-broken";
  std::string failing_step = "explode";
};

// Seeds tasks through `task_url` (the /task prefix URL, e.g. http://127.0.0.1:8080/task).
void seed_tasks(const std::string& task_url);
// Uploads two workflows and runs them through `workflow_url` (.../workflow),
// waiting until every run has finished.
void seed_runs(const std::string& workflow_url);

}  // namespace reporting::test
