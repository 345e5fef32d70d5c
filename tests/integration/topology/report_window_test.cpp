// A report is true to its window: its figures and its task lists describe the
// same tasks (created before the window's end) at the same moment (generation,
// stated as state_as_of), in JSON, CSV, Markdown and HTML. Tasks created now are
// after a past window and inside a present one. The real host runs the all-in-one config.
#include <gtest/gtest.h>

#include <ctime>
#include <string>

#include "host_process.hpp"
#include "role_config.hpp"

namespace agent_host::test {
namespace {

class ReportWindow : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    host_ = new HostProcess(all_in_one_test_config());
    for (int i = 0; i < 4; ++i) {
      const Reply created = http("POST", host_->base_url() + "/task/tasks",
                                 R"({"title":"late","due_at":"2020-01-01T00:00:00Z"})");
      ASSERT_EQ(created.status, 201) << created.body;
      if (i % 2 == 0)
        http("POST",
             host_->base_url() + "/task/tasks/" + created.json()["id"].get<std::string>() +
                 "/transitions",
             R"({"to":"blocked"})");
    }
  }
  static void TearDownTestSuite() {
    delete host_;
    host_ = nullptr;
  }
  static std::string report(const std::string& request) {
    const Reply created = http("POST", host_->base_url() + "/reporting/reports", request);
    EXPECT_EQ(created.status, 201) << created.body;
    return created.json().value("id", "");
  }
  static std::string document(const std::string& id, const std::string& format) {
    return http("GET", host_->base_url() + "/reporting/reports/" + id + "?format=" + format).body;
  }
  static void expect_agreement(const std::string& id, int blocked, int overdue) {
    const auto model = nlohmann::json::parse(document(id, "json"));
    const auto& tasks = model["tasks"];
    EXPECT_EQ(tasks["blocked"], blocked) << tasks.dump();
    EXPECT_EQ(tasks["overdue"], overdue) << tasks.dump();
    EXPECT_EQ(tasks["blocked_tasks"]["items"].size(), static_cast<size_t>(blocked));
    EXPECT_EQ(tasks["overdue_tasks"]["items"].size(), static_cast<size_t>(overdue));
    EXPECT_EQ(model["report"]["state_as_of"], model["report"]["generated_at"]);
    const std::string as_of = model["report"]["state_as_of_local"];
    EXPECT_NE(document(id, "csv").find("state_as_of"), std::string::npos);
    EXPECT_NE(document(id, "markdown").find("Blocked (as of " + as_of + ")"), std::string::npos);
    EXPECT_NE(document(id, "html").find("blocked as of " + as_of), std::string::npos);
  }
  static HostProcess* host_;
};
HostProcess* ReportWindow::host_ = nullptr;

TEST_F(ReportWindow, APastWindowListsNoTaskCreatedAfterIt) {
  expect_agreement(report(R"({"period":"custom","from":"2020-01-01T00:00:00Z",)"
                          R"("to":"2020-01-02T00:00:00Z"})"),
                   0, 0);
  expect_agreement(report(R"({"period":"daily","at":"2021-06-01T12:00:00Z"})"), 0, 0);
}

TEST_F(ReportWindow, APresentWindowListsTheTasksCreatedInIt) {
  // The daily report of today: its window holds the tasks just created.
  const std::time_t tomorrow = std::time(nullptr) + 86400;
  char at[32];
  std::strftime(at, sizeof at, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&tomorrow));
  expect_agreement(report(std::string(R"({"period":"daily","at":")") + at + "\"}"), 2, 4);
}

}  // namespace
}  // namespace agent_host::test
