// The reporting plugin through its HTTP API on the SDK's fake host, with the
// Task Manager and Workflow agents stubbed to speak their published contracts.
#include <gtest/gtest.h>

#include <agent_host/testing.hpp>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <set>

#include "contract_payloads.hpp"
#include "csv_reader.hpp"
#include "time_window.hpp"

extern "C" const ah_plugin_descriptor* agent_host_plugin_entry(void);

namespace reporting {
namespace {

using agent_host::testing::FakeHost;
using agent_host::testing::OutboundCall;
using agent_host::testing::StubResult;
using nlohmann::json;
namespace fs = std::filesystem;

const char* const kCurrentFrom = "2024-05-05T00:00:00Z";  // daily window for kAt
const char* const kAt = "2024-05-06T09:00:00Z";

class ReportingApi : public ::testing::Test {
 protected:
  void SetUp() override { reports_dir_ = host_.data_dir() / "reports-under-test"; }

  // Starts the plugin; the stubs answer like the real agents.
  void start(json config = json::object()) {
    config["reports_dir"] = reports_dir_.string();
    if (!config.contains("peer_retry_backoff_ms")) config["peer_retry_backoff_ms"] = 0;
    host_.add_plugin(agent_host_plugin_entry(), config);
    host_.stub_agent("task-manager",
                     [this](const OutboundCall& call) { return task_manager(call); });
    host_.stub_agent("workflow", [this](const OutboundCall& call) { return workflow(call); });
    host_.start();
  }

  StubResult task_manager(const OutboundCall& call) {
    ++task_calls_;
    if (task_manager_down_) return StubResult::fail(agent_host::Status::unavailable);
    if (call.path.rfind("/stats?", 0) == 0) {
      if (refuse_fields_ && call.path.find("fields=") != std::string::npos)
        return StubResult::ok(400, {{"error",
                                     {{"status", 400},
                                      {"code", "invalid_query"},
                                      {"message", "unknown query parameter 'fields'"},
                                      {"field", "fields"}}}});
      if (fail_first_stats_ && fail_first_stats_->exchange(false))
        return StubResult::ok(503, {{"error", {{"status", 503}, {"message", "warming up"}}}});
      const std::string from = test::url_decode(test::query_value(call.path, "from"));
      const std::string to = test::url_decode(test::query_value(call.path, "to"));
      if (from == kCurrentFrom) return StubResult::ok(200, test::task_stats(from, to, 12, 9, 0.75));
      return StubResult::ok(200, test::task_stats(from, to, 10, 6, 0.6));
    }
    if (call.path.rfind("/tasks?", 0) == 0) {
      const std::string status = test::query_value(call.path, "status");
      return StubResult::ok(200, test::task_list(status.empty() ? "todo" : status));
    }
    return StubResult::ok(404, {{"error", {{"status", 404}, {"message", "no route"}}}});
  }

  StubResult workflow(const OutboundCall& call) {
    if (call.path.rfind("/stats?", 0) != 0) return StubResult::ok(404, json::object());
    const std::string from = test::url_decode(test::query_value(call.path, "from"));
    return StubResult::ok(200, test::workflow_stats(from, "", from == kCurrentFrom ? 0.8 : 0.9));
  }

  json create(const json& body) {
    auto response = host_.post("/reporting/reports", body);
    EXPECT_EQ(response.status, 201) << response.body;
    return response.json();
  }

  json daily() { return create({{"period", "daily"}, {"at", kAt}, {"summary", false}}); }

  std::vector<std::string> stats_calls(const std::string& agent) const {
    std::vector<std::string> paths;
    for (const OutboundCall& call : host_.outbound_calls())
      if (call.agent == agent && call.path.rfind("/stats?", 0) == 0) paths.push_back(call.path);
    return paths;
  }

  FakeHost host_;
  fs::path reports_dir_;
  std::atomic<int> task_calls_{0};
  std::atomic<bool> task_manager_down_{false};
  std::atomic<bool> refuse_fields_{false};  // a Task Manager older than /stats?fields=
  std::unique_ptr<std::atomic<bool>> fail_first_stats_;
};

TEST_F(ReportingApi, DailyReportHasTheFiguresInEveryFormat) {
  start();
  const json created = daily();
  const std::string id = created["id"];
  EXPECT_EQ(created["period"], "daily");
  EXPECT_EQ(created["from"], kCurrentFrom);
  EXPECT_EQ(created["to"], "2024-05-06T00:00:00Z");
  EXPECT_EQ(created["outcome"], "ok");
  EXPECT_EQ(created["location"], "/reporting/reports/" + id);
  EXPECT_EQ(created["formats"].size(), 4u);

  auto as_json = host_.get("/reporting/reports/" + id + "?format=json");
  ASSERT_EQ(as_json.status, 200);
  const json model = as_json.json();
  EXPECT_EQ(model["tasks"]["created"], 12);
  EXPECT_EQ(model["tasks"]["completion_trend"]["direction"], "up");
  EXPECT_EQ(model["workflows"]["success_trend"]["direction"], "down");
  EXPECT_EQ(model["summary"]["status"], "skipped");

  auto html = host_.get("/reporting/reports/" + id, {{"accept", "text/html"}});
  ASSERT_EQ(html.status, 200);
  EXPECT_EQ(html.header("content-type").value_or("").rfind("text/html", 0), 0u);
  EXPECT_NE(html.body.find("<svg"), std::string::npos);
  EXPECT_NE(html.body.find("id=\"tasks-created\">12<"), std::string::npos);

  auto md = host_.get("/reporting/reports/" + id, {{"accept", "text/markdown"}});
  ASSERT_EQ(md.status, 200);
  EXPECT_NE(md.body.find("| Completed | 9 |"), std::string::npos);

  auto csv = host_.get("/reporting/reports/" + id + "?format=csv");
  ASSERT_EQ(csv.status, 200);
  const auto rows = test::parse_csv(csv.body);
  EXPECT_EQ(test::csv_lookup(rows, "tasks", "", "overdue"), "3");
  EXPECT_EQ(test::csv_lookup(rows, "runs_by_status", "succeeded", "count"), "30");
  EXPECT_EQ(test::csv_lookup(rows, "report", "", "id"), id);

  // Every stored document is served, its size as indexed.
  for (const auto& [format, size] : created["sizes"].items()) {
    const auto document = host_.get("/reporting/reports/" + id + "?format=" + format);
    EXPECT_EQ(document.status, 200) << format;
    EXPECT_EQ(document.body.size(), size.get<size_t>()) << format;
  }
  EXPECT_EQ(host_.metric("agent_reporting_reports_total", {{"period", "daily"}, {"outcome", "ok"}}),
            1.0);
  EXPECT_EQ(host_.metric("agent_reporting_generation_duration_seconds", {{"period", "daily"}}),
            1.0);
}

TEST_F(ReportingApi, AsksForTheWindowAndThePreviousPeriodsOfEqualLength) {
  start({{"trend_periods", 3}});
  create({{"from", "2024-05-01T00:00:00Z"}, {"to", "2024-05-03T00:00:00Z"}, {"summary", false}});
  const auto tasks = stats_calls("task-manager");
  const std::set<std::string> asked(tasks.begin(), tasks.end());
  EXPECT_EQ(asked.size(), 3u);
  // Every figure for the report's window; only the trend figures for the earlier ones.
  EXPECT_TRUE(asked.count("/stats?from=2024-05-01T00%3A00%3A00Z&to=2024-05-03T00%3A00%3A00Z"));
  EXPECT_TRUE(
      asked.count("/stats?from=2024-04-29T00%3A00%3A00Z&to=2024-05-01T00%3A00%3A00Z"
                  "&fields=created,completed,completion_rate"));
  EXPECT_TRUE(
      asked.count("/stats?from=2024-04-27T00%3A00%3A00Z&to=2024-04-29T00%3A00%3A00Z"
                  "&fields=created,completed,completion_rate"));
  const auto runs = stats_calls("workflow");
  EXPECT_EQ(std::set<std::string>(runs.begin(), runs.end()).size(), 2u);
}

TEST_F(ReportingApi, ATaskManagerWithoutStatsFieldsIsAskedForEveryFigure) {
  refuse_fields_ = true;
  start({{"trend_periods", 3}});
  const json created = daily();
  EXPECT_EQ(created["outcome"], "ok");
  size_t refused = 0, full = 0;
  for (const auto& path : stats_calls("task-manager"))
    (path.find("fields=") != std::string::npos ? refused : full) += 1;
  EXPECT_EQ(refused, 2u);
  EXPECT_EQ(full, 3u);
  const std::string id = created["id"];
  const json model = host_.get("/reporting/reports/" + id + "?format=json").json();
  const json& history = model["tasks"]["history"];
  ASSERT_EQ(history.size(), 3u);
  for (size_t i = 0; i + 1 < history.size(); ++i) {
    EXPECT_EQ(history[i]["available"], true) << history[i];
    EXPECT_EQ(history[i]["created"], 10) << history[i];
    EXPECT_EQ(history[i]["completion_rate"], 0.6) << history[i];
  }
}

TEST_F(ReportingApi, BadRequestsNameTheField) {
  start();
  const std::vector<std::pair<json, std::string>> cases = {
      {json::array(), "body"},
      {json::object(), "period"},
      {{{"period", "monthly"}}, "period"},
      {{{"period", 7}}, "period"},
      {{{"period", "daily"}, {"colour", "red"}}, "colour"},
      {{{"from", "2024-05-01T00:00:00Z"}}, "to"},
      {{{"to", "2024-05-01T00:00:00Z"}}, "from"},
      {{{"from", "yesterday"}, {"to", "2024-05-01T00:00:00Z"}}, "from"},
      {{{"from", "2024-05-02T00:00:00Z"}, {"to", "2024-05-01T00:00:00Z"}}, "to"},
      {{{"from", "2020-01-01T00:00:00Z"}, {"to", "2024-05-01T00:00:00Z"}}, "to"},
      {{{"period", "daily"}, {"from", "2024-05-01T00:00:00Z"}, {"to", "2024-05-02T00:00:00Z"}},
       "from"},
      {{{"period", "weekly"}, {"at", "soon"}}, "at"},
      {{{"period", "daily"}, {"summary", "yes"}}, "summary"},
  };
  for (const auto& [body, field] : cases) {
    auto response = host_.post("/reporting/reports", body);
    EXPECT_EQ(response.status, 400) << body.dump();
    EXPECT_EQ(response.json()["error"].value("field", ""), field) << body.dump() << response.body;
  }
  auto not_json =
      host_.request("POST", "/reporting/reports", "{oops", {{"content-type", "application/json"}});
  EXPECT_EQ(not_json.status, 400);
  EXPECT_EQ(not_json.json()["error"]["field"], "body");
  EXPECT_TRUE(host_.outbound_calls().empty());
}

TEST_F(ReportingApi, APeerThatIsDownLeavesItsSectionUnavailableAfterRetries) {
  start({{"peer_retries", 2}});
  task_manager_down_ = true;
  const json created = daily();
  EXPECT_EQ(created["outcome"], "partial");
  EXPECT_EQ(created["tasks_available"], false);
  EXPECT_EQ(created["workflows_available"], true);
  // Every task-manager call was tried 3 times.
  int current_stats = 0;
  for (const auto& path : stats_calls("task-manager"))
    if (path.find("from=2024-05-05") != std::string::npos) ++current_stats;
  EXPECT_EQ(current_stats, 3);
  const std::string id = created["id"];
  const std::string md = host_.get("/reporting/reports/" + id + "?format=markdown").body;
  EXPECT_NE(md.find("**Task statistics unavailable:** task-manager GET /stats"), std::string::npos);
  EXPECT_NE(md.find("(after 3 attempts)"), std::string::npos);
  EXPECT_NE(md.find("| Runs | 40 |"), std::string::npos);
  EXPECT_GE(
      host_.metric("agent_reporting_peer_errors_total", {{"peer", "task-manager"}}).value_or(0),
      1.0);
  EXPECT_EQ(
      host_.metric("agent_reporting_reports_total", {{"period", "daily"}, {"outcome", "partial"}}),
      1.0);
  EXPECT_EQ(host_.get("/reporting/reports?outcome=partial").json()["items"].size(), 1u);
}

TEST_F(ReportingApi, AServerErrorIsRetried) {
  fail_first_stats_ = std::make_unique<std::atomic<bool>>(true);
  start({{"peer_retries", 1}, {"trend_periods", 2}});
  const json created = daily();
  EXPECT_EQ(created["outcome"], "ok");
  EXPECT_FALSE(
      host_.metric("agent_reporting_peer_errors_total", {{"peer", "task-manager"}}).has_value() &&
      *host_.metric("agent_reporting_peer_errors_total", {{"peer", "task-manager"}}) > 0);
}

TEST_F(ReportingApi, SummaryComesFromTheLlmWithContextAndTimeout) {
  start({{"summary", {{"num_ctx", 4096}, {"timeout_ms", 30000}, {"model", "tiny"}}}});
  json seen;
  host_.stub_llm([&seen](const json& request) {
    seen = request;
    return json{{"response", "Completion rose to 75%; deploy keeps failing."}, {"model", "tiny"}};
  });
  const json created = create({{"period", "daily"}, {"at", kAt}});
  EXPECT_EQ(created["summary_status"], "generated");
  EXPECT_EQ(seen["num_ctx"], 4096);
  EXPECT_EQ(seen["timeout_ms"], 30000);
  EXPECT_EQ(seen["model"], "tiny");
  EXPECT_NE(seen["prompt"].get<std::string>().find("\"completion_rate\": 0.75"), std::string::npos);
  const std::string html =
      host_.get("/reporting/reports/" + created["id"].get<std::string>() + "?format=html").body;
  EXPECT_NE(html.find("Completion rose to 75%; deploy keeps failing."), std::string::npos);
  EXPECT_EQ(host_.metric("agent_reporting_llm_latency_seconds", {{"outcome", "ok"}}), 1.0);
}

TEST_F(ReportingApi, ReportCompletesWithANoteWhenTheLlmFails) {
  start();
  // No LLM configured.
  json created = create({{"period", "daily"}, {"at", kAt}});
  EXPECT_EQ(created["summary_status"], "not_configured");
  EXPECT_NE(created["summary_note"].get<std::string>().find("no language model is configured"),
            std::string::npos);
  // A backend that errors.
  host_.stub_llm([](const json&) -> json { throw std::runtime_error("model 'x' not found"); });
  created = create({{"period", "daily"}, {"at", kAt}});
  EXPECT_EQ(created["outcome"], "ok");
  EXPECT_EQ(created["summary_status"], "unavailable");
  const std::string md =
      host_.get("/reporting/reports/" + created["id"].get<std::string>() + "?format=md").body;
  EXPECT_NE(md.find("model 'x' not found"), std::string::npos);
  EXPECT_NE(md.find("| Created | 12 |"), std::string::npos);
  // An empty answer.
  host_.stub_llm([](const json&) { return json{{"response", ""}}; });
  EXPECT_EQ(create({{"period", "daily"}, {"at", kAt}})["summary_status"], "unavailable");
}

TEST_F(ReportingApi, SummaryCanBeTurnedOff) {
  start({{"summary", {{"enabled", false}}}});
  bool called = false;
  host_.stub_llm([&called](const json&) {
    called = true;
    return json{{"response", "x"}};
  });
  EXPECT_EQ(create({{"period", "daily"}, {"at", kAt}})["summary_status"], "disabled");
  EXPECT_FALSE(called);
}

TEST_F(ReportingApi, ListsNewestFirstWithCursorPagination) {
  start({{"trend_periods", 2}});
  std::set<std::string> ids;
  for (int i = 0; i < 5; ++i) ids.insert(daily()["id"].get<std::string>());
  create({{"period", "weekly"}, {"at", kAt}, {"summary", false}});
  std::vector<std::string> seen;
  std::vector<TimePoint> created_at;
  std::string cursor;
  for (int page = 0; page < 10; ++page) {
    auto response = host_.get("/reporting/reports?period=daily&limit=2" +
                              (cursor.empty() ? "" : "&cursor=" + cursor));
    ASSERT_EQ(response.status, 200) << response.body;
    const json body = response.json();
    for (const json& item : body["items"]) {
      EXPECT_EQ(item["period"], "daily");
      seen.push_back(item["id"]);
      created_at.push_back(parse_rfc3339(item["created_at"]));
    }
    if (body["next_cursor"].is_null()) break;
    cursor = body["next_cursor"];
  }
  EXPECT_EQ(seen.size(), 5u);
  EXPECT_EQ(std::set<std::string>(seen.begin(), seen.end()), ids);
  EXPECT_TRUE(std::is_sorted(created_at.rbegin(), created_at.rend()));  // newest first
  EXPECT_EQ(host_.get("/reporting/reports?period=weekly").json()["items"].size(), 1u);
  EXPECT_EQ(host_.get("/reporting/reports?since=2999-01-01T00:00:00Z").json()["items"].size(), 0u);

  for (const auto& [query, field] :
       std::vector<std::pair<std::string, std::string>>{{"limit=0", "limit"},
                                                        {"limit=abc", "limit"},
                                                        {"limit=101", "limit"},
                                                        {"cursor=garbage", "cursor"},
                                                        {"period=hourly", "period"},
                                                        {"since=now", "since"},
                                                        {"sort=asc", "sort"}}) {
    auto response = host_.get("/reporting/reports?" + query);
    EXPECT_EQ(response.status, 400) << query;
    EXPECT_EQ(response.json()["error"].value("field", ""), field) << query;
  }
}

TEST_F(ReportingApi, NegotiationFailuresAndUnknownReports) {
  start({{"formats", {"json", "markdown"}}});
  const std::string id = daily()["id"];
  auto png = host_.get("/reporting/reports/" + id, {{"accept", "image/png"}});
  EXPECT_EQ(png.status, 406);
  EXPECT_EQ(png.json()["error"]["available"], json({"json", "markdown"}));
  EXPECT_EQ(host_.get("/reporting/reports/" + id + "?format=html").status, 406);
  EXPECT_EQ(host_.get("/reporting/reports/" + id + "?format=pdf").status, 400);
  EXPECT_EQ(host_.get("/reporting/reports/" + id).header("content-type"), "application/json");
  EXPECT_EQ(host_.get("/reporting/reports/20990101T000000Z-00000000").status, 404);
  EXPECT_EQ(host_.get("/reporting/reports/..%2F..%2Fetc").status, 404);
  EXPECT_FALSE(fs::exists(reports_dir_ / id / "report.html"));
}

TEST_F(ReportingApi, DeleteRemovesTheIndexRowAndTheDocuments) {
  start();
  const std::string id = daily()["id"];
  ASSERT_EQ(host_.get("/reporting/reports/" + id + "?format=html").status, 200);
  EXPECT_EQ(host_.del("/reporting/reports/" + id).status, 204);
  EXPECT_EQ(host_.get("/reporting/reports/" + id + "?format=html").status, 404);
  EXPECT_EQ(host_.get("/reporting/reports/" + id).status, 404);
  EXPECT_EQ(host_.del("/reporting/reports/" + id).status, 404);
}

TEST_F(ReportingApi, RetentionJobDeletesExpiredReportsAndFiles) {
  start({{"retention_days", 7}});
  const std::string id = daily()["id"];
  host_.run_job("reporting", "retention",
                std::chrono::system_clock::now() + std::chrono::hours(24 * 6));
  EXPECT_EQ(host_.get("/reporting/reports/" + id).status, 200);
  host_.run_job("reporting", "retention",
                std::chrono::system_clock::now() + std::chrono::hours(24 * 8));
  EXPECT_EQ(host_.get("/reporting/reports/" + id).status, 404);
  EXPECT_FALSE(fs::exists(reports_dir_ / id));
  EXPECT_EQ(host_.metric("agent_reporting_reports_expired_total"), 1.0);
}

TEST_F(ReportingApi, ScheduledJobsReportOnThePeriodBeforeTheirFireTime) {
  start({{"time_zone", "Europe/Paris"}});
  const auto jobs = host_.jobs("reporting");
  EXPECT_EQ(std::set<std::string>(jobs.begin(), jobs.end()),
            (std::set<std::string>{"daily-report", "weekly-report", "retention"}));
  // Monday 2024-05-06 09:00 in Paris = 07:00 UTC.
  host_.run_job("reporting", "weekly-report", parse_rfc3339("2024-05-06T07:00:00Z"));
  const json items = host_.get("/reporting/reports").json()["items"];
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0]["period"], "weekly");
  EXPECT_EQ(items[0]["trigger"], "schedule");
  EXPECT_EQ(items[0]["from"], "2024-04-28T22:00:00Z");  // Monday 00:00 Paris
  EXPECT_EQ(items[0]["to"], "2024-05-05T22:00:00Z");
}

TEST_F(ReportingApi, TemplatesComeFromTheConfiguredFolder) {
  const fs::path folder = host_.data_dir() / "templates";
  fs::create_directories(folder);
  std::ofstream(folder / "report.md.mustache")
      << "Created: {{tasks.created}} ({{report.period}})\n";
  std::ofstream(folder / "report.html.mustache") << "<p>{{tasks.completion_rate_text}}</p>\n";
  start({{"templates_dir", folder.string()}});
  const std::string id = daily()["id"];
  EXPECT_EQ(host_.get("/reporting/reports/" + id + "?format=md").body, "Created: 12 (daily)\n");
  EXPECT_EQ(host_.get("/reporting/reports/" + id + "?format=html").body, "<p>75.0%</p>\n");
}

TEST(ReportingConfig, AMissingTemplateRefusesToStartNamingTheFile) {
  FakeHost host;
  host.add_plugin(agent_host_plugin_entry(),
                  {{"templates_dir", (host.data_dir() / "nowhere").string()},
                   {"reports_dir", (host.data_dir() / "r").string()}});
  try {
    host.start();
    FAIL() << "expected the plugin to refuse its config";
  } catch (const std::exception& e) {
    EXPECT_NE(std::string(e.what()).find("report.md.mustache"), std::string::npos) << e.what();
  }
}

TEST(ReportingConfig, AnUnknownTimeZoneIsRefused) {
  FakeHost host;
  host.add_plugin(agent_host_plugin_entry(), {{"time_zone", "Mars/Olympus"},
                                              {"reports_dir", (host.data_dir() / "r").string()}});
  try {
    host.start();
    FAIL() << "expected the plugin to refuse its config";
  } catch (const std::exception& e) {
    EXPECT_NE(std::string(e.what()).find("time_zone"), std::string::npos) << e.what();
  }
}

TEST(ReportingConfig, UnknownKeysAreRefusedBySchema) {
  FakeHost host;
  try {
    host.add_plugin(agent_host_plugin_entry(), {{"retention", 3}});
    host.start();
    FAIL() << "expected the schema to refuse the unknown key";
  } catch (const std::exception& e) {
    EXPECT_NE(std::string(e.what()).find("retention"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace reporting
