// The HTML report as a browser lays it out: a report with blocked and overdue
// tasks, rendered by the shipped template in headless Chromium (Debian's
// `chromium`) at 1400 px and 375 px, must not scroll sideways; due times read
// "YYYY-MM-DD HH:MM" in the report's zone. The real host runs the all-in-one config.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <string>

#include "host_process.hpp"
#include "role_config.hpp"

namespace agent_host::test {
namespace {

std::string chromium() {
  for (const char* candidate : {"/usr/bin/chromium", "/usr/bin/chromium-browser"})
    if (std::filesystem::exists(candidate)) return candidate;
  return {};
}

// Whether the page at `file` is wider than a `width` px window, measured by
// the browser: a probe script appended to a copy sets the title.
std::string overflow_at(const std::string& browser, const std::filesystem::path& file, int width) {
  const std::string command =
      browser +
      " --headless=new --no-sandbox --disable-gpu --window-size=" + std::to_string(width) +
      ",2400 --dump-dom file://" + file.string() + " 2>/dev/null";
  FILE* pipe = popen(command.c_str(), "r");
  if (!pipe) return "cannot start " + browser;
  std::string dom;
  char buffer[4096];
  while (size_t n = fread(buffer, 1, sizeof buffer, pipe)) dom.append(buffer, n);
  pclose(pipe);
  const size_t at = dom.find("<title>overflow=");
  if (at == std::string::npos) return "no probe result in the DOM";
  return dom.substr(at + 16, dom.find('<', at + 16) - at - 16);
}

TEST(ReportLayout, HtmlReportFitsWideAndNarrowScreens) {
  const std::string browser = chromium();
  if (browser.empty()) GTEST_SKIP() << "chromium is not installed (apt-get install chromium)";
  HostProcess host(all_in_one_test_config());
  const std::string base = host.base_url();
  for (int day = 1; day <= 6; ++day) {
    const Reply created =
        http("POST", base + "/task/tasks",
             nlohmann::json{
                 {"title", "A rather long task title that needs attention " + std::to_string(day)},
                 {"assignee", "ada.lovelace"},
                 {"due_at", "2020-01-0" + std::to_string(day) + "T09:30:00Z"}}
                 .dump());
    ASSERT_EQ(created.status, 201) << created.body;
    if (day % 2)
      http("POST", base + "/task/tasks/" + created.json()["id"].get<std::string>() + "/transitions",
           R"({"to":"blocked"})");
  }
  // Today's daily report (at = tomorrow): its window holds the tasks just created.
  const std::time_t tomorrow = std::time(nullptr) + 86400;
  char at[32];
  std::strftime(at, sizeof at, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&tomorrow));
  const Reply report = http("POST", base + "/reporting/reports",
                            std::string(R"({"period":"daily","at":")") + at + "\"}");
  ASSERT_EQ(report.status, 201) << report.body;
  const Reply html = http("GET", base + "/reporting/reports/" +
                                     report.json()["id"].get<std::string>() + "?format=html");
  ASSERT_EQ(html.status, 200);
  EXPECT_NE(html.body.find(">2020-01-01 09:30<"), std::string::npos) << "due time format";
  EXPECT_EQ(html.body.find(">2020-01-01T09:30:00"), std::string::npos) << "raw ISO due time";

  const auto page = host.work_dir() / "report-probe.html";
  std::string probed = html.body;
  const std::string probe =
      "<script>document.title = 'overflow=' + "
      "(document.documentElement.scrollWidth > window.innerWidth);</script>";
  probed.insert(probed.rfind("</body>"), probe);
  std::ofstream(page) << probed;
  for (int width : {1400, 375}) EXPECT_EQ(overflow_at(browser, page, width), "false") << width;
}

}  // namespace
}  // namespace agent_host::test
