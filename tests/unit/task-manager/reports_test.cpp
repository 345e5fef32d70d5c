// The daily-report job and GET /task/reports/daily.
#include <date/date.h>

#include <agent_host/time.hpp>

#include "fake_host_fixture.hpp"

namespace task_manager::testing {
namespace {

class DailyReport : public TaskManagerTest {
 protected:
  json plugin_config() override { return {{"time_zone", "UTC"}, {"events", {{"enabled", false}}}}; }
  static std::string today() {
    return date::format("%F", date::floor<date::days>(std::chrono::system_clock::now()));
  }
};

TEST_F(DailyReport, JobIsRegisteredAndStoresThePreviousDay) {
  EXPECT_EQ(host.jobs("task-manager"), std::vector<std::string>{"daily-report"});
  create({{"title", "a"}, {"assignee", "ada"}});
  const std::string done = create({{"title", "b"}, {"assignee", "ada"}})["id"];
  host.post("/task/tasks/" + done + "/transitions", {{"to", "done"}});
  create({{"title", "late"}, {"assignee", "bob"}, {"due_at", "2001-01-01T00:00:00Z"}});

  const json live = host.get("/task/reports/daily").json();
  EXPECT_EQ(live["source"], "live");
  EXPECT_EQ(live["date"], today());

  // Fired at 09:00 tomorrow, the job summarizes today.
  const auto tomorrow_9am = date::floor<date::days>(std::chrono::system_clock::now()) +
                            date::days(1) + std::chrono::hours(9);
  host.run_job("task-manager", "daily-report", tomorrow_9am);
  create({{"title", "after the job"}});
  const json stored = host.get("/task/reports/daily?date=" + today()).json();
  EXPECT_EQ(stored["source"], "stored");
  EXPECT_EQ(stored["date"], today());
  EXPECT_EQ(stored["time_zone"], "UTC");
  EXPECT_EQ(stored["created"], 3);
  EXPECT_EQ(stored["completed"], 1);
  EXPECT_EQ(stored["overdue"], 1);
  EXPECT_EQ(stored["by_assignee"].size(), 2u);
  EXPECT_EQ(stored["by_assignee"][0]["assignee"], "ada");
  EXPECT_EQ(stored["by_assignee"][0]["completed"], 1);
}

TEST(DailyReportConfig, UnknownTimeZoneIsRefusedNamingTheKey) {
  FakeHost host;
  host.add_plugin_file(std::string(AH_BINARY_DIR) + "/ah-task-manager.so",
                       {{"time_zone", "Mars/Olympus"}});
  try {
    host.start();
    FAIL() << "an unknown time zone was accepted";
  } catch (const std::exception& e) {
    EXPECT_NE(std::string(e.what()).find("time_zone"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace task_manager::testing
