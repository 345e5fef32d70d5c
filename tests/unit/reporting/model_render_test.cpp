// The data model and every rendering of it, without a host.
#include <gtest/gtest.h>

#include "contract_payloads.hpp"
#include "csv_reader.hpp"
#include "presentation.hpp"
#include "renderers.hpp"
#include "report_model.hpp"
#include "svg_charts.hpp"

namespace reporting {
namespace {

using nlohmann::json;
using test::parse_csv;

PeerAnswer ok(json body) {
  return PeerAnswer{true, std::move(body), {}, 200};
}
PeerAnswer down(const std::string& error) {
  return PeerAnswer{false, nullptr, error, 0};
}

ReportMeta meta() {
  ReportMeta m;
  m.id = "20240506T090000Z-0000abcd";
  m.period = PeriodKind::daily;
  m.time_zone = "UTC";
  m.generated_at = parse_rfc3339("2024-05-06T09:00:00Z");
  m.window = calendar_window(PeriodKind::daily, m.generated_at, m.time_zone);
  m.previous = previous_windows(PeriodKind::daily, m.window, m.time_zone, 3);
  return m;
}

Gathered full() {
  Gathered g;
  g.task_stats = ok(test::task_stats("a", "b", 12, 9, 0.75));
  g.task_history = {ok(test::task_stats("a", "b", 10, 6, 0.6)),
                    ok(test::task_stats("a", "b", 8, 4, 0.5)),
                    ok(test::task_stats("a", "b", 5, 5, 1.0))};
  g.blocked_tasks = ok(test::task_list("blocked"));
  g.overdue_tasks = ok(test::task_list("todo"));
  g.workflow_stats = ok(test::workflow_stats("a", "b", 0.8));
  g.workflow_previous = ok(test::workflow_stats("a", "b", 0.9));
  return g;
}

TEST(ReportModel, CarriesTheFiguresAndTrends) {
  const json model = build_model(meta(), full());
  EXPECT_TRUE(model["report"]["complete"].get<bool>());
  EXPECT_EQ(model["report"]["from"], "2024-05-05T00:00:00Z");
  EXPECT_EQ(model["report"]["previous"]["from"], "2024-05-04T00:00:00Z");
  const json& tasks = model["tasks"];
  EXPECT_EQ(tasks["created"], 12);
  EXPECT_EQ(tasks["completed"], 9);
  EXPECT_EQ(tasks["completion_trend"]["direction"], "up");
  EXPECT_NEAR(tasks["completion_trend"]["change"].get<double>(), 0.15, 1e-9);
  ASSERT_EQ(tasks["history"].size(), 4u);
  EXPECT_EQ(tasks["history"][0]["created"], 5);   // oldest first
  EXPECT_EQ(tasks["history"][3]["created"], 12);  // the report's own window last
  EXPECT_EQ(tasks["by_status"][2]["status"], "blocked");
  EXPECT_EQ(tasks["by_status"][2]["count"], 2);
  EXPECT_EQ(tasks["by_assignee"][0]["assignee"], "ada");
  EXPECT_EQ(tasks["blocked_tasks"]["items"].size(), 2u);
  EXPECT_EQ(tasks["blocked_tasks"]["items"][0]["due"], "2024-05-01T12:00:00Z");
  const json& runs = model["workflows"];
  EXPECT_EQ(runs["runs_total"], 40);
  EXPECT_EQ(runs["success_trend"]["direction"], "down");
  EXPECT_EQ(runs["duration_seconds"]["p95"], 42.25);
  EXPECT_EQ(runs["top_failing_steps"][0]["step"], "push");
}

TEST(ReportModel, NullRatesGiveAnUnknownTrend) {
  Gathered g = full();
  g.task_history[0] = ok(test::task_stats("a", "b", 0, 0, nullptr));
  const json model = build_model(meta(), g);
  EXPECT_EQ(model["tasks"]["completion_trend"]["direction"], "unknown");
  EXPECT_TRUE(model["tasks"]["completion_trend"]["change"].is_null());
  EXPECT_EQ(trend_text(model["tasks"]["completion_trend"]).rfind("no comparison", 0), 0u);
}

TEST(ReportModel, APeerThatIsDownMakesItsSectionUnavailable) {
  Gathered g = full();
  g.workflow_stats = down("workflow GET /stats unavailable: connection refused (after 3 attempts)");
  const json model = build_model(meta(), g);
  EXPECT_FALSE(model["report"]["complete"].get<bool>());
  EXPECT_TRUE(model["tasks"]["available"].get<bool>());
  EXPECT_FALSE(model["workflows"]["available"].get<bool>());
  EXPECT_NE(model["workflows"]["error"].get<std::string>().find("connection refused"),
            std::string::npos);
}

TEST(ReportModel, AnAnswerMissingAContractFieldIsNamed) {
  Gathered g = full();
  g.task_stats.body.erase("by_status");
  const json model = build_model(meta(), g);
  EXPECT_FALSE(model["tasks"]["available"].get<bool>());
  EXPECT_NE(model["tasks"]["error"].get<std::string>().find("by_status"), std::string::npos);
}

TEST(ReportModel, AFailedHistoryPointStaysInTheTrendAsUnavailable) {
  Gathered g = full();
  g.task_history[1] = down("timed out");
  const json model = build_model(meta(), g);
  EXPECT_TRUE(model["tasks"]["available"].get<bool>());
  EXPECT_FALSE(model["tasks"]["history"][1]["available"].get<bool>());
  EXPECT_EQ(model["tasks"]["history"][1]["error"], "timed out");
}

json with_summary(json model) {
  model["summary"] = {{"status", "generated"},
                      {"text", "All good | mostly."},
                      {"note", nullptr},
                      {"model", "llama3"},
                      {"latency_seconds", 1.2}};
  return model;
}

TEST(Renderers, CsvParsesBackWithEveryTable) {
  const json model = with_summary(build_model(meta(), full()));
  const auto rows = parse_csv(render_csv(model));
  ASSERT_FALSE(rows.empty());
  EXPECT_EQ(rows[0], (std::vector<std::string>{"section", "item", "measure", "value"}));
  for (const auto& row : rows) EXPECT_EQ(row.size(), 4u);
  using test::csv_lookup;
  EXPECT_EQ(csv_lookup(rows, "tasks", "", "created"), "12");
  EXPECT_EQ(csv_lookup(rows, "tasks", "", "completion_rate"), "0.75");
  EXPECT_EQ(csv_lookup(rows, "workload", "ada", "overdue"), "2");
  EXPECT_EQ(csv_lookup(rows, "tasks_by_status", "blocked", "count"), "2");
  EXPECT_EQ(csv_lookup(rows, "blocked_tasks", "t-2", "title"), "Write, \"quoted\" docs");
  EXPECT_EQ(csv_lookup(rows, "runs_by_status", "failed", "count"), "5");
  EXPECT_EQ(csv_lookup(rows, "failing_workflows", "deploy", "failed"), "4");
  EXPECT_EQ(csv_lookup(rows, "failing_steps", "deploy/push", "failed"), "3");
  EXPECT_EQ(csv_lookup(rows, "workflows", "", "duration_p95_seconds"), "42.25");
  EXPECT_EQ(csv_lookup(rows, "summary", "", "text"), "All good | mostly.");
}

TEST(Renderers, MarkdownKeepsTablesIntactAndEscapesCells) {
  const json model = with_summary(build_model(meta(), full()));
  const std::string md = render_formats(builtin_templates(), model, {"markdown"}).at("markdown");
  EXPECT_NE(md.find("# Daily report, 2024-05-05 00:00 to 2024-05-06 00:00 (UTC)"),
            std::string::npos);
  EXPECT_NE(md.find("| Created | 12 |"), std::string::npos);
  EXPECT_NE(md.find("| Completion rate | 75.0% |"), std::string::npos);
  EXPECT_NE(md.find("up 15.0 points (from 60.0%)"), std::string::npos);
  EXPECT_NE(md.find("| ada | 4 | 6 | 2 |"), std::string::npos);
  EXPECT_NE(md.find("Fix the \\| pipe &lt;script&gt;"), std::string::npos);
  EXPECT_NE(md.find("| deploy | push | 3 |"), std::string::npos);
  EXPECT_NE(md.find("All good \\| mostly."), std::string::npos);
  // Every table row has the same number of cells as its header.
  size_t cells = 0;
  std::istringstream lines(md);
  for (std::string line; std::getline(lines, line);) {
    if (line.empty() || line[0] != '|') {
      cells = 0;
      continue;
    }
    size_t count = 0;
    for (size_t i = 0; i < line.size(); ++i)
      if (line[i] == '|' && (i == 0 || line[i - 1] != '\\')) ++count;
    if (cells == 0) cells = count;
    EXPECT_EQ(count, cells) << line;
  }
}

// The charts escape text as the HTML template does (one escaper for the page).
TEST(Renderers, ChartsEscapeTextLikeTheTemplate) {
  const std::string svg = bar_chart_svg("Bob's <b> & \"co\"", {{"<script>", 1, ""}});
  EXPECT_NE(svg.find("<title>Bob&apos;s &lt;b&gt; &amp; &quot;co&quot;</title>"), std::string::npos)
      << svg;
  EXPECT_NE(svg.find("&lt;script&gt;"), std::string::npos);
  EXPECT_EQ(svg.find("<script>"), std::string::npos);
  const std::string trend = trend_chart_svg("a&b", {{"<w1>", 1, 1, false, 0, true}});
  EXPECT_NE(trend.find("&lt;w1&gt;"), std::string::npos) << trend;
}

TEST(Renderers, HtmlEscapesDataAndEmbedsCharts) {
  const json model = with_summary(build_model(meta(), full()));
  const std::string html = render_formats(builtin_templates(), model, {"html"}).at("html");
  EXPECT_EQ(html.find("<script>"), std::string::npos);
  EXPECT_NE(html.find("&lt;script&gt;"), std::string::npos);
  EXPECT_NE(html.find("<svg"), std::string::npos);
  EXPECT_NE(html.find("@media print"), std::string::npos);
  EXPECT_EQ(html.find("http://") == std::string::npos ||
                html.find("http://www.w3.org/2000/svg") != std::string::npos,
            true);
  EXPECT_EQ(html.find("<link"), std::string::npos);  // self-contained
}

TEST(Renderers, UnavailableSectionsSaySo) {
  Gathered g = full();
  g.task_stats = down("task-manager GET /stats unavailable: refused (after 3 attempts)");
  json model = build_model(meta(), g);
  model["summary"] = {{"status", "not_configured"},
                      {"text", nullptr},
                      {"note", "No summary: no language model is configured."},
                      {"model", nullptr},
                      {"latency_seconds", nullptr}};
  const auto docs = render_formats(builtin_templates(), model, {"markdown", "html", "csv", "json"});
  EXPECT_NE(docs.at("markdown").find("**Task statistics unavailable:** task-manager GET /stats"),
            std::string::npos);
  EXPECT_NE(docs.at("markdown").find("No summary: no language model is configured."),
            std::string::npos);
  EXPECT_NE(docs.at("html").find("Task statistics unavailable: task-manager"), std::string::npos);
  EXPECT_EQ(test::csv_lookup(parse_csv(docs.at("csv")), "tasks", "", "unavailable"),
            "task-manager GET /stats unavailable: refused (after 3 attempts)");
  EXPECT_EQ(json::parse(docs.at("json"))["tasks"]["available"], false);
  EXPECT_NE(docs.at("html").find("Workflow runs"), std::string::npos);
}

TEST(Renderers, BadTemplateIsReportedWithItsProblem) {
  EXPECT_THROW(render_template("{{#open}} never closed", json::object(), false),
               std::runtime_error);
}

TEST(Presentation, FormatsDurationsAndPercentages) {
  EXPECT_EQ(percent_text(0.625), "62.5%");
  EXPECT_EQ(percent_text(nullptr), "n/a");
  EXPECT_EQ(duration_text(42.25), "42.2s");
  EXPECT_EQ(duration_text(0.25), "250 ms");
  EXPECT_EQ(duration_text(0.0004), "0 ms");
  EXPECT_EQ(duration_text(1.0), "1.0s");
  EXPECT_EQ(duration_text(5400), "1h 30m");
  EXPECT_EQ(duration_text(750), "12m 30s");
  EXPECT_EQ(duration_text(90000), "1d 01h");
}

}  // namespace
}  // namespace reporting
