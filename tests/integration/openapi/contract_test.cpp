// The contract: every operation /openapi.json documents is called on the real
// host (the shipped all-in-one config) and each answer is held to the
// document: a documented status, a documented content type and a body that
// matches its schema. A route added without its description, or a handler
// whose answers drift from it, fails here.
#include <gtest/gtest.h>

#include <ctime>
#include <filesystem>
#include <fstream>

#include "crypto.hpp"
#include "openapi_contract.hpp"
#include "shipped_host.hpp"

namespace agent_host::test {
namespace {

using nlohmann::json;
using Headers = std::vector<std::pair<std::string, std::string>>;

constexpr const char* kWebhookSecret = "contract-test-webhook-secret";

// The smallest definition the workflow agent accepts: one step that succeeds.
constexpr const char* kWorkflowYaml = R"(name: contract-probe
description: A run the contract test starts
steps:
  - id: wait
    type: delay
    with: {duration: 50ms}
)";

// The host and its document, shared by the scenarios below.
HostProcess* host_ = nullptr;
OpenApiContract* contract_ = nullptr;

// Calls the host and checks the answer against the document; the status
// must also be the one the scenario expects.
Reply call(const std::string& method, const std::string& path, int expected,
           const std::string& body = {}, Headers headers = {}) {
  if (!body.empty() && headers.empty()) headers.emplace_back("content-type", "application/json");
  const Reply reply = http(method, host_->base_url() + path, body, headers);
  EXPECT_EQ(reply.status, expected) << method << " " << path << "\n" << reply.body;
  for (const auto& problem : contract_->check(method, path, reply)) ADD_FAILURE() << problem;
  return reply;
}

class Contract : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    host_ = new HostProcess(all_in_one_test_config());
    // Secrets are read when a request needs them: the webhook's, planted now.
    const auto secret = host_->work_dir() / "secrets" / "api-keys" / "webhook-secret";
    std::filesystem::create_directories(secret.parent_path());
    std::ofstream(secret) << kWebhookSecret << "\n";
    const Reply document = http("GET", host_->base_url() + "/openapi.json");
    ASSERT_EQ(document.status, 200);
    contract_ = new OpenApiContract(document.json());
  }
  static void TearDownTestSuite() {
    delete contract_;
    contract_ = nullptr;
    delete host_;
    host_ = nullptr;
  }
};

void host_endpoints() {
  call("GET", "/health", 200);
  call("GET", "/healthz", 200);
  call("GET", "/readyz", 200);
  for (const char* prefix : {"/task", "/workflow", "/reporting", "/console"})
    call("GET", std::string(prefix) + "/health", 200);
  call("POST", "/jobs/task-manager/daily-report", 200);
  call("POST", "/jobs/task-manager/no-such-job", 404);
  // A job that went well logs no empty "error" for log queries to trip on.
  int ok_lines = 0;
  for (const auto& line : host_->log_lines())
    if (line.value("msg", "") == "job ok") {
      ++ok_lines;
      EXPECT_FALSE(line.contains("error")) << line.dump();
    }
  EXPECT_GE(ok_lines, 1);
}

void task_manager() {
  const Reply created =
      call("POST", "/task/tasks", 201, R"({"title":"contract","tags":["api"],"priority":"high"})");
  const std::string id = created.json().at("id");
  const std::string etag = created.header("etag");
  call("POST", "/task/tasks", 201, R"({"title":"keyed"})",
       {{"content-type", "application/json"}, {"idempotency-key", "contract-1"}});
  call("POST", "/task/tasks", 200, R"({"title":"keyed"})",
       {{"content-type", "application/json"}, {"idempotency-key", "contract-1"}});
  call("POST", "/task/tasks", 400, R"({"title":""})");
  call("POST", "/task/tasks", 415, "title=x", {{"content-type", "text/plain"}});

  call("GET", "/task/tasks?status=todo,in_progress&priority=high&tag=api&sort=-created_at&limit=2",
       200);
  call("GET", "/task/tasks?limit=0", 400);
  call("GET", "/task/tasks/" + id, 200);
  call("GET", "/task/tasks/" + id, 304, {}, {{"if-none-match", etag}});
  call("GET", "/task/tasks/no-such-task", 404);

  const Reply changed = call("PATCH", "/task/tasks/" + id, 200, R"({"assignee":"ada"})",
                             {{"content-type", "application/json"}, {"if-match", etag}});
  call("PATCH", "/task/tasks/" + id, 412, R"({"assignee":"bob"})",
       {{"content-type", "application/json"}, {"if-match", etag}});
  call("POST", "/task/tasks/" + id + "/transitions", 200, R"({"to":"done"})",
       {{"content-type", "application/json"}, {"if-match", changed.header("etag")}});
  call("POST", "/task/tasks/" + id + "/transitions", 409, R"({"to":"blocked"})");
  call("POST", "/task/tasks/bulk", 200,
       json{{"create", {{{"title", "bulk one"}}}}, {"update", {{{"id", id}, {"title", "renamed"}}}}}
           .dump());

  call("GET", "/task/stats", 200);
  call("GET", "/task/stats?fields=created,completed,completion_rate", 200);
  call("GET", "/task/stats?fields=nonsense", 400);
  call("GET", "/task/reports/daily", 200);

  call("DELETE", "/task/tasks/" + id, 204);
  call("DELETE", "/task/tasks/" + id, 404);
}

void workflow_agent() {
  call("POST", "/workflow/workflows", 201, kWorkflowYaml, {{"content-type", "application/yaml"}});
  call("POST", "/workflow/workflows", 200, kWorkflowYaml, {{"content-type", "application/yaml"}});
  call("POST", "/workflow/workflows", 400, "name: [", {{"content-type", "application/yaml"}});
  call("GET", "/workflow/workflows", 200);
  call("GET", "/workflow/workflows/contract-probe", 200);
  call("GET", "/workflow/workflows/contract-probe?version=1", 200);
  call("GET", "/workflow/workflows/contract-probe?version=99", 404);

  const Reply started =
      call("POST", "/workflow/workflows/contract-probe/runs", 202, R"({"input":{"n":1}})");
  const std::string run = started.json().at("id");
  const Headers keyed = {{"content-type", "application/json"}, {"idempotency-key", "contract-2"}};
  call("POST", "/workflow/workflows/contract-probe/runs", 202, R"({"input":{}})", keyed);
  call("POST", "/workflow/workflows/contract-probe/runs", 200, R"({"input":{}})", keyed);
  call("POST", "/workflow/workflows/contract-probe/runs", 409, R"({"input":{"other":1}})", keyed);
  call("POST", "/workflow/workflows/no-such-workflow/runs", 404, R"({"input":{}})");

  call("GET", "/workflow/runs?workflow=contract-probe&status=queued,running,succeeded&limit=5",
       200);
  call("GET", "/workflow/runs/" + run, 200);
  // A run that already finished cannot be cancelled: 409; one still going: 200.
  const Reply cancelled = http("POST", host_->base_url() + "/workflow/runs/" + run + "/cancel");
  for (const auto& problem :
       contract_->check("POST", "/workflow/runs/" + run + "/cancel", cancelled))
    ADD_FAILURE() << problem;
  call("POST", "/workflow/runs/no-such-run/cancel", 404);
  call("GET", "/workflow/stats", 200);

  call("POST", "/workflow/events", 202,
       json{{"id", "contract-event-1"},
            {"type", "task.created"},
            {"task", {{"id", "t1"}, {"title", "x"}, {"status", "todo"}}}}
           .dump());
  call("POST", "/workflow/events", 400, R"({"id":"e","type":"nonsense","task":{}})");

  const std::string body = R"({"title":"from a webhook","priority":"low"})";
  const std::string timestamp = std::to_string(std::time(nullptr));
  const Headers signed_headers = {
      {"content-type", "application/json"},
      {"x-timestamp", timestamp},
      {"x-signature",
       "sha256=" + workflow::crypto::hmac_sha256_hex(kWebhookSecret, timestamp + "." + body)}};
  call("POST", "/workflow/hooks/webhook-intake", 202, body, signed_headers);
  call("POST", "/workflow/hooks/webhook-intake", 409, body, signed_headers);
  call("POST", "/workflow/hooks/webhook-intake", 401, body, {{"content-type", "application/json"}});

  call("DELETE", "/workflow/workflows/contract-probe", 204);
  call("DELETE", "/workflow/workflows/contract-probe", 404);
}

void reporting() {
  const Reply created = call("POST", "/reporting/reports", 201, R"({"period":"daily"})");
  const std::string id = created.json().at("id");
  call("POST", "/reporting/reports", 400, R"({"period":"hourly"})");
  call("GET", "/reporting/reports?period=daily&outcome=ok,partial&limit=5", 400);  // one outcome
  call("GET", "/reporting/reports?period=daily&limit=5", 200);
  for (const char* format : {"markdown", "html", "json", "csv"})
    call("GET", "/reporting/reports/" + id + "?format=" + format, 200);
  call("GET", "/reporting/reports/" + id, 200, {}, {{"accept", "text/html"}});
  call("GET", "/reporting/reports/" + id, 406, {}, {{"accept", "image/png"}});
  call("GET", "/reporting/reports/" + id + "?format=pdf", 400);
  call("DELETE", "/reporting/reports/" + id, 204);
  call("GET", "/reporting/reports/" + id + "?format=json", 404);
}

void console_pages() {
  call("GET", "/console/", 200);
  call("GET", "/console/assets/app.js", 200);
  call("GET", "/console/assets/console.css", 200);
  call("GET", "/console/assets/preact.LICENSE", 200);
  call("GET", "/console/assets/no-such-file.js", 404);
}

// The checker itself: an answer the document does not describe fails it, so
// the contract below cannot pass by accepting anything.
TEST(OpenApiContractChecker, RefusesWhatTheDocumentDoesNotSay) {
  OpenApiContract contract(json::parse(R"({"paths": {"/t/{id}": {"get": {"responses": {
      "200": {"description": "ok", "content": {"application/json": {"schema": {
          "type": "object", "required": ["id"],
          "properties": {"id": {"type": "string"},
                         "due": {"type": ["string", "null"], "format": "date-time"}}}}}},
      "204": {"description": "none"}}}}}})"));
  const auto reply = [](int status, std::string body, std::string type = "application/json") {
    return Reply{status, {{"content-type", std::move(type)}}, std::move(body), {}};
  };
  EXPECT_TRUE(contract.check("GET", "/t/1", reply(200, R"({"id":"1","due":null})")).empty());
  EXPECT_TRUE(contract.check("GET", "/t/1?x=1", reply(200, R"({"id":"1"})")).empty());
  EXPECT_TRUE(contract.check("GET", "/t/1", reply(204, "")).empty());
  EXPECT_FALSE(contract.check("GET", "/t/1", reply(201, R"({"id":"1"})")).empty());  // status
  EXPECT_FALSE(contract.check("GET", "/t/1", reply(200, R"({"id":1})")).empty());    // type
  EXPECT_FALSE(contract.check("GET", "/t/1", reply(200, R"({})")).empty());          // required
  EXPECT_FALSE(contract.check("GET", "/t/1", reply(200, R"({"id":"1","due":"soon"})")).empty());
  EXPECT_FALSE(contract.check("GET", "/t/1", reply(200, "<p>", "text/html")).empty());
  EXPECT_FALSE(contract.check("GET", "/t/1", reply(204, "body")).empty());
  EXPECT_FALSE(contract.check("POST", "/t/1", reply(200, R"({"id":"1"})")).empty());  // method
  EXPECT_TRUE(contract.unexercised().empty());
}

// One test: CTest runs each test in its own process, and the coverage check
// needs every scenario's calls.
TEST_F(Contract, EveryDocumentedOperationAnswersAsDocumented) {
  {
    SCOPED_TRACE("host endpoints");
    host_endpoints();
  }
  {
    SCOPED_TRACE("task-manager");
    task_manager();
  }
  {
    SCOPED_TRACE("workflow");
    workflow_agent();
  }
  {
    SCOPED_TRACE("reporting");
    reporting();
  }
  {
    SCOPED_TRACE("console");
    console_pages();
  }
  const auto missing = contract_->unexercised();
  EXPECT_TRUE(missing.empty()) << "operations no scenario calls: " << [&] {
    std::string list;
    for (const auto& m : missing) list += "\n  " + m;
    return list;
  }();
}

}  // namespace
}  // namespace agent_host::test
