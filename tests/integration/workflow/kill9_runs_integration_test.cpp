// kill -9 under a mixed load against the shipped all-in-one config (the real
// host and plugins): clients create tasks, move each to done (the bundled
// review-finished-work workflow starts a run on that task.transitioned
// event) and start webhook-intake runs through the API, while the host is
// killed with SIGKILL and restarted, AH_KILL_CYCLES times (3 by default).
// Afterwards every acknowledged task and run exists, every run ends and
// succeeds (none stuck), and every task that is done started exactly one
// review run: no event lost, none delivered twice into a second run. Once
// with the embedded default (SQLite + in-process queue), once with Redis.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <host_process.hpp>
#include <iostream>
#include <map>
#include <mutex>
#include <optional>
#include <ostream>
#include <redis_server.hpp>
#include <set>
#include <shipped_config.hpp>
#include <string>
#include <thread>
#include <vector>

namespace {

using agent_host::test::HostProcess;
using agent_host::test::Reply;
using nlohmann::json;
using Clock = std::chrono::steady_clock;

// Workflows of configs/workflows/ the load uses.
constexpr const char* kEventWorkflow = "review-finished-work";  // task.transitioned to done
constexpr const char* kApiWorkflow = "webhook-intake";          // started through the API

// Generous: a run whose delivery died with the host is taken over after
// redis.claim_idle_ms (30 s as shipped), and the outbox backs off up to 30 s.
constexpr std::chrono::seconds kSettleBound{150};

Reply post_json(const std::string& url, const json& body) {
  return agent_host::test::try_http("POST", url, body.dump(),
                                    {{"content-type", "application/json"}});
}

json get_json(const std::string& url) {
  const Reply reply = agent_host::test::http("GET", url);
  if (reply.status != 200) throw std::runtime_error("GET " + url + ": " + reply.body);
  return reply.json();
}

// What the host answered with success; a request whose answer was lost to
// the kill is in none of these (it may or may not have happened).
struct Acknowledged {
  std::vector<std::string> tasks;     // 201 to a create
  std::vector<std::string> finished;  // 200 to the transition to done
  std::vector<std::string> runs;      // 202 to a run start
  std::vector<std::string> unexpected;
};

// Client threads that each repeat: create a task, move it to done, start a
// webhook-intake run; until stopped.
class MixedLoad {
 public:
  MixedLoad(std::string base_url, int clients, int cycle)
      : base_url_(std::move(base_url)), cycle_(cycle) {
    for (int c = 0; c < clients; ++c) threads_.emplace_back([this, c] { run(c); });
  }
  ~MixedLoad() { stop(); }
  MixedLoad(const MixedLoad&) = delete;
  MixedLoad& operator=(const MixedLoad&) = delete;

  void stop() {
    stopping_ = true;
    for (auto& thread : threads_)
      if (thread.joinable()) thread.join();
  }
  Acknowledged acknowledged() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return acknowledged_;
  }

 private:
  void run(int client) {
    for (int i = 0; !stopping_; ++i)
      round("kill9 " + std::to_string(cycle_) + "-" + std::to_string(client) + "-" +
            std::to_string(i));
  }

  void round(const std::string& title) {
    const Reply created = post_json(base_url_ + "/task/tasks", {{"title", title}});
    if (!record(created, 201, acknowledged_.tasks)) return;
    const std::string id = created.json().at("id").get<std::string>();
    const Reply finished =
        post_json(base_url_ + "/task/tasks/" + id + "/transitions", {{"to", "done"}});
    if (!record(finished, 200, acknowledged_.finished)) return;
    record(post_json(base_url_ + "/workflow/workflows/" + kApiWorkflow + "/runs",
                     {{"input", {{"body", {{"title", title}}}}}}),
           202, acknowledged_.runs);
  }

  // Keeps the id of an answer with `wanted` status; false when there is none.
  bool record(const Reply& reply, int wanted, std::vector<std::string>& ids) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (reply.status == wanted) {
      ids.push_back(reply.json().at("id").get<std::string>());
      return true;
    }
    if (reply.status != 0)  // 0: the host died under the request
      acknowledged_.unexpected.push_back(std::to_string(reply.status) + " " + reply.body);
    return false;
  }

  const std::string base_url_;
  const int cycle_;
  std::atomic<bool> stopping_{false};
  mutable std::mutex mutex_;
  Acknowledged acknowledged_;
  std::vector<std::thread> threads_;
};

void append(Acknowledged& into, const Acknowledged& from) {
  const auto extend = [](std::vector<std::string>& list, const std::vector<std::string>& more) {
    list.insert(list.end(), more.begin(), more.end());
  };
  extend(into.tasks, from.tasks);
  extend(into.finished, from.finished);
  extend(into.runs, from.runs);
  extend(into.unexpected, from.unexpected);
}

// Every run summary a GET /workflow/runs query lists, page by page.
std::vector<json> list_runs(const std::string& base_url, const std::string& query) {
  std::vector<json> runs;
  std::string cursor;
  do {
    const json page = get_json(base_url + "/workflow/runs?limit=500&" + query +
                               (cursor.empty() ? "" : "&cursor=" + cursor));
    for (const auto& run : page["items"]) runs.push_back(run);
    cursor = page["next_cursor"].is_string() ? page["next_cursor"].get<std::string>() : "";
  } while (!cursor.empty());
  return runs;
}

bool no_run_unfinished(const std::string& base_url) {
  return get_json(base_url + "/workflow/runs?limit=1&status=queued,running,waiting")["items"]
      .empty();
}

// Polls `done` until it holds or `bound` passes; whether it held.
template <typename Predicate>
bool eventually(Predicate done, std::chrono::seconds bound) {
  const auto give_up = Clock::now() + bound;
  while (!done()) {
    if (Clock::now() > give_up) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  return true;
}

// How many review runs each task started (the task is the run's input).
std::map<std::string, int> review_runs_by_task(const std::string& base_url) {
  std::map<std::string, int> runs;
  for (const auto& summary : list_runs(base_url, std::string("workflow=") + kEventWorkflow)) {
    const json run = get_json(base_url + "/workflow/runs/" + summary["id"].get<std::string>());
    ++runs[run["input"]["task"]["id"].get<std::string>()];
  }
  return runs;
}

enum class Queue { embedded, redis };

// Names the parameter in test output (instead of its bytes).
void PrintTo(Queue queue, std::ostream* out) {
  *out << (queue == Queue::embedded ? "embedded" : "redis");
}

class Kill9Runs : public ::testing::TestWithParam<Queue> {
 protected:
  json shipped_config() {
    json config = agent_host::test::all_in_one_test_config();
    if (GetParam() == Queue::redis) {
      redis_.emplace();
      config["plugins"]["workflow"]["config"]["redis"]["url"] = redis_->url();
    }
    return config;
  }

  // The load for a while, then SIGKILL mid-request and a restart; `cycles` times.
  Acknowledged load_through_kills(HostProcess& host, int cycles) {
    Acknowledged all;
    for (int cycle = 0; cycle < cycles; ++cycle) {
      MixedLoad load(host.base_url(), 4, cycle);
      std::this_thread::sleep_for(std::chrono::milliseconds(800));
      host.kill9();
      load.stop();
      const Acknowledged answered = load.acknowledged();
      EXPECT_GT(answered.runs.size(), 5u) << "cycle " << cycle << ": the load never got going";
      append(all, answered);
      host.start();
      host.wait_ready(std::chrono::milliseconds(20000));
    }
    return all;
  }

  std::optional<agent_host::test::RedisServer> redis_;
};

// The tasks of the load that are done now, checking every acknowledged one is there.
std::set<std::string> done_tasks(const std::string& base_url, const Acknowledged& acknowledged) {
  std::set<std::string> done;
  for (const auto& id : acknowledged.tasks) {
    const Reply reply = agent_host::test::http("GET", base_url + "/task/tasks/" + id);
    EXPECT_EQ(reply.status, 200) << "acknowledged task " << id << " lost";
    if (reply.status == 200 && reply.json()["status"] == "done") done.insert(id);
  }
  for (const auto& id : acknowledged.finished)
    EXPECT_EQ(done.count(id), 1u) << "task " << id << ": its acknowledged transition to done lost";
  return done;
}

void expect_one_review_run_per_done_task(const std::map<std::string, int>& runs,
                                         const std::set<std::string>& load_tasks,
                                         const std::set<std::string>& done) {
  for (const auto& id : load_tasks) {
    const auto found = runs.find(id);
    const int started = found == runs.end() ? 0 : found->second;
    EXPECT_EQ(started, done.count(id) ? 1 : 0)
        << "task " << id << (done.count(id) ? " (done)" : " (not done)") << " started " << started
        << " " << kEventWorkflow << " runs";
  }
  for (const auto& [task, count] : runs)
    EXPECT_EQ(load_tasks.count(task), 1u) << count << " review runs for a task nobody finished";
}

void expect_every_run_succeeded(const std::string& base_url, const Acknowledged& acknowledged) {
  std::set<std::string> listed;
  for (const auto& run : list_runs(base_url, "")) {
    listed.insert(run["id"].get<std::string>());
    if (run["status"] != "succeeded")
      ADD_FAILURE() << "run did not succeed: "
                    << get_json(base_url + "/workflow/runs/" + run["id"].get<std::string>()).dump();
  }
  for (const auto& id : acknowledged.runs)
    EXPECT_EQ(listed.count(id), 1u) << "acknowledged run " << id << " lost";
}

TEST_P(Kill9Runs, AcknowledgedTasksAndRunsSurviveEveryRunEndsAndEachEventStartsOneRun) {
  HostProcess host(shipped_config());
  const std::string base = host.base_url();
  const int cycles = agent_host::test::kill_cycles();
  const Acknowledged acknowledged = load_through_kills(host, cycles);
  EXPECT_TRUE(acknowledged.unexpected.empty())
      << acknowledged.unexpected.size() << " unexpected answers, e.g. "
      << acknowledged.unexpected.front();

  const std::set<std::string> done = done_tasks(base, acknowledged);
  const std::set<std::string> load_tasks(acknowledged.tasks.begin(), acknowledged.tasks.end());
  // Delivered: as many review runs as done tasks, and then every run ended.
  const bool settled = eventually(
      [&] {
        return list_runs(base, std::string("workflow=") + kEventWorkflow).size() >= done.size() &&
               no_run_unfinished(base);
      },
      kSettleBound);
  EXPECT_TRUE(settled) << "runs still unfinished or events undelivered after "
                       << kSettleBound.count() << " s";
  expect_one_review_run_per_done_task(review_runs_by_task(base), load_tasks, done);
  expect_every_run_succeeded(base, acknowledged);

  // The figures a long run reports (docs/testing.md).
  std::cout << cycles << " kill -9 cycles: " << acknowledged.tasks.size() << " tasks, "
            << done.size() << " done (each starting one " << kEventWorkflow << " run), "
            << acknowledged.runs.size() << " API runs acknowledged; " << list_runs(base, "").size()
            << " runs in all\n";
}

std::string queue_name(const ::testing::TestParamInfo<Queue>& param) {
  return param.param == Queue::embedded ? "EmbeddedSqliteAndInProcessQueue" : "RedisStreams";
}

INSTANTIATE_TEST_SUITE_P(Queues, Kill9Runs, ::testing::Values(Queue::embedded, Queue::redis),
                         queue_name);

}  // namespace
