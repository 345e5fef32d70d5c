// The reporting agent with the real Task Manager and Workflow agents: in one
// host (all-in-one) and as three host processes talking over loopback HTTP
// (the Kubernetes topology). Report contents are checked in every format
// against data created through the other agents' APIs.
#include <gtest/gtest.h>

#include <chrono>
#include <host_process.hpp>

#include "report_documents.hpp"
#include "seed_data.hpp"
#include "time_window.hpp"

namespace reporting {
namespace {

using agent_host::test::HostProcess;
using agent_host::test::http;
using nlohmann::json;

json reporting_config() {
  return {{"peer_retries", 1}, {"peer_retry_backoff_ms", 50}, {"peer_timeout_ms", 3000}};
}

// A range around now that holds everything the test created.
json range_body() {
  const auto now = std::chrono::time_point_cast<std::chrono::milliseconds>(Clock::now());
  return {{"from", format_rfc3339(now - std::chrono::hours(1))},
          {"to", format_rfc3339(now + std::chrono::hours(1))},
          {"summary", false}};
}

json create_report(const std::string& reporting_url, const json& body) {
  auto reply =
      http("POST", reporting_url + "/reports", body.dump(), {{"content-type", "application/json"}});
  EXPECT_EQ(reply.status, 201) << reply.body;
  EXPECT_FALSE(reply.header("location").empty());
  return reply.json();
}

TEST(ReportingAllInOne, ReportMatchesWhatTheAgentsWereGiven) {
  HostProcess host(json{{"scheduler", {{"enabled", false}}},
                        {"plugins",
                         {{"task-manager", {{"config", json::object()}}},
                          {"workflow", {{"config", {{"definitions_dir", ""}}}}},
                          {"reporting", {{"config", reporting_config()}}}}}});
  test::seed_tasks(host.base_url() + "/task");
  test::seed_runs(host.base_url() + "/workflow");
  const json created = create_report(host.base_url() + "/reporting", range_body());
  EXPECT_EQ(created["outcome"], "ok");
  test::check_report_against(host.base_url() + "/reporting", created["id"], test::Expected{});

  // The report's figures are the Task Manager's own.
  const json stats =
      http("GET", host.base_url() + "/task/stats?from=" + created["from"].get<std::string>() +
                      "&to=" + created["to"].get<std::string>())
          .json();
  const json model =
      http("GET", host.base_url() + "/reporting/reports/" + created["id"].get<std::string>())
          .json();
  for (const char* field : {"created", "completed", "overdue", "blocked", "open"})
    EXPECT_EQ(model["tasks"][field], stats[field]) << field;

  // The generic job endpoint the Kubernetes CronJobs call produces a daily report.
  auto job = http("POST", host.base_url() + "/jobs/reporting/daily-report");
  EXPECT_EQ(job.status / 100, 2) << job.body;
  const json daily = http("GET", host.base_url() + "/reporting/reports?period=daily").json();
  ASSERT_EQ(daily["items"].size(), 1u);
  EXPECT_EQ(daily["items"][0]["trigger"], "schedule");

  // Metrics are exposed with the plugin prefix.
  const std::string metrics = http("GET", host.metrics_url()).body;
  EXPECT_NE(metrics.find("agent_reporting_reports_total{"), std::string::npos);
  EXPECT_NE(metrics.find("agent_reporting_generation_duration_seconds_bucket"), std::string::npos);
}

class ReportingThreeProcesses : public ::testing::Test {
 protected:
  void SetUp() override {
    workflow_ = std::make_unique<HostProcess>(
        json{{"service", "workflow"},
             {"plugins", {{"workflow", {{"config", {{"definitions_dir", ""}}}}}}}});
    tasks_ = std::make_unique<HostProcess>(
        json{{"service", "task-manager"},
             {"peers", {{"workflow", workflow_->base_url()}}},
             {"plugins", {{"task-manager", {{"config", json::object()}}}}}});
    reporting_ = std::make_unique<HostProcess>(
        json{{"service", "reporting-agent"},
             {"scheduler", {{"enabled", false}}},
             {"peer_timeout_ms", 3000},
             {"peers", {{"task-manager", tasks_->base_url()}, {"workflow", workflow_->base_url()}}},
             {"plugins", {{"reporting", {{"config", reporting_config()}}}}}});
  }

  std::unique_ptr<HostProcess> workflow_, tasks_, reporting_;
};

TEST_F(ReportingThreeProcesses, ReportGathersFromPeersOverHttp) {
  test::seed_tasks(tasks_->base_url() + "/task");
  test::seed_runs(workflow_->base_url() + "/workflow");
  const json created = create_report(reporting_->base_url() + "/reporting", range_body());
  EXPECT_EQ(created["outcome"], "ok");
  test::check_report_against(reporting_->base_url() + "/reporting", created["id"],
                             test::Expected{});
}

TEST_F(ReportingThreeProcesses, APeerOutageLeavesItsSectionUnavailable) {
  test::seed_tasks(tasks_->base_url() + "/task");
  workflow_->kill9();
  const json created = create_report(reporting_->base_url() + "/reporting", range_body());
  EXPECT_EQ(created["outcome"], "partial");
  EXPECT_EQ(created["tasks_available"], true);
  EXPECT_EQ(created["workflows_available"], false);
  const std::string url =
      reporting_->base_url() + "/reporting/reports/" + created["id"].get<std::string>();
  const std::string md = http("GET", url + "?format=markdown").body;
  EXPECT_NE(md.find("**Workflow statistics unavailable:** workflow GET /stats"), std::string::npos)
      << md;
  EXPECT_NE(md.find("(after 2 attempts)"), std::string::npos);
  EXPECT_NE(md.find("| Created | 10 |"), std::string::npos);
  const auto html = test::parse_html(http("GET", url + "?format=html").body);
  EXPECT_FALSE(html.parse_errors);
  EXPECT_EQ(html.values.at("workflows-unavailable").rfind("Workflow statistics unavailable", 0),
            0u);
  const std::string metrics = http("GET", reporting_->metrics_url()).body;
  EXPECT_NE(metrics.find("agent_reporting_peer_errors_total{peer=\"workflow\"}"),
            std::string::npos);
}

}  // namespace
}  // namespace reporting
