// The workflow plugin on the fake host (real SQLite, real router; outbound
// calls, LLM, secrets and jobs under the test's control).
#include <gtest/gtest.h>

#include <agent_host/testing.hpp>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <thread>

#include "webhook_auth.hpp"

extern "C" const ah_plugin_descriptor* agent_host_plugin_entry(void);

namespace {

using agent_host::testing::FakeHost;
using agent_host::testing::FakeResponse;
using agent_host::testing::OutboundCall;
using agent_host::testing::StubResult;
using nlohmann::json;

class WorkflowPlugin : public ::testing::Test {
 protected:
  void start(json config = json::object()) {
    config["definitions_dir"] = "";
    if (!config.contains("workers")) config["workers"] = 2;
    host_.add_plugin(agent_host_plugin_entry(), config);
    host_.start();
  }

  FakeResponse upload(const std::string& yaml) {
    return host_.request("POST", "/workflow/workflows", yaml,
                         {{"content-type", "application/yaml"}});
  }
  void define(const std::string& yaml) {
    auto response = upload(yaml);
    ASSERT_TRUE(response.status == 201 || response.status == 200) << response.body;
  }
  FakeResponse start_run(const std::string& name, const json& input = json::object(),
                         agent_host::testing::Headers headers = {}) {
    return host_.post("/workflow/workflows/" + name + "/runs", json{{"input", input}}, headers);
  }
  // Waits (bounded) until the run reaches a final state and returns it.
  json finished(const std::string& id) {
    const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(15);
    json run;
    while (std::chrono::steady_clock::now() < give_up) {
      run = host_.get("/workflow/runs/" + id).json();
      const std::string s = run.value("status", "");
      if (s == "succeeded" || s == "failed" || s == "cancelled" || s == "timed_out") return run;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    ADD_FAILURE() << "run " << id << " did not finish: " << run.dump();
    return run;
  }
  json run_to_end(const std::string& name, const json& input = json::object()) {
    auto response = start_run(name, input);
    EXPECT_EQ(response.status, 202) << response.body;
    return finished(response.json().at("id"));
  }
  json wait_status(const std::string& id, const std::string& wanted) {
    const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(15);
    json run;
    while (std::chrono::steady_clock::now() < give_up) {
      run = host_.get("/workflow/runs/" + id).json();
      if (run.value("status", "") == wanted) return run;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    ADD_FAILURE() << "run " << id << " never reached " << wanted << ": " << run.dump();
    return run;
  }

  FakeHost host_;
};

// In-process mode on PostgreSQL works for one process, and the log says what
// two would do and which key changes it; on SQLite (one process by nature) it
// says nothing.
TEST_F(WorkflowPlugin, InProcessModeOnPostgresWarnsThatItServesOneProcess) {
  start();
  const char* postgres = std::getenv("AH_TEST_POSTGRES_URL");
  const bool on_postgres = postgres != nullptr && postgres[0] != '\0';
  int warnings = 0;
  for (const auto& line : host_.logs()) {
    if (line.level != agent_host::LogLevel::warn ||
        line.message.find("runs are queued in this process") == std::string::npos)
      continue;
    ++warnings;
    EXPECT_EQ(line.fields.value("key", ""), "plugins.workflow.config.redis.url");
  }
  EXPECT_EQ(warnings, on_postgres ? 1 : 0);
}

TEST_F(WorkflowPlugin, UploadListReadVersionAndDelete) {
  start();
  auto first = upload("name: demo\nsteps: [{id: a, type: transform, with: {value: 1}}]\n");
  ASSERT_EQ(first.status, 201) << first.body;
  EXPECT_EQ(first.json()["version"], 1);
  EXPECT_EQ(upload("name: demo\nsteps: [{id: a, type: transform, with: {value: 1}}]\n").status,
            200);
  auto second = upload("name: demo\nsteps: [{id: a, type: transform, with: {value: 2}}]\n");
  EXPECT_EQ(second.json()["version"], 2);
  auto clash =
      upload("name: demo\nversion: 2\nsteps: [{id: a, type: transform, with: {value: 3}}]\n");
  EXPECT_EQ(clash.status, 409);
  EXPECT_EQ(clash.json()["error"]["field"], "version");
  EXPECT_EQ(host_.get("/workflow/workflows").json()["items"].size(), 1u);
  EXPECT_EQ(host_.get("/workflow/workflows/demo").json()["version"], 2);
  EXPECT_EQ(host_.get("/workflow/workflows/demo?version=1")
                .json()["definition"]["steps"][0]["with"]["value"],
            1);
  EXPECT_EQ(host_.del("/workflow/workflows/demo").status, 204);
  EXPECT_EQ(host_.get("/workflow/workflows/demo").status, 404);
  EXPECT_EQ(start_run("demo").status, 404);
}

TEST_F(WorkflowPlugin, InvalidDefinitionAnswersEveryProblemWithPaths) {
  start();
  auto response =
      upload("name: x\nsteps:\n  - {id: a, type: nope}\n  - {id: a, type: delay, with: {}}\n");
  ASSERT_EQ(response.status, 400);
  const json error = response.json()["error"];
  EXPECT_EQ(error["code"], "invalid_definition");
  EXPECT_EQ(error["field"], "steps[1].id");  // the first problem found
  EXPECT_EQ(error["problems"].size(), 3u) << error.dump();
  auto broken = host_.request("POST", "/workflow/workflows", "name: [", {});
  EXPECT_EQ(broken.status, 400);
  EXPECT_EQ(broken.json()["error"]["code"], "invalid_document");
}

TEST_F(WorkflowPlugin, TransformConditionAndOutputTemplates) {
  start();
  define(R"(
name: route
input_schema: {type: object, required: [kind], properties: {kind: {type: string}}}
steps:
  - {id: check, type: condition, with: {if: {"==": [{"var": "input.kind"}, "bug"]}, then: bug, else: other}}
  - {id: bug, type: transform, with: {value: {label: "bug-{{ input.kind }}"}}, next: end}
  - {id: other, type: transform, with: {value: {label: other}}}
output: {result: "{{ steps.check.output.result }}"}
)");
  json bug = run_to_end("route", {{"kind", "bug"}});
  EXPECT_EQ(bug["status"], "succeeded") << bug.dump();
  EXPECT_EQ(bug["output"], (json{{"result", true}}));
  ASSERT_EQ(bug["steps"].size(), 2u);
  EXPECT_EQ(bug["steps"][1]["output"]["label"], "bug-bug");
  json other = run_to_end("route", {{"kind", "idea"}});
  EXPECT_EQ(other["steps"].size(), 2u);
  EXPECT_EQ(other["steps"][1]["id"], "other");
  auto invalid = start_run("route", {{"kind", 5}});
  EXPECT_EQ(invalid.status, 400);
  EXPECT_EQ(invalid.json()["error"]["code"], "invalid_input");
  EXPECT_EQ(invalid.json()["error"]["field"], "input.kind");
  // The body itself, against the schema /openapi.json publishes for it.
  auto unknown = host_.post("/workflow/workflows/route/runs", json{{"inputs", json::object()}});
  EXPECT_EQ(unknown.status, 400);
  EXPECT_EQ(unknown.json()["error"]["field"], "inputs") << unknown.body;
  auto not_object = host_.post("/workflow/workflows/route/runs", json{{"input", 7}});
  EXPECT_EQ(not_object.status, 400);
  EXPECT_EQ(not_object.json()["error"]["field"], "input") << not_object.body;
}

TEST_F(WorkflowPlugin, FailStepFailsTheRunNamingTheStep) {
  start();
  define(
      "name: f\nsteps: [{id: stop, type: fail, with: {message: 'no {{ input.why }}', code: "
      "failed}}]\n");
  json run = run_to_end("f", {{"why", "luck"}});
  EXPECT_EQ(run["status"], "failed");
  EXPECT_EQ(run["error"]["step"], "stop");
  EXPECT_EQ(run["error"]["message"], "no luck");
}

TEST_F(WorkflowPlugin, HttpStepRetriesRetryableErrorsWithBackoff) {
  std::atomic<int> calls{0};
  host_.stub_http("http://flaky.test", [&](const OutboundCall& call) {
    EXPECT_EQ(call.method, "POST");
    EXPECT_EQ(json::parse(call.body)["id"], 42);
    return ++calls < 3 ? StubResult::ok(503, {{"error", "busy"}})
                       : StubResult::ok(200, {{"id", 7}});
  });
  start();
  define(R"(
name: flaky
steps:
  - id: send
    type: http
    with: {method: POST, url: "http://flaky.test/x", body: {id: "{{ input.id }}"}}
    retry: {max_attempts: 3, initial: 10ms, max: 50ms}
  - {id: use, type: transform, with: {value: "{{ steps.send.output.body.id }}"}}
)");
  json run = run_to_end("flaky", {{"id", 42}});
  EXPECT_EQ(run["status"], "succeeded") << run.dump();
  EXPECT_EQ(run["output"], 7);
  EXPECT_EQ(run["steps"][0]["attempts"].size(), 3u);
  EXPECT_EQ(run["steps"][0]["attempts"][0]["error"]["code"], "http_5xx");
  EXPECT_EQ(host_.metric("agent_workflow_step_retries_total", {{"workflow", "flaky"}}), 2.0);
}

TEST_F(WorkflowPlugin, NonRetryableErrorsAndExhaustedAttemptsFail) {
  std::atomic<int> calls{0};
  host_.stub_http("http://down.test", [&](const OutboundCall&) {
    ++calls;
    return StubResult::ok(404, {{"error", "no"}});
  });
  host_.stub_http("http://gone.test", [&](const OutboundCall&) {
    return StubResult::fail(agent_host::Status::unavailable);
  });
  start();
  define(
      "name: nf\nsteps: [{id: get, type: http, with: {url: 'http://down.test/'}, retry: "
      "{max_attempts: 5, initial: 1ms}}]\n");
  json run = run_to_end("nf");
  EXPECT_EQ(run["status"], "failed");
  EXPECT_EQ(run["error"]["code"], "http_4xx");
  EXPECT_EQ(calls.load(), 1);
  define(
      "name: gone\nsteps: [{id: get, type: http, with: {url: 'http://gone.test/'}, retry: "
      "{max_attempts: 2, initial: 1ms}}]\n");
  json gone = run_to_end("gone");
  EXPECT_EQ(gone["status"], "failed");
  EXPECT_EQ(gone["error"]["code"], "unavailable");
  EXPECT_EQ(gone["steps"][0]["attempts"].size(), 2u);
}

TEST_F(WorkflowPlugin, AgentStepCallsAnotherAgentThroughTheSdk) {
  host_.stub_agent("task-manager", [](const OutboundCall& call) {
    EXPECT_EQ(call.path, "/tasks");
    return StubResult::ok(201, {{"id", "t1"}, {"title", json::parse(call.body)["title"]}});
  });
  start();
  define(R"(
name: review
steps:
  - {id: follow_up, type: agent, with: {agent: task-manager, method: POST, path: /tasks, body: {title: "Review {{ input.task.title }}"}}}
)");
  json run = run_to_end("review", {{"task", {{"title", "login bug"}}}});
  EXPECT_EQ(run["status"], "succeeded") << run.dump();
  EXPECT_EQ(run["output"]["body"]["title"], "Review login bug");
  EXPECT_EQ(run["output"]["status"], 201);
}

TEST_F(WorkflowPlugin, LlmStepSendsThePromptAndKeepsTheAnswer) {
  host_.stub_llm([](const json& request) {
    EXPECT_EQ(request["prompt"], "Summarise: hello");
    return json{{"response", "hi"}, {"model", "m"}, {"eval_count", 3}};
  });
  start();
  define(
      "name: ask\nsteps: [{id: llm, type: llm, with: {prompt: 'Summarise: {{ input.text }}'}}]\n");
  json run = run_to_end("ask", {{"text", "hello"}});
  EXPECT_EQ(run["status"], "succeeded") << run.dump();
  EXPECT_EQ(run["output"]["response"], "hi");
  EXPECT_EQ(host_.metric("agent_workflow_llm_inference_seconds"), 1.0);
}

TEST_F(WorkflowPlugin, AnLlmStepWithoutAModelIsNoInferenceInTheHistogram) {
  start();  // no stub: the host has no LLM configured
  define("name: ask\nsteps: [{id: llm, type: llm, with: {prompt: 'hi'}}]\n");
  json run = run_to_end("ask");
  EXPECT_EQ(run["status"], "failed") << run.dump();
  EXPECT_EQ(host_.metric("agent_workflow_llm_inference_seconds").value_or(0), 0.0);
}

TEST_F(WorkflowPlugin, DelayWaitsThenContinuesAndRunTimeoutEndsAWaitingRun) {
  start();
  define(
      "name: pause\nsteps: [{id: wait, type: delay, with: {duration: 300ms}}, {id: done, type: "
      "transform, with: {value: ok}}]\n");
  auto started = start_run("pause");
  const std::string id = started.json()["id"];
  wait_status(id, "waiting");
  json run = finished(id);
  EXPECT_EQ(run["status"], "succeeded");
  EXPECT_EQ(run["steps"][0]["output"]["delayed_ms"], 300);
  define(
      "name: slow\ntimeout: 100ms\nsteps: [{id: wait, type: delay, with: {duration: 10s}}, {id: "
      "done, type: transform, with: {value: ok}}]\n");
  json slow = run_to_end("slow");
  EXPECT_EQ(slow["status"], "timed_out") << slow.dump();
  EXPECT_EQ(slow["error"]["code"], "timeout");
}

TEST_F(WorkflowPlugin, StepTimeoutIsClassifiedAndRetried) {
  std::atomic<int> calls{0};
  host_.stub_http("http://slow.test", [&](const OutboundCall&) {
    return ++calls == 1 ? StubResult::fail(agent_host::Status::timeout)
                        : StubResult::ok(200, {{"ok", true}});
  });
  start();
  define(
      "name: t\nsteps: [{id: get, type: http, with: {url: 'http://slow.test/'}, timeout: 50ms, "
      "retry: {max_attempts: 2, initial: 1ms}}]\n");
  json run = run_to_end("t");
  EXPECT_EQ(run["status"], "succeeded");
  EXPECT_EQ(run["steps"][0]["attempts"][0]["error"]["code"], "timeout");
}

TEST_F(WorkflowPlugin, CancelStopsAWaitingRunAndFinishedRunsCannotBeCancelled) {
  start();
  define("name: long\nsteps: [{id: wait, type: delay, with: {duration: 1h}}]\n");
  const std::string id = start_run("long").json()["id"];
  wait_status(id, "waiting");
  auto cancelled = host_.post("/workflow/runs/" + id + "/cancel", json::object());
  ASSERT_EQ(cancelled.status, 200) << cancelled.body;
  EXPECT_EQ(cancelled.json()["status"], "cancelled");
  EXPECT_EQ(host_.post("/workflow/runs/" + id + "/cancel", json::object()).status, 409);
  EXPECT_EQ(host_.post("/workflow/runs/nope/cancel", json::object()).status, 404);
}

TEST_F(WorkflowPlugin, IdempotencyKeyDedupesStartsAndRefusesADifferentInput) {
  start();
  define("name: once\nsteps: [{id: a, type: transform, with: {value: 1}}]\n");
  auto first = start_run("once", {{"n", 1}}, {{"idempotency-key", "k1"}});
  auto again = start_run("once", {{"n", 1}}, {{"idempotency-key", "k1"}});
  ASSERT_EQ(first.status, 202);
  EXPECT_EQ(again.status, 200);
  EXPECT_EQ(again.json()["id"], first.json()["id"]);
  EXPECT_EQ(again.json()["created"], false);
  auto other = start_run("once", {{"n", 2}}, {{"idempotency-key", "k1"}});
  EXPECT_EQ(other.status, 409);
  EXPECT_EQ(other.json()["error"]["code"], "idempotency_key_reused");
  EXPECT_NE(start_run("once", {{"n", 1}}, {{"idempotency-key", "k2"}}).json()["id"],
            first.json()["id"]);
}

TEST_F(WorkflowPlugin, TaskEventsStartMatchingWorkflowsOncePerEventId) {
  start();
  define(R"(
name: on-done
triggers:
  - event: task.transitioned
    when: {"==": [{"var": "event.to"}, "done"]}
steps: [{id: a, type: transform, with: {value: "{{ input.task.title }}"}}]
)");
  const json event = {{"id", "ev-1"},
                      {"type", "task.transitioned"},
                      {"occurred_at", "2024-05-01T10:00:00Z"},
                      {"task", {{"id", "t1"}, {"title", "Ship"}}},
                      {"from", "in_progress"},
                      {"to", "done"}};
  auto accepted = host_.post("/workflow/events", event);
  ASSERT_EQ(accepted.status, 202) << accepted.body;
  ASSERT_EQ(accepted.json()["runs"].size(), 1u);
  const std::string run_id = accepted.json()["runs"][0]["run_id"];
  EXPECT_EQ(finished(run_id)["output"], "Ship");
  auto duplicate = host_.post("/workflow/events", event);
  EXPECT_EQ(duplicate.status, 202);
  EXPECT_EQ(duplicate.json()["duplicate"], true);
  EXPECT_EQ(duplicate.json()["runs"][0]["run_id"], run_id);
  json other = event;
  other["id"] = "ev-2";
  other["to"] = "blocked";
  EXPECT_EQ(host_.post("/workflow/events", other).json()["runs"].size(), 0u);
  json bad = event;
  bad.erase("id");
  auto refused = host_.post("/workflow/events", bad);
  EXPECT_EQ(refused.status, 400);
  EXPECT_EQ(refused.json()["error"]["field"], "id");
  // Checked against the schema /openapi.json publishes, then the time itself.
  for (const auto& [key, value] : std::vector<std::pair<std::string, json>>{
           {"type", "task.renamed"}, {"task", "t1"}, {"occurred_at", "yesterday"}}) {
    json wrong = event;
    wrong[key] = value;
    auto answer = host_.post("/workflow/events", wrong);
    EXPECT_EQ(answer.status, 400) << key;
    EXPECT_EQ(answer.json()["error"]["field"], key) << answer.body;
  }
}

class Webhooks : public WorkflowPlugin {
 protected:
  void SetUp() override {
    host_.set_secret("api-keys/webhook-secret", "s3cret");
    start();
    define(
        "name: hook\ntriggers: [{webhook: {}}]\nsteps: [{id: a, type: transform, with: {value: '{{ "
        "input.body.n }}'}}]\n");
  }
  FakeResponse send(const std::string& body, const std::string& timestamp,
                    const std::string& signature) {
    return host_.request("POST", "/workflow/hooks/hook", body,
                         {{"x-timestamp", timestamp},
                          {"x-signature", signature},
                          {"content-type", "application/json"}});
  }
  std::string now_seconds() const {
    return std::to_string(std::chrono::duration_cast<std::chrono::seconds>(
                              std::chrono::system_clock::now().time_since_epoch())
                              .count());
  }
};

TEST_F(Webhooks, AGoodSignatureStartsARun) {
  const std::string body = R"({"n": 5})", ts = now_seconds();
  auto response = send(body, ts, workflow::sign_webhook("s3cret", ts, body));
  ASSERT_EQ(response.status, 202) << response.body;
  EXPECT_EQ(finished(response.json()["id"])["output"], 5);
}

TEST_F(Webhooks, BadReplayedAndStaleSignaturesAreRefused) {
  const std::string body = R"({"n": 5})", ts = now_seconds();
  const std::string good = workflow::sign_webhook("s3cret", ts, body);
  auto bad = send(body, ts, workflow::sign_webhook("wrong", ts, body));
  EXPECT_EQ(bad.status, 401);
  EXPECT_EQ(bad.json()["error"]["code"], "bad_signature");
  ASSERT_EQ(send(body, ts, good).status, 202);
  auto replayed = send(body, ts, good);
  EXPECT_EQ(replayed.status, 409);
  EXPECT_EQ(replayed.json()["error"]["code"], "replayed");
  const std::string old = std::to_string(std::stoll(ts) - 301);
  auto stale = send(body, old, workflow::sign_webhook("s3cret", old, body));
  EXPECT_EQ(stale.status, 401);
  EXPECT_EQ(stale.json()["error"]["code"], "stale");
  EXPECT_EQ(send(body, ts, "").status, 401);
  EXPECT_EQ(host_.request("POST", "/workflow/hooks/unknown", body, {}).status, 404);
  EXPECT_EQ(host_.metric("agent_workflow_webhooks_rejected_total", {{"reason", "replayed"}}), 1.0);
}

TEST_F(WorkflowPlugin, ConcurrencyLimitHoldsRunsBackAndNeverLeaksASlot) {
  std::atomic<int> in_flight{0}, most{0};
  host_.stub_http("http://busy.test", [&](const OutboundCall&) {
    const int now = ++in_flight;
    int seen = most.load();
    while (now > seen && !most.compare_exchange_weak(seen, now)) {
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(30));
    --in_flight;
    return StubResult::ok(200, json::object());
  });
  start({{"workers", 4}});
  define(
      "name: one-at-a-time\nconcurrency: 1\nsteps: [{id: call, type: http, with: {url: "
      "'http://busy.test/'}}]\n");
  std::vector<std::string> ids;
  for (int i = 0; i < 6; ++i) ids.push_back(start_run("one-at-a-time").json()["id"]);
  // A cancelled run gives its slot back: the others still all finish.
  host_.post("/workflow/runs/" + ids[2] + "/cancel", json::object());
  int succeeded = 0;
  for (const auto& id : ids) succeeded += finished(id)["status"] == "succeeded";
  EXPECT_GE(succeeded, 5);
  EXPECT_EQ(most.load(), 1);
}

// A run held back by a busy slot is still only in the store's intake (never
// claimed in storage): it is read, listed, counted and cancelled like any other.
TEST_F(WorkflowPlugin, QueuedRunsNotYetClaimedAreReadListedCountedAndCancelled) {
  std::atomic<bool> release{false};
  host_.stub_http("http://hold.test", [&](const OutboundCall&) {
    while (!release) std::this_thread::sleep_for(std::chrono::milliseconds(2));
    return StubResult::ok(200, json::object());
  });
  start({{"workers", 2}});
  define(
      "name: held\nconcurrency: 1\nsteps: [{id: call, type: http, with: {url: "
      "'http://hold.test/'}}]\n");
  const std::string first = start_run("held").json()["id"];
  wait_status(first, "running");
  // Each start in a later millisecond than the previous one: the list order is by created_at.
  std::this_thread::sleep_for(std::chrono::milliseconds(2));
  const std::string second = start_run("held", {{"n", 2}}).json()["id"];
  std::this_thread::sleep_for(std::chrono::milliseconds(2));
  const std::string third = start_run("held", {{"n", 3}}).json()["id"];
  auto read = host_.get("/workflow/runs/" + second).json();
  EXPECT_EQ(read["status"], "queued");
  EXPECT_EQ(read["input"], (json{{"n", 2}}));
  auto queued = host_.get("/workflow/runs?status=queued&workflow=held").json()["items"];
  ASSERT_EQ(queued.size(), 2u);
  EXPECT_EQ(queued[0]["id"], third);  // newest first
  EXPECT_EQ(queued[1]["id"], second);
  auto all = host_.get("/workflow/runs?workflow=held&limit=2").json();
  ASSERT_EQ(all["items"].size(), 2u);
  EXPECT_EQ(all["items"][0]["id"], third);
  auto rest = host_
                  .get("/workflow/runs?workflow=held&limit=2&cursor=" +
                       all["next_cursor"].get<std::string>())
                  .json()["items"];
  ASSERT_EQ(rest.size(), 1u);
  EXPECT_EQ(rest[0]["id"], first);
  EXPECT_TRUE(
      host_.get("/workflow/runs?status=running,succeeded&workflow=held").json()["items"].size() ==
      1u);
  std::this_thread::sleep_for(std::chrono::milliseconds(2));
  auto stats = host_.get("/workflow/stats").json();
  EXPECT_EQ(stats["by_status"]["queued"], 2);
  EXPECT_EQ(stats["by_status"]["running"], 1);
  auto cancelled = host_.post("/workflow/runs/" + second + "/cancel", json::object());
  ASSERT_EQ(cancelled.status, 200) << cancelled.body;
  EXPECT_EQ(cancelled.json()["status"], "cancelled");
  EXPECT_EQ(cancelled.json()["input"], (json{{"n", 2}}));
  EXPECT_EQ(host_.post("/workflow/runs/" + second + "/cancel", json::object()).status, 409);
  release = true;
  EXPECT_EQ(finished(first)["status"], "succeeded");
  EXPECT_EQ(finished(third)["status"], "succeeded");
  EXPECT_EQ(finished(second)["status"], "cancelled");
  EXPECT_TRUE(finished(second)["started_at"].is_null());
}

TEST_F(WorkflowPlugin, CronFiresOncePerFireTimeAndSkipPolicySkipsOverlaps) {
  start();
  define(
      "name: nightly\ntriggers: [{cron: '0 3 * * *', overlap: skip}]\nsteps: [{id: wait, type: "
      "delay, with: {duration: 1h}}]\n");
  const auto jobs = host_.jobs("workflow");
  ASSERT_EQ(jobs.size(), 1u);
  const auto fire = std::chrono::system_clock::time_point(std::chrono::hours(480000));
  host_.run_job("workflow", jobs[0], fire);
  host_.run_job("workflow", jobs[0], fire);  // the same fire again (another replica): taken once
  auto runs = host_.get("/workflow/runs?workflow=nightly").json()["items"];
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(runs[0]["trigger"]["kind"], "cron");
  host_.run_job("workflow", jobs[0], fire + std::chrono::hours(24));  // still active: skipped
  EXPECT_EQ(host_.get("/workflow/runs?workflow=nightly").json()["items"].size(), 1u);
  EXPECT_EQ(host_.metric("agent_workflow_cron_fires_total",
                         {{"workflow", "nightly"}, {"result", "skipped"}}),
            1.0);
}

TEST_F(WorkflowPlugin, ListFiltersAndPaginatesWithACursor) {
  start();
  define("name: a\nsteps: [{id: x, type: transform, with: {value: 1}}]\n");
  define("name: b\nsteps: [{id: x, type: fail, with: {message: no}}]\n");
  for (int i = 0; i < 5; ++i) finished(start_run("a").json()["id"]);
  for (int i = 0; i < 2; ++i) finished(start_run("b").json()["id"]);
  std::set<std::string> seen;
  std::string cursor;
  int pages = 0;
  do {
    auto page =
        host_.get("/workflow/runs?workflow=a&limit=2" + (cursor.empty() ? "" : "&cursor=" + cursor))
            .json();
    for (const auto& item : page["items"]) {
      EXPECT_EQ(item["workflow"], "a");
      seen.insert(item["id"]);
    }
    cursor = page["next_cursor"].is_null() ? "" : page["next_cursor"].get<std::string>();
    ++pages;
  } while (!cursor.empty() && pages < 10);
  EXPECT_EQ(seen.size(), 5u);
  EXPECT_EQ(pages, 3);
  EXPECT_EQ(host_.get("/workflow/runs?status=failed").json()["items"].size(), 2u);
  EXPECT_EQ(host_.get("/workflow/runs?status=exploded").status, 400);
  EXPECT_EQ(host_.get("/workflow/runs?cursor=zzz").json()["error"]["field"], "cursor");
  EXPECT_EQ(host_.get("/workflow/runs?colour=red").json()["error"]["field"], "colour");
}

TEST_F(WorkflowPlugin, StatsFollowTheContract) {
  start();
  define("name: ok\nsteps: [{id: x, type: transform, with: {value: 1}}]\n");
  define("name: bad\nsteps: [{id: boom, type: fail, with: {message: no}}]\n");
  for (int i = 0; i < 3; ++i) finished(start_run("ok").json()["id"]);
  finished(start_run("bad").json()["id"]);
  // The default window ends now, exclusive: a run created in this very
  // millisecond (they finish that fast) would fall outside it.
  std::this_thread::sleep_for(std::chrono::milliseconds(2));
  json stats = host_.get("/workflow/stats").json();
  EXPECT_EQ(stats["runs_total"], 4);
  EXPECT_EQ(stats["by_status"]["succeeded"], 3);
  EXPECT_EQ(stats["by_status"]["failed"], 1);
  EXPECT_EQ(stats["by_status"]["timed_out"], 0);
  EXPECT_DOUBLE_EQ(stats["success_rate"].get<double>(), 0.75);
  EXPECT_TRUE(stats["duration_seconds"]["p50"].is_number());
  EXPECT_EQ(stats["top_failing_workflows"][0],
            (json{{"workflow", "bad"}, {"failed", 1}, {"total", 1}}));
  EXPECT_EQ(stats["top_failing_steps"][0],
            (json{{"workflow", "bad"}, {"step", "boom"}, {"failed", 1}}));
  json empty =
      host_.get("/workflow/stats?from=2000-01-01T00:00:00Z&to=2000-01-02T00:00:00Z").json();
  EXPECT_EQ(empty["runs_total"], 0);
  EXPECT_TRUE(empty["success_rate"].is_null());
  EXPECT_EQ(host_.get("/workflow/stats?from=yesterday").json()["error"]["field"], "from");
}

}  // namespace
