// The deployment's cluster topology on one machine (issue: deployment tests):
// the three role configs as deployed, a real Redis, nginx as Services/ingress.
#include "topology.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <ctime>
#include <iostream>
#include <set>
#include <thread>

#include "load_generator.hpp"

namespace agent_host::test {
namespace {

using std::chrono::milliseconds;
using std::chrono::steady_clock;

const char* const kWorkflow = "topology-on-task-created";

std::string rfc3339(std::time_t when) {
  char text[32];
  std::tm parts{};
  gmtime_r(&when, &parts);
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &parts);
  return text;
}

// A workflow started by every task.created event; it only reshapes its input,
// so its runs succeed without any outside service.
void upload_workflow(const Topology& topology) {
  const nlohmann::json definition = {
      {"name", kWorkflow},
      {"version", 1},
      {"description", "Records every new task (topology test)"},
      {"triggers", {{{"event", "task.created"}}}},
      {"steps",
       {{{"id", "note"},
         {"type", "transform"},
         {"with", {{"value", {{"task_id", "{{ input.task.id }}"}}}}}}}}};
  const Reply reply = topology.call("POST", "/workflow/workflows", definition.dump());
  ASSERT_EQ(reply.status, 201) << reply.body;
}

// Runs of the test workflow, every page.
std::vector<nlohmann::json> workflow_runs(const Topology& topology) {
  std::vector<nlohmann::json> runs;
  std::string cursor;
  while (true) {
    std::string path = std::string("/workflow/runs?limit=500&workflow=") + kWorkflow;
    if (!cursor.empty()) path += "&cursor=" + cursor;
    const Reply reply = topology.call("GET", path);
    if (reply.status != 200) throw std::runtime_error("GET " + path + ": " + reply.body);
    const auto page = reply.json();
    for (const auto& run : page["items"]) runs.push_back(run);
    if (!page["next_cursor"].is_string()) return runs;
    cursor = page["next_cursor"].get<std::string>();
  }
}

// Polls until `done` holds or `timeout` passes; returns the last verdict.
template <typename Check>
bool eventually(Check done, milliseconds timeout) {
  const auto deadline = steady_clock::now() + timeout;
  while (!done()) {
    if (steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(milliseconds(100));
  }
  return true;
}

TEST(Topology, TaskEventTriggersWorkflowAndWeeklyReportShowsBoth) {
  Topology topology;
  upload_workflow(topology);

  // Task Manager → (outbox, HTTP through the Service) → Workflow.
  const Reply created = topology.call(
      "POST", "/task/tasks", R"({"title":"Topology check","assignee":"ada","priority":"high"})");
  ASSERT_EQ(created.status, 201) << created.body << topology.diagnostics();
  const std::string task_id = created.json()["id"];

  nlohmann::json run;
  ASSERT_TRUE(eventually(
      [&] {
        for (const auto& candidate : workflow_runs(topology)) {
          const Reply detail =
              topology.call("GET", "/workflow/runs/" + candidate["id"].get<std::string>());
          if (detail.status != 200) continue;
          const auto body = detail.json();
          if (body.value("status", "") == "succeeded" &&
              body["input"]["task"].value("id", "") == task_id) {
            run = body;
            return true;
          }
        }
        return false;
      },
      milliseconds(20000)))
      << "no succeeded run of " << kWorkflow << " for task " << task_id << "\n"
      << topology.diagnostics();
  EXPECT_EQ(run["trigger"].value("type", ""), "task.created") << run.dump();

  const Reply done =
      topology.call("POST", "/task/tasks/" + task_id + "/transitions", R"({"to":"done"})");
  ASSERT_EQ(done.status, 200) << done.body;

  // Reporting → Task Manager and Workflow: the ISO week holding now is the
  // week before a reference time seven days ahead.
  const std::time_t now = std::time(nullptr);
  const Reply report = topology.call(
      "POST", "/reporting/reports",
      nlohmann::json{{"period", "weekly"}, {"at", rfc3339(now + 7 * 86400)}, {"summary", false}}
          .dump(),
      milliseconds(60000));
  ASSERT_EQ(report.status, 201) << report.body << topology.diagnostics();
  const auto meta = report.json();
  EXPECT_EQ(meta.value("outcome", ""), "ok") << meta.dump();
  EXPECT_TRUE(meta.value("tasks_available", false)) << meta.dump();
  EXPECT_TRUE(meta.value("workflows_available", false)) << meta.dump();

  const Reply document = topology.call("GET", meta["location"].get<std::string>() + "?format=json");
  ASSERT_EQ(document.status, 200) << document.body;
  const auto model = document.json();
  EXPECT_EQ(model["report"].value("period", ""), "weekly");
  EXPECT_LE(model["report"].value("from", ""), rfc3339(now));
  EXPECT_GT(model["report"].value("to", ""), rfc3339(now));
  const auto& tasks = model["tasks"];
  EXPECT_TRUE(tasks.value("available", false)) << tasks.dump();
  EXPECT_EQ(tasks.value("created", -1), 1) << tasks.dump();
  EXPECT_EQ(tasks.value("completed", -1), 1) << tasks.dump();
  const auto& runs = model["workflows"];
  EXPECT_TRUE(runs.value("available", false)) << runs.dump();
  EXPECT_GE(runs.value("runs_total", -1), 1) << runs.dump();
  bool succeeded_counted = false;
  for (const auto& entry : runs["by_status"])
    if (entry.value("status", "") == "succeeded") succeeded_counted = entry.value("count", 0) >= 1;
  EXPECT_TRUE(succeeded_counted) << runs.dump();
}

TEST(Topology, RollingRestartOfEachRoleUnderLoadFailsNoRequest) {
  Topology topology;
  upload_workflow(topology);

  std::vector<std::string> created;
  std::vector<FailedRequest> failures;
  int requests = 0;
  Reply slow_report;
  {
    LoadGenerator load(topology, 2);
    std::this_thread::sleep_for(milliseconds(1000));
    // A report whose LLM summary takes 3 s is in flight on the old reporting
    // process when it gets SIGTERM: draining must let it finish.
    topology.llm().set_delay(milliseconds(3000));
    std::thread slow_client;
    for (const char* role : {"workflow", "task-manager", "reporting"}) {
      if (std::string(role) == "reporting") {
        slow_client = std::thread([&] {
          slow_report = topology.call("POST", "/reporting/reports",
                                      R"({"period":"daily","summary":true})", milliseconds(60000));
        });
        std::this_thread::sleep_for(milliseconds(300));  // reaches the old process first
      }
      const RolloutResult rollout = topology.roll(role);
      EXPECT_EQ(rollout.old_exit_code, 0)
          << role << ": the old process did not drain and exit 0 after SIGTERM; its log:\n"
          << rollout.old_logs;
      std::this_thread::sleep_for(milliseconds(1000));
    }
    slow_client.join();
    load.stop();
    created = load.created_task_ids();
    failures = load.failures();
    requests = load.requests();
  }

  RecordProperty("requests", requests);
  RecordProperty("tasks_created", static_cast<int>(created.size()));
  std::cout << "load: " << requests << " requests, " << created.size() << " tasks created, "
            << failures.size() << " failed\n";
  std::string report;
  for (const auto& failure : failures)
    report += failure.request + " -> " + std::to_string(failure.status) + " after " +
              std::to_string(failure.seconds) + " s: " + failure.body + "\n";
  EXPECT_TRUE(failures.empty()) << failures.size() << " of " << requests << " requests failed:\n"
                                << report << topology.diagnostics();
  ASSERT_GT(created.size(), 20u) << "the load made too few tasks to mean anything";

  ASSERT_EQ(slow_report.status, 201) << "the report in flight during SIGTERM: " << slow_report.body;
  EXPECT_EQ(slow_report.json().value("summary_status", ""), "generated") << slow_report.body;
  EXPECT_EQ(topology.llm().generate_requests().size(), 1u);

  // Nothing written during the rollouts was lost.
  for (const auto& id : created) {
    const Reply task = topology.call("GET", "/task/tasks/" + id);
    EXPECT_EQ(task.status, 200) << "task " << id
                                << " created during the load is gone: " << task.body;
  }
  // Every task.created event reached workflow exactly once (duplicates by id
  // are ignored), across the rollouts of both sides.
  size_t runs = 0;
  const bool all_delivered = eventually(
      [&] {
        runs = workflow_runs(topology).size();
        return runs >= created.size();
      },
      milliseconds(30000));
  if (!all_delivered) {
    std::set<std::string> missing(created.begin(), created.end());
    for (const auto& run : workflow_runs(topology)) {
      const Reply detail = topology.call("GET", "/workflow/runs/" + run.value("id", ""));
      if (detail.status == 200) missing.erase(detail.json()["input"]["task"].value("id", ""));
    }
    std::string ids;
    for (const auto& id : missing) ids += " " + id;
    ADD_FAILURE() << runs << " runs for " << created.size() << " tasks; no run for task(s)" << ids
                  << " (set AH_KEEP_TEST_DIRS=1 to keep every process's log)\n"
                  << topology.diagnostics();
  } else {
    EXPECT_EQ(runs, created.size()) << "a task event started more than one run";
  }
}

}  // namespace
}  // namespace agent_host::test
