// GET /task/stats against a model kept by the test: the state figures come
// from counters that triggers maintain in every write, so every kind of write
// (create, patch, transition, delete, bulk create and update) must leave them
// equal to what the tasks themselves say. Also the `fields` parameter and the
// overdue list's index path.
#include <sqlite3.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <random>
#include <thread>

#include "fake_host_fixture.hpp"

namespace task_manager::testing {
namespace {

constexpr const char* kPastDue = "2001-01-01T00:00:00Z";    // overdue whenever asked
constexpr const char* kFutureDue = "2999-01-01T00:00:00Z";  // never overdue
constexpr const char* kAllTime = "from=2000-01-01T00:00:00Z&to=2999-06-01T00:00:00Z";

const char* const kStatusNames[] = {"todo", "in_progress", "blocked", "done", "cancelled"};
const char* const kPriorityNames[] = {"low", "medium", "high", "urgent"};
const char* const kAssignees[] = {"ada", "bob", "cy", "dee"};

bool is_open(const std::string& status) {
  return status == "todo" || status == "in_progress" || status == "blocked";
}

std::string rfc3339_now_plus_ms(int64_t offset_ms) {
  using namespace std::chrono;
  const auto t = system_clock::now() + milliseconds(offset_ms);
  const auto ms = duration_cast<milliseconds>(t.time_since_epoch()).count();
  const std::time_t seconds = static_cast<std::time_t>(ms / 1000);
  char text[40];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S", std::gmtime(&seconds));
  char out[48];
  std::snprintf(out, sizeof out, "%s.%03dZ", text, static_cast<int>(ms % 1000));
  return out;
}

// What the test knows about each task, from the API's own answers.
struct ModelTask {
  std::string status, priority;
  json assignee;  // string or null
  bool overdue_due = false;
  bool created_before_cut = true;    // created before the mid-run `to`
  bool completed_before_cut = true;  // (when done) completed before it
};

class TaskStats : public TaskManagerTest {
 protected:
  void before_start() override {
    host.stub_agent("sink",
                    [](const auto&) { return agent_host::testing::StubResult::ok(200, {}); });
  }

  void remember(const json& task, bool after_cut) {
    ModelTask& m = model[task["id"].get<std::string>()];
    m.status = task["status"];
    m.priority = task["priority"];
    m.assignee = task["assignee"];
    m.overdue_due = task["due_at"].is_string() && task["due_at"].get<std::string>() < "2002";
    m.created_before_cut = !after_cut;
    m.completed_before_cut = !after_cut;
  }

  // The figures GET /task/stats must answer, from the model. `cut` = only tasks
  // created before the mid-run time, and completions before it.
  json expected(bool cut) const {
    json by_status = json::object(), by_priority = json::object();
    for (auto s : kStatusNames) by_status[s] = 0;
    for (auto p : kPriorityNames) by_priority[p] = 0;
    std::map<std::string, json> assignees;
    int64_t overdue = 0, completed = 0;
    for (const auto& [id, m] : model) {
      if (cut && !m.created_before_cut) continue;
      by_status[m.status] = by_status[m.status].get<int>() + 1;
      by_priority[m.priority] = by_priority[m.priority].get<int>() + 1;
      const bool late = is_open(m.status) && m.overdue_due;
      const bool done_in_window = m.status == "done" && (!cut || m.completed_before_cut);
      overdue += late;
      completed += done_in_window;
      if (!m.assignee.is_string()) continue;
      json& row = assignees[m.assignee.get<std::string>()];
      if (row.is_null())
        row = {{"assignee", m.assignee}, {"open", 0}, {"completed", 0}, {"overdue", 0}};
      row["open"] = row["open"].get<int>() + (is_open(m.status) ? 1 : 0);
      row["completed"] = row["completed"].get<int>() + (done_in_window ? 1 : 0);
      row["overdue"] = row["overdue"].get<int>() + (late ? 1 : 0);
    }
    json by_assignee = json::array();
    for (const auto& entry : assignees) by_assignee.push_back(entry.second);
    return {{"by_status", by_status},
            {"by_priority", by_priority},
            {"open", by_status["todo"].get<int>() + by_status["in_progress"].get<int>() +
                         by_status["blocked"].get<int>()},
            {"blocked", by_status["blocked"]},
            {"overdue", overdue},
            {"completed", completed},
            {"by_assignee", by_assignee}};
  }

  void expect_stats_match(const std::string& query, bool cut, const std::string& when) {
    const auto response = host.get("/task/stats?" + query);
    ASSERT_EQ(response.status, 200) << response.body;
    const json stats = response.json();
    const json want = expected(cut);
    for (const auto& [key, value] : want.items())
      EXPECT_EQ(stats[key], value) << key << " " << when << " (" << query << ")";
  }

  json random_assignee() {
    const int pick = static_cast<int>(rng() % 5);
    return pick == 4 ? json(nullptr) : json(kAssignees[pick]);
  }
  const char* random_due() { return rng() % 3 == 0 ? kPastDue : kFutureDue; }

  json random_create() {
    json body = {{"title", "t"},
                 {"status", kStatusNames[rng() % 5]},
                 {"priority", kPriorityNames[rng() % 4]}};
    const json assignee = random_assignee();
    if (!assignee.is_null()) body["assignee"] = assignee;
    if (rng() % 2 == 0) body["due_at"] = random_due();
    return body;
  }

  json random_patch() {
    json patch = json::object();
    switch (rng() % 4) {
      case 0:
        patch["priority"] = kPriorityNames[rng() % 4];
        break;
      case 1:
        patch["assignee"] = random_assignee();
        break;
      case 2:
        patch["due_at"] = rng() % 4 == 0 ? json(nullptr) : json(random_due());
        break;
      default:
        patch["title"] = "renamed";  // touches no counted column
        break;
    }
    return patch;
  }

  std::string some_id() {
    auto it = model.begin();
    std::advance(it, static_cast<long>(rng() % model.size()));
    return it->first;
  }

  std::map<std::string, ModelTask> model;
  std::mt19937 rng{20261123};
};

TEST_F(TaskStats, StateFiguresMatchTheTasksThroughEveryKindOfWrite) {
  bool after_cut = false;
  int deletes = 0;
  std::string cut_query;
  for (int step = 0; step < 240; ++step) {
    if (step == 120) {
      // A `to` between two writes: later creates must not count in its state.
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
      cut_query = "from=2000-01-01T00:00:00Z&to=" + rfc3339_now_plus_ms(0);
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
      after_cut = true;
    }
    const unsigned op = model.size() < 5 ? 0 : rng() % 6;
    if (op == 0) {
      remember(create(random_create()), after_cut);
    } else if (op == 1) {
      const std::string id = some_id();
      const auto response = host.patch("/task/tasks/" + id, random_patch());
      ASSERT_EQ(response.status, 200) << response.body;
      const bool created_before = model[id].created_before_cut;
      const bool completed_before = model[id].completed_before_cut;
      remember(response.json(), after_cut);
      model[id].created_before_cut = created_before;
      model[id].completed_before_cut = completed_before;
    } else if (op == 2 || op == 3) {
      const std::string id = some_id();
      const std::string to = kStatusNames[rng() % 5];
      const auto response = host.post("/task/tasks/" + id + "/transitions", {{"to", to}});
      if (response.status == 409) continue;  // not allowed from here: nothing changed
      ASSERT_EQ(response.status, 200) << response.body;
      model[id].status = response.json()["status"];
      if (to == "done") model[id].completed_before_cut = !after_cut;
    } else if (op == 4) {
      const std::string id = some_id();
      ASSERT_EQ(host.del("/task/tasks/" + id).status, 204);
      model.erase(id);
      ++deletes;
    } else {
      json creates = json::array(), updates = json::array();
      for (unsigned i = rng() % 4; i > 0; --i) creates.push_back(random_create());
      for (unsigned i = 1 + rng() % 3; i > 0; --i) {
        json update = random_patch();
        update["id"] = some_id();
        bool duplicate = false;
        for (const auto& u : updates) duplicate |= u["id"] == update["id"];
        if (!duplicate) updates.push_back(update);
      }
      const auto response =
          host.post("/task/tasks/bulk", {{"create", creates}, {"update", updates}});
      ASSERT_EQ(response.status, 200) << response.body;
      const json answer = response.json();
      for (const auto& task : answer["created"]) remember(task, after_cut);
      for (const auto& task : answer["updated"]) {
        const std::string id = task["id"];
        const ModelTask before = model[id];
        remember(task, after_cut);
        model[id].created_before_cut = before.created_before_cut;
        model[id].completed_before_cut = before.completed_before_cut;
      }
    }
    if (step % 20 == 19) {
      expect_stats_match(kAllTime, false, "after step " + std::to_string(step));
      if (after_cut) expect_stats_match(cut_query, true, "after step " + std::to_string(step));
      if (HasFailure()) return;
    }
  }
  // The run must have exercised what it claims to.
  const json all = host.get(std::string("/task/stats?") + kAllTime).json();
  EXPECT_GT(all["by_status"]["done"].get<int>(), 0);
  EXPECT_GT(all["overdue"].get<int>(), 0);
  EXPECT_GT(all["by_assignee"].size(), 2u);
  EXPECT_EQ(all["created"].get<size_t>(), model.size());  // deleted tasks no longer count
  EXPECT_GT(deletes, 0);
}

TEST_F(TaskStats, AnAssigneeWhoseTasksAreAllGoneIsNotListed) {
  const std::string id = create({{"title", "a"}, {"assignee", "zed"}})["id"];
  const std::string other = create({{"title", "b"}, {"assignee", "amy"}})["id"];
  EXPECT_EQ(host.get(std::string("/task/stats?") + kAllTime).json()["by_assignee"].size(), 2u);
  ASSERT_EQ(host.del("/task/tasks/" + id).status, 204);
  ASSERT_EQ(host.patch("/task/tasks/" + other, {{"assignee", nullptr}}).status, 200);
  const json stats = host.get(std::string("/task/stats?") + kAllTime).json();
  EXPECT_EQ(stats["by_assignee"], json::array());
  EXPECT_EQ(stats["by_status"]["todo"], 1);
}

TEST_F(TaskStats, FieldsAnswersOnlyTheNamedFigures) {
  create({{"title", "a"}, {"assignee", "ada"}, {"due_at", kPastDue}});
  const std::string done = create({{"title", "b"}})["id"];
  host.post("/task/tasks/" + done + "/transitions", {{"to", "done"}});
  const json full = host.get(std::string("/task/stats?") + kAllTime).json();
  EXPECT_EQ(full.size(), 13u);  // every figure without `fields`

  const json trend =
      host.get(std::string("/task/stats?") + kAllTime + "&fields=created,completed,completion_rate")
          .json();
  EXPECT_EQ(trend, json({{"from", full["from"]},
                         {"to", full["to"]},
                         {"created", 2},
                         {"completed", 1},
                         {"completion_rate", 0.5}}));
  // Each name alone answers the same value as the full answer.
  for (const auto& [name, value] : full.items()) {
    if (name == "from" || name == "to") continue;
    const auto one = host.get(std::string("/task/stats?") + kAllTime + "&fields=" + name);
    ASSERT_EQ(one.status, 200) << name << one.body;
    const json answer = one.json();
    EXPECT_EQ(answer.size(), 3u) << name << answer;
    EXPECT_EQ(answer[name], value) << name;
  }
  const auto twice = host.get(std::string("/task/stats?") + kAllTime + "&fields=open,open,to");
  EXPECT_EQ(twice.json().size(), 3u);

  for (const char* bad : {"fields=", "fields=created,", "fields=created,nope", "fields=,open",
                          "fields=CREATED", "fields=from"}) {
    const auto response = host.get(std::string("/task/stats?") + kAllTime + "&" + bad);
    EXPECT_EQ(response.status, 400) << bad;
    EXPECT_EQ(response.json()["error"].value("field", ""), "fields") << bad << response.body;
  }
}

TEST_F(TaskStats, OverdueListReadsOnlyOpenTasksDueBeforeTheTime) {
  const std::string late_todo = create({{"title", "a"}, {"due_at", "2001-01-02T00:00:00Z"}})["id"];
  const std::string later_blocked =
      create({{"title", "b"}, {"status", "blocked"}, {"due_at", "2001-01-03T00:00:00Z"}})["id"];
  create({{"title", "c"}, {"status", "done"}, {"due_at", "2001-01-01T00:00:00Z"}});
  create({{"title", "d"}, {"due_at", kFutureDue}});
  create({{"title", "e"}});
  const std::string base =
      "/task/tasks?status=todo,in_progress,blocked&sort=due_at&due_before=2500-01-01T00:00:00Z";
  const json page = host.get(base + "&limit=1").json();
  ASSERT_EQ(page["items"].size(), 1u);
  EXPECT_EQ(page["items"][0]["id"], late_todo);
  ASSERT_TRUE(page["next_cursor"].is_string());
  const json next =
      host.get(base + "&limit=5&cursor=" + page["next_cursor"].get<std::string>()).json();
  ASSERT_EQ(next["items"].size(), 1u);
  EXPECT_EQ(next["items"][0]["id"], later_blocked);
  EXPECT_TRUE(next["next_cursor"].is_null());
  const json blocked_only =
      host.get("/task/tasks?status=blocked&sort=-due_at&due_before=2500-01-01T00:00:00Z").json();
  ASSERT_EQ(blocked_only["items"].size(), 1u);
  EXPECT_EQ(blocked_only["items"][0]["id"], later_blocked);
  // A status that is not open still goes through the general path.
  const json done =
      host.get("/task/tasks?status=done&sort=due_at&due_before=2500-01-01T00:00:00Z").json();
  EXPECT_EQ(done["items"].size(), 1u);
}

// A database written before the counters existed gets them from migration 1,
// counted from the tasks already there, and they keep moving afterwards.
TEST(TaskStatsMigration, CountersAreBackfilledFromExistingTasks) {
  // It writes a version-0 database file by hand: PostgreSQL databases began at migration 1.
  const char* postgres = std::getenv("AH_TEST_POSTGRES_URL");
  if (postgres != nullptr && postgres[0] != '\0') GTEST_SKIP() << "SQLite only: a hand-made file";
  namespace fs = std::filesystem;
  const fs::path dir =
      fs::path(::testing::TempDir()) /
      ("tm-counters-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) + "-" +
       std::to_string(std::chrono::steady_clock::now().time_since_epoch().count()));
  fs::create_directories(dir);
  FakeHost::Options options;
  options.data_dir = dir;
  const std::string plugin = std::string(AH_BINARY_DIR) + "/ah-task-manager.so";
  const json config = {{"events", {{"enabled", false}}}};
  json before;
  std::string id;
  {
    FakeHost host(options);
    host.add_plugin_file(plugin, config);
    host.start();
    id = host.post("/task/tasks", {{"title", "a"}, {"assignee", "ada"}, {"due_at", kPastDue}})
             .json()["id"];
    host.post("/task/tasks", {{"title", "b"}, {"status", "done"}, {"priority", "high"}});
    host.post("/task/tasks", {{"title", "c"}, {"status", "blocked"}, {"assignee", "bob"}});
    before = host.get(std::string("/task/stats?") + kAllTime).json();
  }
  {
    // Back to the schema of migration 0 as far as the counters go.
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open((dir / "task-manager.db").c_str(), &db), SQLITE_OK);
    char* error = nullptr;
    const int code =
        sqlite3_exec(db,
                     "DROP TRIGGER task_counts_insert; DROP TRIGGER task_counts_delete;"
                     "DROP TRIGGER task_counts_update; DROP TABLE task_counts;"
                     "DELETE FROM _ah_migrations WHERE idx = 1;",
                     nullptr, nullptr, &error);
    EXPECT_EQ(code, SQLITE_OK) << (error ? error : "");
    sqlite3_free(error);
    sqlite3_close(db);
  }
  {
    FakeHost host(options);
    host.add_plugin_file(plugin, config);
    host.start();
    const json after = host.get(std::string("/task/stats?") + kAllTime).json();
    EXPECT_EQ(after["by_status"], before["by_status"]);
    EXPECT_EQ(after["by_priority"], before["by_priority"]);
    EXPECT_EQ(after["by_assignee"], before["by_assignee"]);
    EXPECT_EQ(after["by_status"]["blocked"], 1);
    ASSERT_EQ(host.post("/task/tasks/" + id + "/transitions", {{"to", "done"}}).status, 200);
    const json moved = host.get(std::string("/task/stats?") + kAllTime).json();
    EXPECT_EQ(moved["by_status"]["done"], 2);
    EXPECT_EQ(moved["by_status"]["todo"], 0);
    EXPECT_EQ(moved["overdue"], 0);
  }
  fs::remove_all(dir);
}

}  // namespace
}  // namespace task_manager::testing
