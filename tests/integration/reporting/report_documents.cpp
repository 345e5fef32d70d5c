#include "report_documents.hpp"

#include <gtest/gtest.h>
#include <libxml/HTMLparser.h>
#include <libxml/xpath.h>

#include <host_process.hpp>
#include <memory>

#include "csv_reader.hpp"

namespace reporting::test {
namespace {

using agent_host::test::http;
using nlohmann::json;

std::string trim(const std::string& text) {
  const auto begin = text.find_first_not_of(" \t\r\n");
  if (begin == std::string::npos) return {};
  return text.substr(begin, text.find_last_not_of(" \t\r\n") - begin + 1);
}

std::string content(xmlNode* node) {
  xmlChar* raw = xmlNodeGetContent(node);
  std::string text = raw ? reinterpret_cast<const char*>(raw) : "";
  xmlFree(raw);
  return trim(text);
}

std::string attribute(xmlNode* node, const char* name) {
  xmlChar* raw = xmlGetProp(node, reinterpret_cast<const xmlChar*>(name));
  std::string text = raw ? reinterpret_cast<const char*>(raw) : "";
  xmlFree(raw);
  return text;
}

std::vector<xmlNode*> select(xmlXPathContext* context, const char* path, xmlNode* from = nullptr) {
  if (from) context->node = from;
  std::unique_ptr<xmlXPathObject, decltype(&xmlXPathFreeObject)> result(
      xmlXPathEvalExpression(reinterpret_cast<const xmlChar*>(path), context), xmlXPathFreeObject);
  std::vector<xmlNode*> nodes;
  if (result && result->nodesetval)
    for (int i = 0; i < result->nodesetval->nodeNr; ++i)
      nodes.push_back(result->nodesetval->nodeTab[i]);
  return nodes;
}

// libxml2's HTML 4 parser does not know svg/section/header/time; unknown tags
// are fine, anything else (bad nesting, broken entities) is a real error.
void collect_error(void* user, xmlError* error) {
  if (error && error->code != XML_HTML_UNKNOWN_TAG) {
    *static_cast<bool*>(user) = true;
    ADD_FAILURE() << "HTML parse error " << error->code << " at line " << error->line << ": "
                  << (error->message ? error->message : "");
  }
}

std::string measure(const HtmlReport& html, const std::string& table, const std::string& label) {
  auto it = html.tables.find(table);
  if (it == html.tables.end()) return "<no table " + table + ">";
  for (const auto& row : it->second)
    if (row.size() >= 2 && row[0] == label) return row[1];
  return "<no row " + label + ">";
}

std::string percent(double ratio) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.1f%%", ratio * 100);
  return buffer;
}

}  // namespace

HtmlReport parse_html(const std::string& html) {
  HtmlReport report;
  xmlSetStructuredErrorFunc(&report.parse_errors, collect_error);
  std::unique_ptr<xmlDoc, decltype(&xmlFreeDoc)> doc(
      htmlReadMemory(html.data(), static_cast<int>(html.size()), "report.html", "UTF-8",
                     HTML_PARSE_NONET),
      xmlFreeDoc);
  xmlSetStructuredErrorFunc(nullptr, nullptr);
  if (!doc) {
    report.parse_errors = true;
    return report;
  }
  std::unique_ptr<xmlXPathContext, decltype(&xmlXPathFreeContext)> context(
      xmlXPathNewContext(doc.get()), xmlXPathFreeContext);
  for (xmlNode* table : select(context.get(), "//table[@id]")) {
    auto& rows = report.tables[attribute(table, "id")];
    for (xmlNode* tr : select(context.get(), ".//tr", table)) {
      std::vector<std::string> cells;
      for (xmlNode* cell : select(context.get(), "./th|./td", tr)) cells.push_back(content(cell));
      rows.push_back(cells);
    }
  }
  for (xmlNode* node : select(context.get(), "//*[@id]", xmlDocGetRootElement(doc.get())))
    report.values[attribute(node, "id")] = content(node);
  report.svg_charts = static_cast<int>(select(context.get(), "//svg").size());
  auto titles = select(context.get(), "//title");
  if (!titles.empty()) report.title = content(titles[0]);
  report.text = content(xmlDocGetRootElement(doc.get()));
  return report;
}

void check_report_against(const std::string& reporting_url, const std::string& id,
                          const Expected& e) {
  const std::string url = reporting_url + "/reports/" + id;

  // JSON: the data model.
  auto json_reply = http("GET", url, {}, {{"accept", "application/json"}});
  ASSERT_EQ(json_reply.status, 200) << json_reply.body;
  const json model = json_reply.json();
  const json& tasks = model["tasks"];
  ASSERT_TRUE(tasks["available"].get<bool>()) << tasks.dump();
  EXPECT_EQ(tasks["created"], e.created);
  EXPECT_EQ(tasks["completed"], e.completed);
  EXPECT_EQ(tasks["cancelled"], e.cancelled);
  EXPECT_EQ(tasks["blocked"], e.blocked);
  EXPECT_EQ(tasks["overdue"], e.overdue);
  EXPECT_EQ(tasks["open"], e.open);
  EXPECT_NEAR(tasks["completion_rate"].get<double>(), e.completion_rate, 1e-9);
  ASSERT_EQ(tasks["blocked_tasks"]["items"].size(), 1u);
  EXPECT_EQ(tasks["blocked_tasks"]["items"][0]["title"], e.blocked_title);
  EXPECT_EQ(tasks["overdue_tasks"]["items"].size(), static_cast<size_t>(e.overdue));
  const json& runs = model["workflows"];
  ASSERT_TRUE(runs["available"].get<bool>()) << runs.dump();
  EXPECT_EQ(runs["runs_total"], e.runs_total);
  EXPECT_NEAR(runs["success_rate"].get<double>(), e.success_rate, 1e-9);
  ASSERT_FALSE(runs["top_failing_workflows"].empty());
  EXPECT_EQ(runs["top_failing_workflows"][0]["workflow"], e.failing_workflow);
  EXPECT_EQ(runs["top_failing_workflows"][0]["failed"], e.runs_failed);
  ASSERT_FALSE(runs["top_failing_steps"].empty());
  EXPECT_EQ(runs["top_failing_steps"][0]["step"], e.failing_step);
  EXPECT_TRUE(runs["duration_seconds"]["p50"].is_number());

  // HTML, parsed.
  auto html_reply = http("GET", url, {}, {{"accept", "text/html"}});
  ASSERT_EQ(html_reply.status, 200);
  EXPECT_EQ(html_reply.header("content-type").rfind("text/html", 0), 0u);
  const HtmlReport html = parse_html(html_reply.body);
  EXPECT_FALSE(html.parse_errors);
  EXPECT_EQ(measure(html, "task-measures", "Created"), std::to_string(e.created));
  EXPECT_EQ(measure(html, "task-measures", "Completed"), std::to_string(e.completed));
  // Task state is the state at generation, labelled with that moment.
  const std::string as_of = " (as of " + model["report"].value("state_as_of_local", "?") + ")";
  EXPECT_EQ(measure(html, "task-measures", "Overdue" + as_of), std::to_string(e.overdue));
  EXPECT_EQ(measure(html, "task-measures", "Blocked" + as_of), std::to_string(e.blocked));
  EXPECT_EQ(measure(html, "task-measures", "Completion rate"), percent(e.completion_rate));
  EXPECT_EQ(measure(html, "runs-by-status", "failed"), std::to_string(e.runs_failed));
  EXPECT_EQ(measure(html, "runs-by-status", "succeeded"), std::to_string(e.runs_succeeded));
  EXPECT_EQ(measure(html, "failing-workflows", e.failing_workflow), std::to_string(e.runs_failed));
  EXPECT_EQ(html.values.at("runs-success-rate"), percent(e.success_rate));
  EXPECT_EQ(html.tables.at("workload").size(), 4u);  // header + ada, grace, linus
  EXPECT_EQ(html.tables.at("blocked-tasks").at(1).at(1), e.blocked_title);
  EXPECT_GE(html.svg_charts, 4);

  // Markdown.
  auto md = http("GET", url + "?format=markdown");
  ASSERT_EQ(md.status, 200);
  EXPECT_EQ(md.header("content-type").rfind("text/markdown", 0), 0u);
  EXPECT_NE(md.body.find("| Created | " + std::to_string(e.created) + " |"), std::string::npos);
  EXPECT_NE(md.body.find("| " + e.failing_workflow + " | " + std::to_string(e.runs_failed) + " |"),
            std::string::npos);
  EXPECT_NE(md.body.find("Blocked on &lt;vendor&gt; \\| waiting"), std::string::npos);

  // CSV, parsed.
  auto csv_reply = http("GET", url, {}, {{"accept", "text/csv"}});
  ASSERT_EQ(csv_reply.status, 200);
  const auto rows = parse_csv(csv_reply.body);
  for (const auto& row : rows) EXPECT_EQ(row.size(), 4u);
  EXPECT_EQ(csv_lookup(rows, "tasks", "", "created"), std::to_string(e.created));
  EXPECT_EQ(csv_lookup(rows, "tasks", "", "overdue"), std::to_string(e.overdue));
  EXPECT_EQ(csv_lookup(rows, "workload", "ada", "completed"), "2");
  EXPECT_EQ(csv_lookup(rows, "runs_by_status", "failed", "count"), std::to_string(e.runs_failed));
  EXPECT_EQ(csv_lookup(rows, "failing_steps", e.failing_workflow + "/" + e.failing_step, "failed"),
            std::to_string(e.runs_failed));
}

}  // namespace reporting::test
