// The deployment's cluster topology on one machine (issue: deployment tests):
// the three role configs as deployed, a real Redis, nginx as Services/ingress.
#include "topology.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <ctime>
#include <iostream>
#include <map>
#include <set>
#include <sstream>
#include <thread>

#include "cluster_names.hpp"
#include "crypto.hpp"
#include "load_generator.hpp"

namespace agent_host::test {
namespace {

// Before any test starts a thread: as root, this process and everything it
// starts get the cluster's names (cluster_names.hpp).
class ClusterNetwork : public ::testing::Environment {
 public:
  void SetUp() override {
    std::string why;
    if (!enter_cluster_network(why)) std::cout << "cluster DNS names: " << why << "\n";
  }
};
::testing::Environment* const kClusterNetwork =
    ::testing::AddGlobalTestEnvironment(new ClusterNetwork);

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

// Runs of a workflow, newest first (one page is enough for this story).
std::vector<nlohmann::json> runs_of(const Topology& topology, const std::string& workflow) {
  const Reply reply = topology.call("GET", "/workflow/runs?limit=100&workflow=" + workflow);
  if (reply.status != 200) throw std::runtime_error("runs of " + workflow + ": " + reply.body);
  return reply.json()["items"].get<std::vector<nlohmann::json>>();
}

// The run of `workflow` whose status is final, with its detail; null while none.
nlohmann::json finished_run(const Topology& topology, const std::string& workflow) {
  for (const auto& run : runs_of(topology, workflow)) {
    const Reply detail = topology.call("GET", "/workflow/runs/" + run.value("id", ""));
    if (detail.status != 200) continue;
    const auto body = detail.json();
    const std::string status = body.value("status", "");
    if (status == "succeeded" || status == "failed" || status == "timed_out") return body;
  }
  return nullptr;
}

nlohmann::json wait_for_run(const Topology& topology, const std::string& workflow) {
  nlohmann::json run;
  eventually([&] { return !(run = finished_run(topology, workflow)).is_null(); },
             milliseconds(30000));
  return run;
}

// Tasks whose title contains `text` (no spaces: it goes into the query as is).
std::vector<nlohmann::json> tasks_titled(const Topology& topology, const std::string& text) {
  const Reply reply = topology.call("GET", "/task/tasks?limit=200&q=" + text);
  if (reply.status != 200) throw std::runtime_error("task list: " + reply.body);
  return reply.json()["items"].get<std::vector<nlohmann::json>>();
}

std::string create_task(const Topology& topology, const std::string& title,
                        const std::string& priority) {
  const Reply created = topology.call(
      "POST", "/task/tasks", nlohmann::json{{"title", title}, {"priority", priority}}.dump());
  if (created.status != 201) throw std::runtime_error("create " + title + ": " + created.body);
  return created.json()["id"];
}

Reply move_task(const Topology& topology, const std::string& id, const std::string& to) {
  return topology.call("POST", "/task/tasks/" + id + "/transitions",
                       nlohmann::json{{"to", to}}.dump());
}

// A signed webhook (docs/agents/workflow.md). The host asks every plugin
// route for an API key, hooks included (no route can opt out yet), so the
// sender sends one beside the signature.
Reply signed_webhook(const Topology& topology, const std::string& hook, const std::string& body,
                     bool signed_body = true) {
  const std::string timestamp = std::to_string(std::time(nullptr));
  const std::string signature =
      workflow::crypto::hmac_sha256_hex(topology.webhook_secret(), timestamp + "." + body);
  std::vector<std::pair<std::string, std::string>> headers = {
      {"x-timestamp", timestamp},
      {"authorization", "Bearer " + topology.api_key()},
      {"content-type", "application/json"}};
  if (signed_body) headers.emplace_back("x-signature", "sha256=" + signature);
  return try_http("POST", topology.proxy().base_url() + "/workflow/hooks/" + hook, body, headers);
}

nlohmann::json report_model(const Topology& topology, const std::string& period) {
  const std::time_t ahead = std::time(nullptr) + (period == "weekly" ? 7 : 1) * 86400;
  const Reply report = topology.call(
      "POST", "/reporting/reports",
      nlohmann::json{{"period", period}, {"at", rfc3339(ahead)}, {"summary", true}}.dump(),
      milliseconds(60000));
  if (report.status != 201) throw std::runtime_error(period + " report: " + report.body);
  const Reply document =
      topology.call("GET", report.json()["location"].get<std::string>() + "?format=json");
  if (document.status != 200) throw std::runtime_error(period + " report: " + document.body);
  auto model = document.json();
  model["meta"] = report.json();
  return model;
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
  // The shipped review workflow answers the done task with a follow-up task.
  ASSERT_EQ(wait_for_run(topology, "review-finished-work").value("status", ""), "succeeded")
      << topology.diagnostics();

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
  EXPECT_EQ(tasks.value("created", -1), 2) << tasks.dump();  // and its review task
  EXPECT_EQ(tasks.value("completed", -1), 1) << tasks.dump();
  const auto& runs = model["workflows"];
  EXPECT_TRUE(runs.value("available", false)) << runs.dump();
  EXPECT_GE(runs.value("runs_total", -1), 1) << runs.dump();
  bool succeeded_counted = false;
  for (const auto& entry : runs["by_status"])
    if (entry.value("status", "") == "succeeded") succeeded_counted = entry.value("count", 0) >= 1;
  EXPECT_TRUE(succeeded_counted) << runs.dump();
}

// (host, path prefix) of every request the proxy received for a cluster
// Service name: the calls between roles.
std::set<std::pair<std::string, std::string>> service_calls(const Topology& topology) {
  std::set<std::pair<std::string, std::string>> calls;
  std::istringstream log(topology.proxy().access_log());
  std::string status, method, host, uri, rest;
  while (log >> status >> method >> host >> uri && std::getline(log, rest)) {
    const std::string suffix = ".svc.cluster.local";
    if (host.size() <= suffix.size() ||
        host.compare(host.size() - suffix.size(), suffix.size(), suffix))
      continue;
    calls.emplace(host, uri.substr(0, uri.find('/', 1)));
  }
  return calls;
}

// The governance's story on the configs as rendered into the ConfigMaps and
// the shipped workflow templates: nothing is uploaded by the test.
void run_the_seeds_story(Topology& topology) {
  topology.llm().set_response_text("The vendor has not sent the keys; ask procurement.");

  // A task moved to done: the bundled review workflow opens a follow-up task
  // in the Task Manager (workflow -> peers.task-manager).
  const std::string finished = create_task(topology, "Shipping-label-redesign", "medium");
  ASSERT_EQ(move_task(topology, finished, "done").status, 200);
  const auto review = wait_for_run(topology, "review-finished-work");
  ASSERT_EQ(review.value("status", ""), "succeeded") << review.dump() << topology.diagnostics();
  EXPECT_EQ(tasks_titled(topology, "Review%20Shipping-label-redesign").size(), 1u);

  // A blocked high-priority task: the escalation's LLM step answers through
  // the Ollama stand-in at the llm-config URL, and its answer becomes the
  // description of an urgent follow-up.
  const std::string stuck = create_task(topology, "Server-room-keys", "high");
  ASSERT_EQ(move_task(topology, stuck, "blocked").status, 200);
  const auto escalation = wait_for_run(topology, "escalate-blocked-task");
  ASSERT_EQ(escalation.value("status", ""), "succeeded")
      << escalation.dump() << topology.diagnostics();
  ASSERT_GE(topology.llm().generate_requests().size(), 1u);
  EXPECT_NE(topology.llm().generate_requests()[0].value("prompt", "").find("Server-room-keys"),
            std::string::npos);
  const auto unblock = tasks_titled(topology, "Unblock:%20Server-room-keys");
  ASSERT_EQ(unblock.size(), 1u);
  EXPECT_EQ(unblock[0].value("priority", ""), "urgent");
  EXPECT_EQ(unblock[0].value("description", ""),
            "The vendor has not sent the keys; ask procurement.");

  // A signed webhook from outside: the intake workflow creates a task.
  const Reply hook = signed_webhook(topology, "webhook-intake",
                                    R"({"title":"Printer-on-fire","priority":"urgent"})");
  ASSERT_EQ(hook.status, 202) << hook.body << topology.diagnostics();
  const auto intake = wait_for_run(topology, "webhook-intake");
  ASSERT_EQ(intake.value("status", ""), "succeeded") << intake.dump();
  const auto reported = tasks_titled(topology, "Printer-on-fire");
  ASSERT_EQ(reported.size(), 1u);
  EXPECT_EQ(reported[0].value("priority", ""), "urgent");
  const Reply unsigned_hook =
      signed_webhook(topology, "webhook-intake", R"({"title":"Unsigned"})", false);
  EXPECT_EQ(unsigned_hook.status, 401) << unsigned_hook.body;
  EXPECT_NE(unsigned_hook.body.find("missing_signature"), std::string::npos) << unsigned_hook.body;

  // Daily and weekly reports cover all of it, with an LLM summary.
  for (const char* period : {"daily", "weekly"}) {
    const auto model = report_model(topology, period);
    EXPECT_EQ(model["meta"].value("summary_status", ""), "generated") << model["meta"].dump();
    const auto& tasks = model["tasks"];
    // Two by hand, review, escalation and intake follow-ups.
    EXPECT_EQ(tasks.value("created", -1), 5) << period << ": " << tasks.dump();
    EXPECT_EQ(tasks.value("completed", -1), 1) << period << ": " << tasks.dump();
    EXPECT_GE(model["workflows"].value("runs_total", -1), 3) << model["workflows"].dump();
  }

  // The CronJobs' way in (run-job posts here) works for every reporting job.
  for (const char* job : {"daily-report", "weekly-report", "retention"}) {
    const Reply ran = topology.run_job("reporting", std::string("reporting/") + job);
    EXPECT_EQ(ran.status, 200) << job << ": " << ran.body;
  }

  // Every call between roles used a Service name of the rendered configs and
  // reached the role behind it: workflow and reporting -> Task Manager, Task
  // Manager and reporting -> workflow.
  std::map<std::string, std::string> prefix_of_service;
  for (const char* name : {"task-manager", "workflow", "reporting"})
    prefix_of_service[rendered_role_config(name).value("service", "")] = topology.role(name).prefix;
  const auto calls = service_calls(topology);
  for (const auto& [host, prefix] : calls)
    EXPECT_EQ(prefix_of_service[host.substr(0, host.find('.'))], prefix) << host << prefix;
  EXPECT_TRUE(calls.count({"task-manager.task-manager.svc.cluster.local", "/task"}))
      << topology.proxy().access_log();
  EXPECT_TRUE(calls.count({"workflow-automation.workflow.svc.cluster.local", "/workflow"}))
      << topology.proxy().access_log();

  // As root the Service names resolve (cluster_names.hpp): the processes ran
  // with the rendered Redis URL and no HTTP proxy, so the calls above went to
  // the Services by their DNS names.
  if (in_cluster_network()) {
    const auto rendered = rendered_role_config("workflow");
    const auto& running = topology.role("workflow").pod->config();
    const auto url = "/plugins/workflow/config/redis/url"_json_pointer;
    EXPECT_EQ(running.at(url), rendered.at(url));
    EXPECT_EQ(running.value("peers", nlohmann::json()), rendered.value("peers", nlohmann::json()));
  }

  // Redis requires a password here, as deployed: the runs live in it, so the
  // workflow hosts logged in with the Secret their rendered config names
  // (redis.password_secret).
  EXPECT_EQ(rendered_role_config("workflow")["plugins"]["workflow"]["config"]["redis"].value(
                "password_secret", ""),
            "redis-secret/password");
  EXPECT_GT(std::stoi(topology.redis().cli({"DBSIZE"})), 0);

  // Retention removes a report older than retention_days and keeps the rest.
  const auto expired = report_model(topology, "daily")["meta"];
  const auto kept = report_model(topology, "daily")["meta"];
  topology.age_report(expired.value("id", ""), std::chrono::hours(24 * 100));
  const Reply retention = topology.run_job("reporting", "reporting/retention");
  ASSERT_EQ(retention.status, 200) << retention.body;
  EXPECT_EQ(topology.call("GET", expired["location"].get<std::string>()).status, 404);
  EXPECT_EQ(topology.call("GET", kept["location"].get<std::string>()).status, 200);
}

TEST(Topology, TheSeedsStoryRunsOnTheShippedConfigsAndTemplates) {
  Topology topology;
  run_the_seeds_story(topology);
}

// The PostgreSQL overlays, Task Manager and Reporting at two pods each behind
// their Service: the proxy alternates, so every step reads what the other
// replica wrote (a report made by one is served by the other).
TEST(Topology, TheSeedsStoryRunsOnPostgresWithTwoReplicasPerRole) {
  Topology topology(TopologyOptions{true, 2});
  run_the_seeds_story(topology);
  for (int i = 0; i < 4; ++i) {
    const auto meta = report_model(topology, "daily")["meta"];
    for (int j = 0; j < 2; ++j)
      EXPECT_EQ(topology.call("GET", meta["location"].get<std::string>()).status, 200);
  }
}

void roll_each_role_under_load(Topology& topology) {
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

  ::testing::Test::RecordProperty("requests", requests);
  ::testing::Test::RecordProperty("tasks_created", static_cast<int>(created.size()));
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

TEST(Topology, RollingRestartOfEachRoleUnderLoadFailsNoRequest) {
  Topology topology;
  roll_each_role_under_load(topology);
}

// The same on the PostgreSQL overlays, Task Manager and Reporting at two
// replicas: one pod of each is replaced while the other keeps serving.
TEST(Topology, RollingRestartOnPostgresWithTwoReplicasFailsNoRequest) {
  Topology topology(TopologyOptions{true, 2});
  roll_each_role_under_load(topology);
}

}  // namespace
}  // namespace agent_host::test
