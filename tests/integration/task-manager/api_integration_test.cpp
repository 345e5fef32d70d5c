// The API over real HTTP against a real host and SQLite file: endpoints, errors,
// races on If-Match and Idempotency-Key, pagination during inserts, daily report.
#include <atomic>
#include <set>
#include <thread>

#include "task_manager_hosts.hpp"

namespace task_manager::integration {
namespace {

class TaskManagerHost : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    // Events go nowhere reachable here; the outbox keeps them (tested elsewhere).
    host_ = new HostProcess(task_manager_config("http://127.0.0.1:9"));
  }
  static void TearDownTestSuite() {
    delete host_;
    host_ = nullptr;
  }
  static std::string url(const std::string& path) { return host_->base_url() + "/task" + path; }
  static json create(const json& body, const Headers& headers = {}) {
    const Reply reply = call("POST", url("/tasks"), body, headers);
    EXPECT_EQ(reply.status, 201) << reply.body;
    return reply.json();
  }
  static HostProcess* host_;
};
HostProcess* TaskManagerHost::host_ = nullptr;

TEST_F(TaskManagerHost, EveryEndpointAndItsErrors) {
  const json task = create({{"title", "Integration"}, {"assignee", "ada"}, {"tags", {"it"}}});
  const std::string id = task["id"];
  Reply got = call("GET", url("/tasks/" + id));
  EXPECT_EQ(got.status, 200);
  EXPECT_EQ(got.header("etag"), "\"1\"");

  EXPECT_EQ(call("POST", url("/tasks"), {{"title", ""}}).json()["error"]["field"], "title");
  EXPECT_EQ(call("POST", url("/tasks"), {{"title", "x"}, {"x", 1}}).json()["error"]["field"], "x");
  EXPECT_EQ(call("GET", url("/tasks/unknown")).status, 404);

  Reply patched =
      call("PATCH", url("/tasks/" + id), {{"priority", "urgent"}}, {{"If-Match", "\"1\""}});
  EXPECT_EQ(patched.status, 200) << patched.body;
  EXPECT_EQ(
      call("PATCH", url("/tasks/" + id), {{"priority", "low"}}, {{"If-Match", "\"1\""}}).status,
      412);
  Reply moved = call("POST", url("/tasks/" + id + "/transitions"), {{"to", "cancelled"}});
  EXPECT_EQ(moved.json()["status"], "cancelled");
  Reply illegal = call("POST", url("/tasks/" + id + "/transitions"), {{"to", "done"}});
  EXPECT_EQ(illegal.status, 409);
  EXPECT_EQ(illegal.json()["error"]["from"], "cancelled");
  EXPECT_EQ(illegal.json()["error"]["to"], "done");

  Reply bulk = call("POST", url("/tasks/bulk"),
                    {{"create", {{{"title", "b1"}}, {{"title", "b2"}}}},
                     {"update", {{{"id", id}, {"title", "renamed"}}}}});
  EXPECT_EQ(bulk.status, 200) << bulk.body;
  EXPECT_EQ(bulk.json()["created"].size(), 2u);

  Reply list = call("GET", url("/tasks?assignee=ada&tag=it"));
  EXPECT_EQ(list.json()["items"].size(), 1u);
  Reply stats = call("GET", url("/stats?from=2000-01-01T00:00:00Z&to=2999-01-01T00:00:00Z"));
  EXPECT_EQ(stats.status, 200);
  EXPECT_GE(stats.json()["cancelled"].get<int>(), 1);
  EXPECT_EQ(call("GET", url("/stats?from=2020-01-01T00:00:00Z&to=2019-01-01T00:00:00Z")).status,
            400);

  EXPECT_EQ(call("DELETE", url("/tasks/" + id)).status, 204);
  EXPECT_EQ(call("DELETE", url("/tasks/" + id)).status, 404);

  const json openapi = call("GET", host_->base_url() + "/openapi.json").json();
  EXPECT_TRUE(openapi["paths"].contains("/task/tasks/{id}/transitions")) << openapi["paths"].dump();
}

TEST_F(TaskManagerHost, ConcurrentPatchesWithTheSameIfMatchHaveOneWinner) {
  const std::string id = create({{"title", "contended"}})["id"];
  std::atomic<int> ok{0}, stale{0}, other{0};
  std::vector<std::thread> writers;
  for (int i = 0; i < 8; ++i)
    writers.emplace_back([&, i] {
      const Reply reply = call("PATCH", url("/tasks/" + id), {{"title", "w" + std::to_string(i)}},
                               {{"If-Match", "\"1\""}});
      (reply.status == 200 ? ok : reply.status == 412 ? stale : other)++;
    });
  for (auto& w : writers) w.join();
  EXPECT_EQ(ok, 1);
  EXPECT_EQ(stale, 7);
  EXPECT_EQ(other, 0);
  EXPECT_EQ(call("GET", url("/tasks/" + id)).json()["version"], 2);
}

TEST_F(TaskManagerHost, ConcurrentCreatesWithOneIdempotencyKeyMakeOneTask) {
  std::mutex mutex;
  std::set<std::string> ids;
  std::atomic<int> created{0};
  std::vector<std::thread> clients;
  for (int i = 0; i < 8; ++i)
    clients.emplace_back([&] {
      const Reply reply = call("POST", url("/tasks"), {{"title", "only once"}},
                               {{"Idempotency-Key", "integration-key-1"}});
      if (reply.status == 201) ++created;
      std::lock_guard<std::mutex> lock(mutex);
      if (reply.status == 200 || reply.status == 201) ids.insert(reply.json()["id"]);
    });
  for (auto& c : clients) c.join();
  EXPECT_EQ(created, 1);
  EXPECT_EQ(ids.size(), 1u);
  EXPECT_EQ(call("GET", url("/tasks?q=only%20once")).json()["items"].size(), 1u);
}

TEST_F(TaskManagerHost, PaginationIsStableWhileTasksAreInserted) {
  std::set<std::string> before;
  const json seeded =
      call("POST", url("/tasks/bulk"),
           [] {
             json creates = json::array();
             for (int i = 0; i < 60; ++i)
               creates.push_back({{"title", "page " + std::to_string(i)}, {"tags", {"paging"}}});
             return json{{"create", creates}};
           }())
          .json();
  for (const auto& t : seeded["created"]) before.insert(t["id"]);
  std::atomic<bool> stop{false};
  std::thread inserter([&] {
    while (!stop) create({{"title", "noise"}, {"tags", {"paging"}}});
  });
  std::vector<std::string> seen;
  std::string cursor;
  for (int page = 0; page < 100; ++page) {
    const json body =
        call("GET", url("/tasks?tag=paging&limit=9" + (cursor.empty() ? "" : "&cursor=" + cursor)))
            .json();
    for (const auto& item : body["items"])
      if (before.count(item["id"])) seen.push_back(item["id"]);
    if (body["next_cursor"].is_null()) break;
    cursor = body["next_cursor"];
  }
  stop = true;
  inserter.join();
  EXPECT_EQ(seen.size(), before.size());                               // no duplicates
  EXPECT_EQ(std::set<std::string>(seen.begin(), seen.end()), before);  // none skipped
}

TEST_F(TaskManagerHost, DailyReportJobStoresYesterdayAndTodayIsLive) {
  const json today = call("GET", url("/reports/daily")).json();
  EXPECT_EQ(today["source"], "live");
  EXPECT_EQ(today["time_zone"], "UTC");
  const std::string id = create({{"title", "report me"}, {"assignee", "reporter"}})["id"];
  call("POST", url("/tasks/" + id + "/transitions"), {{"to", "done"}});
  const json after =
      call("GET", url("/reports/daily?date=" + today["date"].get<std::string>())).json();
  EXPECT_EQ(after["created"].get<int>(), today["created"].get<int>() + 1);
  EXPECT_EQ(after["completed"].get<int>(), today["completed"].get<int>() + 1);
  bool reporter_listed = false;
  for (const auto& row : after["by_assignee"])
    if (row["assignee"] == "reporter") reporter_listed = row["completed"] == 1;
  EXPECT_TRUE(reporter_listed) << after.dump();

  const Reply job = call("POST", host_->base_url() + "/jobs/task-manager/daily-report");
  ASSERT_LT(job.status, 300) << job.body;
  // The job stored the day before the fire time; that day had none of these tasks.
  const json logs_hint = call("GET", url("/reports/daily?date=2000-01-01")).json();
  EXPECT_EQ(logs_hint["source"], "live");
  bool stored = false;
  for (const auto& line : host_->log_lines())
    if (line.value("msg", "") == "daily task report stored") {
      const json yesterday =
          call("GET", url("/reports/daily?date=" + line["date"].get<std::string>())).json();
      stored = yesterday["source"] == "stored";
    }
  EXPECT_TRUE(stored) << host_->logs();
}

}  // namespace
}  // namespace task_manager::integration
