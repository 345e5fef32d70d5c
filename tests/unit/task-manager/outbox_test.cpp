// Outbox delivery through the fake host's agent stub: order, retries with
// backoff while the target is down, persistence across a host restart.
#include <sys/resource.h>

#include <atomic>
#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <thread>

#include "fake_host_fixture.hpp"

namespace task_manager::testing {
namespace {

using agent_host::testing::OutboundCall;
using agent_host::testing::StubResult;

// Records what the stub agent accepted; refuses while `down` is set.
struct Sink {
  std::mutex mutex;
  std::vector<json> events;
  std::atomic<bool> down{false};
  std::atomic<int> refused{0};

  StubResult receive(const OutboundCall& call) {
    if (down) {
      ++refused;
      return StubResult::fail(agent_host::Status::unavailable);
    }
    std::lock_guard<std::mutex> lock(mutex);
    events.push_back(json::parse(call.body));
    return StubResult::ok(202, {{"accepted", true}});
  }
  size_t count() {
    std::lock_guard<std::mutex> lock(mutex);
    return events.size();
  }
  bool wait_for(size_t n) {
    for (int i = 0; i < 500 && count() < n; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    return count() >= n;
  }
};

template <typename Predicate>
bool eventually(Predicate predicate) {
  for (int i = 0; i < 500; ++i) {
    if (predicate()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

class Outbox : public TaskManagerTest {
 protected:
  void before_start() override {
    host.stub_agent("sink", [this](const OutboundCall& call) { return sink.receive(call); });
  }
  Sink sink;
};

TEST_F(Outbox, DeliversEveryChangeInOrderWithTheContractShape) {
  const std::string id = create({{"title", "a"}})["id"];
  host.patch("/task/tasks/" + id, {{"title", "b"}, {"priority", "low"}});
  host.post("/task/tasks/" + id + "/transitions", {{"to", "in_progress"}});
  host.del("/task/tasks/" + id);
  ASSERT_TRUE(sink.wait_for(4));
  std::lock_guard<std::mutex> lock(sink.mutex);
  EXPECT_EQ(sink.events[0]["type"], "task.created");
  EXPECT_EQ(sink.events[1]["type"], "task.updated");
  EXPECT_EQ(sink.events[1]["changes"], json({"title", "priority"}));
  EXPECT_EQ(sink.events[2]["type"], "task.transitioned");
  EXPECT_EQ(sink.events[2]["from"], "todo");
  EXPECT_EQ(sink.events[2]["to"], "in_progress");
  EXPECT_EQ(sink.events[3]["type"], "task.deleted");
  for (const auto& event : sink.events) {
    EXPECT_TRUE(event["id"].is_string());
    EXPECT_TRUE(event["occurred_at"].is_string());
    EXPECT_EQ(event["task"]["id"], id);
  }
  const auto calls = host.outbound_calls();
  ASSERT_FALSE(calls.empty());
  EXPECT_EQ(calls[0].agent, "sink");
  EXPECT_EQ(calls[0].path, "/events");
}

TEST_F(Outbox, RetriesWithBackoffWhileTheTargetIsDown) {
  sink.down = true;
  for (int i = 0; i < 5; ++i) create({{"title", "t" + std::to_string(i)}});
  ASSERT_TRUE(eventually([&] { return sink.refused >= 3; }));
  EXPECT_EQ(sink.count(), 0u);
  EXPECT_GE(host.metric("agent_task_manager_event_delivery_failures_total").value_or(0), 3);
  EXPECT_EQ(host.health()["task-manager"]["status"], "degraded");
  sink.down = false;
  ASSERT_TRUE(sink.wait_for(5));
  std::lock_guard<std::mutex> lock(sink.mutex);
  for (int i = 0; i < 5; ++i) EXPECT_EQ(sink.events[i]["task"]["title"], "t" + std::to_string(i));
  EXPECT_TRUE(eventually([&] { return host.metric("agent_task_manager_outbox_depth") == 0; }));
}

// The gauges' refresh (every 100 ms here) sees the waiting event, but the
// dispatcher still waits out its backoff (2 s) before the next attempt.
class OutboxBackoff : public Outbox {
 protected:
  json plugin_config() override {
    return {{"metrics_refresh_ms", 100},
            {"events", {{"target", "sink"}, {"retry_initial_ms", 2000}, {"retry_max_ms", 2000}}}};
  }
};

TEST_F(OutboxBackoff, TheGaugesRefreshDoesNotCutABackoffShort) {
  sink.down = true;
  create({{"title", "waits"}});
  ASSERT_TRUE(eventually([&] { return sink.refused >= 1; }));
  std::this_thread::sleep_for(std::chrono::milliseconds(700));
  EXPECT_EQ(sink.refused, 1) << "retried before the backoff ended";
}

// The process's CPU time (user and system) so far.
std::chrono::microseconds process_cpu() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  const auto micros = [](const timeval& t) {
    return std::chrono::seconds(t.tv_sec) + std::chrono::microseconds(t.tv_usec);
  };
  return micros(usage.ru_utime) + micros(usage.ru_stime);
}

// Events turned off while a delivery is failing: that round still ends in a
// backoff whose retry time soon passes, and the dispatcher must wait for its
// next refresh rather than for that past time (it spun on a core).
class OutboxTurnedOff : public TaskManagerTest {
 protected:
  void before_start() override {
    host.stub_agent("sink", [this](const OutboundCall&) {
      std::unique_lock<std::mutex> lock(gate_mutex);
      ++calls;
      gate_changed.notify_all();
      gate_changed.wait(lock, [&] { return gate_open; });
      return StubResult::fail(agent_host::Status::unavailable);
    });
  }
  std::mutex gate_mutex;
  std::condition_variable gate_changed;
  bool gate_open = false;
  int calls = 0;
};

TEST_F(OutboxTurnedOff, WhileADeliveryFailsTheDispatcherWaitsInsteadOfSpinning) {
  create({{"title", "posted as events are turned off"}});
  {
    std::unique_lock<std::mutex> lock(gate_mutex);
    ASSERT_TRUE(gate_changed.wait_for(lock, std::chrono::seconds(5), [&] { return calls > 0; }));
  }
  json config = plugin_config();
  config["events"]["enabled"] = false;
  host.reload("task-manager", config);
  {
    std::lock_guard<std::mutex> lock(gate_mutex);
    gate_open = true;
  }
  gate_changed.notify_all();
  std::this_thread::sleep_for(std::chrono::milliseconds(100));  // the retry time passes
  const auto before = process_cpu();
  std::this_thread::sleep_for(std::chrono::milliseconds(1000));
  const auto spent = process_cpu() - before;
  // Idle, the process spends a few milliseconds here; a spinning thread most
  // of a core even on a busy machine.
  EXPECT_LT(spent, std::chrono::milliseconds(300))
      << "CPU time while idle: " << spent.count() << " µs";
}

TEST_F(Outbox, GaugesDescribeStoredTasks) {
  create({{"title", "a"}});
  create({{"title", "b"}, {"status", "blocked"}, {"due_at", "2001-01-01T00:00:00Z"}});
  EXPECT_TRUE(eventually([&] {
    return host.metric("agent_task_manager_open_tasks", {{"status", "blocked"}}) == 1 &&
           host.metric("agent_task_manager_open_tasks", {{"status", "todo"}}) == 1 &&
           host.metric("agent_task_manager_overdue_tasks") == 1;
  }));
}

// Hosts that share one database, as the pods of a rolling restart do: their
// options, with a data folder of their own, and the plugin they load.
FakeHost::Options shared_data(const std::string& name) {
  FakeHost::Options options;
  options.data_dir = std::filesystem::temp_directory_path() /
                     (name + "-" + std::to_string(::getpid()) + "-" +
                      std::to_string(std::chrono::steady_clock::now().time_since_epoch().count()));
  return options;
}
const std::string kPluginFile = std::string(AH_BINARY_DIR) + "/ah-task-manager.so";
const json kSinkEvents = {{"events", {{"target", "sink"}, {"retry_initial_ms", 10}}}};

TEST(OutboxRestart, UndeliveredEventsSurviveAHostRestart) {
  const FakeHost::Options options = shared_data("tm-outbox");
  {
    FakeHost first(options);
    first.stub_agent("sink", [](const OutboundCall&) {
      return StubResult::fail(agent_host::Status::unavailable);
    });
    first.add_plugin_file(kPluginFile, kSinkEvents);
    first.start();
    for (int i = 0; i < 3; ++i)
      EXPECT_EQ(first.post("/task/tasks", {{"title", "t" + std::to_string(i)}}).status, 201);
  }
  Sink sink;
  {
    FakeHost second(options);
    second.stub_agent("sink", [&](const OutboundCall& call) { return sink.receive(call); });
    second.add_plugin_file(kPluginFile, kSinkEvents);
    second.start();
    EXPECT_TRUE(sink.wait_for(3));
  }
  std::filesystem::remove_all(options.data_dir);
  EXPECT_EQ(sink.count(), 3u);
}

// Two processes on one database, as in a rolling restart: one delivers at a
// time. While the old one is stuck posting, the new one delivers nothing (the
// old one holds the outbox lease); the new one's event is delivered by the
// lease holder once it is free, and each event arrives once.
TEST(OutboxShared, OneProcessDeliversAtATimeAndNothingIsLost) {
  const FakeHost::Options options = shared_data("tm-outbox-shared");
  const json config = {{"metrics_refresh_ms", 100},
                       {"events", {{"target", "sink"}, {"retry_initial_ms", 10}}}};

  std::mutex gate_mutex;
  std::condition_variable gate_changed;
  bool gate_open = false;
  std::atomic<int> old_calls{0};
  Sink old_sink;
  FakeHost old_host(options);
  old_host.stub_agent("sink", [&](const OutboundCall& call) {
    if (old_calls++ == 0) {
      std::unique_lock<std::mutex> lock(gate_mutex);
      gate_changed.wait(lock, [&] { return gate_open; });
    }
    return old_sink.receive(call);
  });
  old_host.add_plugin_file(kPluginFile, config);
  old_host.start();

  EXPECT_EQ(old_host.post("/task/tasks", {{"title", "first"}}).status, 201);
  ASSERT_TRUE(eventually([&] { return old_calls >= 1; })) << "the old host never posted";

  Sink new_sink;
  FakeHost new_host(options);
  new_host.stub_agent("sink", [&](const OutboundCall& call) { return new_sink.receive(call); });
  new_host.add_plugin_file(kPluginFile, config);
  new_host.start();
  const std::string second = new_host.post("/task/tasks", {{"title", "second"}}).json()["id"];
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_EQ(new_sink.count(), 0u) << "the new host delivered while the old one held the lease";
  {
    std::lock_guard<std::mutex> lock(gate_mutex);
    gate_open = true;
    gate_changed.notify_all();
  }
  EXPECT_TRUE(eventually([&] { return old_sink.count() + new_sink.count() >= 2; }))
      << "the event of the task created on the new host was never delivered";
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  EXPECT_EQ(old_sink.count() + new_sink.count(), 2u) << "an event was delivered twice";
  new_host.stop();
  old_host.stop();
  std::filesystem::remove_all(options.data_dir);
}

TEST(OutboxDisabled, NoEventsAreRecorded) {
  FakeHost host;
  host.add_plugin_file(std::string(AH_BINARY_DIR) + "/ah-task-manager.so",
                       {{"events", {{"enabled", false}, {"target", "sink"}}}});
  host.start();
  EXPECT_EQ(host.post("/task/tasks", {{"title", "quiet"}}).status, 201);
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_TRUE(host.outbound_calls().empty());
}

}  // namespace
}  // namespace task_manager::testing
