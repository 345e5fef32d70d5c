// The HTTP API through the fake host's router: every endpoint and its errors.
#include <set>

#include "fake_host_fixture.hpp"

namespace task_manager::testing {
namespace {

using Headers = agent_host::testing::Headers;

class TaskApi : public TaskManagerTest {
 protected:
  void before_start() override {
    host.stub_agent("sink",
                    [](const auto&) { return agent_host::testing::StubResult::ok(200, {}); });
  }
  std::string error_field(const FakeResponse& response) {
    return response.json()["error"].value("field", "<none>");
  }
};

TEST_F(TaskApi, CreateThenGetWithEtag) {
  const json task = create({{"title", "Ship it"},
                            {"priority", "high"},
                            {"assignee", "ada"},
                            {"tags", {"release"}},
                            {"due_at", "2030-01-01T00:00:00Z"}});
  EXPECT_EQ(task["status"], "todo");
  EXPECT_EQ(task["version"], 1);
  EXPECT_EQ(task["due_at"], "2030-01-01T00:00:00.000Z");
  const auto got = host.get("/task/tasks/" + task["id"].get<std::string>());
  ASSERT_EQ(got.status, 200);
  EXPECT_EQ(got.header("etag"), "\"1\"");
  EXPECT_EQ(got.json(), task);
}

TEST_F(TaskApi, BadInputIs400NamingTheField) {
  const std::vector<std::pair<json, std::string>> cases = {
      {{{"description", "no title"}}, "title"},
      {{{"title", ""}}, "title"},
      {{{"title", 5}}, "title"},
      {{{"title", std::string(501, 'x')}}, "title"},
      {{{"title", "x"}, {"status", "maybe"}}, "status"},
      {{{"title", "x"}, {"priority", 3}}, "priority"},
      {{{"title", "x"}, {"due_at", "next tuesday"}}, "due_at"},
      {{{"title", "x"}, {"owner", "ada"}}, "owner"},
      {{{"title", "x"}, {"tags", "one"}}, "tags"},
  };
  for (const auto& [body, field] : cases) {
    const auto response = host.post("/task/tasks", body);
    EXPECT_EQ(response.status, 400) << body;
    EXPECT_EQ(error_field(response), field) << body;
  }
  const auto not_json =
      host.request("POST", "/task/tasks", "{oops", {{"content-type", "application/json"}});
  EXPECT_EQ(not_json.status, 400);
  EXPECT_EQ(error_field(not_json), "body");
  EXPECT_EQ(host.get("/task/tasks?colour=red").status, 400);
  EXPECT_EQ(error_field(host.get("/task/tasks?limit=0")), "limit");
  EXPECT_EQ(error_field(host.get("/task/tasks?status=later")), "status");
  EXPECT_EQ(error_field(host.get("/task/tasks?cursor=zzz")), "cursor");
  EXPECT_EQ(error_field(host.get("/task/stats?from=yesterday")), "from");
  EXPECT_EQ(error_field(host.get("/task/reports/daily?date=2024-13-01")), "date");
  // Nothing above was written.
  EXPECT_EQ(host.get("/task/tasks").json()["items"].size(), 0u);
}

TEST_F(TaskApi, UnknownIdIs404Everywhere) {
  EXPECT_EQ(host.get("/task/tasks/nope").status, 404);
  EXPECT_EQ(host.patch("/task/tasks/nope", {{"title", "x"}}).status, 404);
  EXPECT_EQ(host.del("/task/tasks/nope").status, 404);
  EXPECT_EQ(host.post("/task/tasks/nope/transitions", {{"to", "done"}}).status, 404);
}

TEST_F(TaskApi, TransitionsFollowTheTableAnd409NamesBothStates) {
  const std::string id = create({{"title", "t"}})["id"];
  auto done = host.post("/task/tasks/" + id + "/transitions", {{"to", "done"}});
  ASSERT_EQ(done.status, 200) << done.body;
  EXPECT_EQ(done.json()["status"], "done");
  EXPECT_TRUE(done.json()["completed_at"].is_string());
  EXPECT_EQ(done.json()["version"], 2);
  const auto illegal = host.post("/task/tasks/" + id + "/transitions", {{"to", "blocked"}});
  ASSERT_EQ(illegal.status, 409);
  const json error = illegal.json()["error"];
  EXPECT_EQ(error["from"], "done");
  EXPECT_EQ(error["to"], "blocked");
  EXPECT_NE(error["message"].get<std::string>().find("'done'"), std::string::npos);
  EXPECT_NE(error["message"].get<std::string>().find("'blocked'"), std::string::npos);
  const auto reopened = host.post("/task/tasks/" + id + "/transitions", {{"to", "todo"}});
  EXPECT_EQ(reopened.json()["completed_at"], nullptr);
  EXPECT_EQ(host.patch("/task/tasks/" + id, {{"status", "done"}}).status, 400);
}

TEST_F(TaskApi, PatchHonoursIfMatch) {
  const std::string id = create({{"title", "t"}})["id"];
  const auto first =
      host.patch("/task/tasks/" + id, {{"title", "t2"}}, Headers{{"If-Match", "\"1\""}});
  ASSERT_EQ(first.status, 200) << first.body;
  EXPECT_EQ(first.header("etag"), "\"2\"");
  const auto stale =
      host.patch("/task/tasks/" + id, {{"title", "t3"}}, Headers{{"If-Match", "\"1\""}});
  EXPECT_EQ(stale.status, 412);
  EXPECT_EQ(stale.json()["error"]["current_version"], 2);
  EXPECT_EQ(host.get("/task/tasks/" + id).json()["title"], "t2");
  const auto cleared = host.patch("/task/tasks/" + id, {{"assignee", nullptr}, {"tags", {"x"}}});
  EXPECT_EQ(cleared.json()["tags"], json({"x"}));
  EXPECT_EQ(host.del("/task/tasks/" + id, Headers{{"If-Match", "\"1\""}}).status, 412);
  EXPECT_EQ(host.del("/task/tasks/" + id).status, 204);
  EXPECT_EQ(host.get("/task/tasks/" + id).status, 404);
}

TEST_F(TaskApi, IdempotencyKeyReturnsTheSameTask) {
  const Headers key{{"Idempotency-Key", "order-42"}};
  const auto first = host.post("/task/tasks", {{"title", "once"}}, key);
  const auto again = host.post("/task/tasks", {{"title", "once"}}, key);
  ASSERT_EQ(first.status, 201);
  ASSERT_EQ(again.status, 200);
  EXPECT_EQ(first.json()["id"], again.json()["id"]);
  EXPECT_EQ(host.get("/task/tasks").json()["items"].size(), 1u);
}

TEST_F(TaskApi, ListFiltersSortAndSearch) {
  create({{"title", "Alpha report"}, {"assignee", "ada"}, {"tags", {"x"}}, {"priority", "high"}});
  create({{"title", "Beta"}, {"assignee", "bob"}, {"due_at", "2001-01-01T00:00:00Z"}});
  const std::string blocked = create({{"title", "Gamma 100%"}, {"status", "blocked"}})["id"];
  const auto ids = [&](const std::string& query) {
    std::vector<std::string> titles;
    const auto response = host.get("/task/tasks?" + query);
    EXPECT_EQ(response.status, 200) << response.body;
    const json body = response.json();
    for (const auto& item : body["items"]) titles.push_back(item["title"]);
    return titles;
  };
  EXPECT_EQ(ids("assignee=ada"), std::vector<std::string>{"Alpha report"});
  EXPECT_EQ(ids("tag=x"), std::vector<std::string>{"Alpha report"});
  EXPECT_EQ(ids("priority=high"), std::vector<std::string>{"Alpha report"});
  EXPECT_EQ(ids("status=blocked"), std::vector<std::string>{"Gamma 100%"});
  EXPECT_EQ(ids("status=todo,blocked").size(), 3u);
  EXPECT_EQ(ids("due_before=2002-01-01T00:00:00Z"), std::vector<std::string>{"Beta"});
  EXPECT_EQ(ids("q=ALPHA"), std::vector<std::string>{"Alpha report"});
  EXPECT_EQ(ids("q=100%25"), std::vector<std::string>{"Gamma 100%"});
  EXPECT_EQ(ids("q=%25").size(), 1u);  // '%' matches literally
  // The three tasks may share a creation millisecond: check the order, not a winner.
  const json newest_first = host.get("/task/tasks?sort=-created_at").json()["items"];
  ASSERT_EQ(newest_first.size(), 3u);
  for (size_t i = 1; i < newest_first.size(); ++i)
    EXPECT_GE(newest_first[i - 1]["created_at"].get<std::string>(),
              newest_first[i]["created_at"].get<std::string>());
  EXPECT_EQ(ids("sort=due_at").front(), "Beta");
  EXPECT_EQ(ids("updated_since=2999-01-01T00:00:00Z").size(), 0u);
}

TEST_F(TaskApi, CursorPagesAreStableAcrossInserts) {
  std::set<std::string> existing;
  for (int i = 0; i < 25; ++i) existing.insert(create({{"title", "t" + std::to_string(i)}})["id"]);
  std::vector<std::string> seen;
  std::string cursor;
  for (int page = 0; page < 10; ++page) {
    const json body = host.get("/task/tasks?limit=7&sort=-created_at" +
                               (cursor.empty() ? "" : "&cursor=" + cursor))
                          .json();
    for (const auto& item : body["items"]) seen.push_back(item["id"]);
    create({{"title", "inserted while paging"}});  // newest: before the cursor in this order
    if (body["next_cursor"].is_null()) break;
    cursor = body["next_cursor"];
  }
  EXPECT_EQ(seen.size(), existing.size());
  EXPECT_EQ(std::set<std::string>(seen.begin(), seen.end()), existing);
  EXPECT_EQ(host.get("/task/tasks?limit=7&cursor=" + cursor).status, 400);  // other sort
}

TEST_F(TaskApi, BulkIsAllOrNothing) {
  const std::string id = create({{"title", "existing"}})["id"];
  const auto bad = host.post(
      "/task/tasks/bulk",
      {{"create", {{{"title", "a"}}, {{"title", "b"}}}},
       {"update", {{{"id", id}, {"title", "changed"}}, {{"id", "missing"}, {"title", "z"}}}}});
  ASSERT_EQ(bad.status, 404);
  EXPECT_EQ(bad.json()["error"]["field"], "update[1].id");
  EXPECT_EQ(host.get("/task/tasks").json()["items"].size(), 1u);
  EXPECT_EQ(host.get("/task/tasks/" + id).json()["title"], "existing");
  const auto invalid =
      host.post("/task/tasks/bulk", {{"create", {{{"title", "a"}}, {{"title", ""}}}}});
  EXPECT_EQ(invalid.json()["error"]["field"], "create[1].title");
  const auto good = host.post("/task/tasks/bulk",
                              {{"create", {{{"title", "a"}}, {{"title", "b"}}}},
                               {"update", {{{"id", id}, {"title", "changed"}, {"if_match", 1}}}}});
  ASSERT_EQ(good.status, 200) << good.body;
  EXPECT_EQ(good.json()["created"].size(), 2u);
  EXPECT_EQ(good.json()["updated"][0]["version"], 2);
  EXPECT_EQ(host.get("/task/tasks").json()["items"].size(), 3u);
}

TEST_F(TaskApi, StatsFollowTheContract) {
  create({{"title", "a"}, {"assignee", "ada"}, {"priority", "urgent"}});
  create({{"title", "b"}, {"assignee", "ada"}, {"due_at", "2001-01-01T00:00:00Z"}});
  const std::string done = create({{"title", "c"}, {"assignee", "bob"}})["id"];
  host.post("/task/tasks/" + done + "/transitions", {{"to", "done"}});
  const json stats =
      host.get("/task/stats?from=2000-01-01T00:00:00Z&to=2999-01-01T00:00:00Z").json();
  EXPECT_EQ(stats["created"], 3);
  EXPECT_EQ(stats["completed"], 1);
  EXPECT_EQ(stats["open"], 2);
  EXPECT_EQ(stats["overdue"], 1);
  EXPECT_EQ(stats["by_status"]["done"], 1);
  EXPECT_EQ(stats["by_status"]["cancelled"], 0);
  EXPECT_EQ(stats["by_priority"]["urgent"], 1);
  EXPECT_EQ(stats["by_priority"]["medium"], 2);
  EXPECT_NEAR(stats["completion_rate"].get<double>(), 1.0 / 3, 1e-9);
  EXPECT_TRUE(stats["median_time_to_complete_seconds"].is_number());
  EXPECT_EQ(stats["by_assignee"][0],
            json({{"assignee", "ada"}, {"open", 2}, {"completed", 0}, {"overdue", 1}}));
  const json empty =
      host.get("/task/stats?from=2000-01-01T00:00:00Z&to=2000-01-02T00:00:00Z").json();
  EXPECT_EQ(empty["created"], 0);
  EXPECT_EQ(empty["completion_rate"], nullptr);
  EXPECT_EQ(empty["median_time_to_complete_seconds"], nullptr);
}

TEST_F(TaskApi, CountersMoveWithChanges) {
  const std::string id = create({{"title", "a"}})["id"];
  host.post("/task/tasks/" + id + "/transitions", {{"to", "done"}});
  host.del("/task/tasks/" + id);
  EXPECT_EQ(host.metric("agent_task_manager_tasks_created_total"), 1);
  EXPECT_EQ(host.metric("agent_task_manager_tasks_completed_total"), 1);
  EXPECT_EQ(host.metric("agent_task_manager_tasks_deleted_total"), 1);
}

}  // namespace
}  // namespace task_manager::testing
