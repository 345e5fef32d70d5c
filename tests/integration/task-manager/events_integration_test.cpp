// Outbox delivery between two real hosts: through an outage of the receiving
// host, and after kill -9 of the sending one. Every event arrives, once by id.
#include <csignal>
#include <set>

#include "task_manager_hosts.hpp"

namespace task_manager::integration {
namespace {

std::set<std::string> event_ids(const json& events) {
  std::set<std::string> ids;
  for (const auto& event : events["events"]) ids.insert(event["id"]);
  return ids;
}

TEST(TaskEvents, SurviveAnOutageOfTheReceivingHost) {
  HostProcess sink(sink_config());
  HostProcess tasks(task_manager_config(sink.base_url()));
  const std::string base = tasks.base_url() + "/task/tasks";
  std::set<std::string> expected;
  for (int i = 0; i < 3; ++i)
    expected.insert(call("POST", base, {{"title", "before " + std::to_string(i)}}).json()["id"]);
  ASSERT_TRUE(wait_for_events(sink, 3));

  sink.terminate();
  sink.wait();
  for (int i = 0; i < 10; ++i)
    expected.insert(call("POST", base, {{"title", "during " + std::to_string(i)}}).json()["id"]);
  std::this_thread::sleep_for(std::chrono::milliseconds(500));  // a few failed attempts
  const Reply health = call("GET", tasks.base_url() + "/health");
  EXPECT_NE(health.body.find("consecutive_delivery_failures"), std::string::npos) << health.body;

  sink.start();
  ASSERT_TRUE(wait_for_events(sink, 13)) << tasks.logs();
  const json received = sink_events(sink);
  EXPECT_EQ(created_task_ids(received), expected);
  EXPECT_EQ(event_ids(received).size(), received["events"].size());  // stored once per id
  const std::string metrics = call("GET", tasks.metrics_url()).body;
  EXPECT_NE(metrics.find("agent_task_manager_event_delivery_failures_total"), std::string::npos);
}

TEST(TaskEvents, UndeliveredEventsSurviveKill9OfTheSender) {
  HostProcess sink(sink_config());
  const std::string sink_url = sink.base_url();
  sink.terminate();
  sink.wait();
  HostProcess tasks(task_manager_config(sink_url));
  std::set<std::string> expected;
  for (int i = 0; i < 10; ++i)
    expected.insert(
        call("POST", tasks.base_url() + "/task/tasks", {{"title", "crash " + std::to_string(i)}})
            .json()["id"]);
  tasks.kill9();  // acknowledged creates must keep their events

  sink.start();
  tasks.start();
  ASSERT_TRUE(wait_for_events(sink, 10)) << tasks.logs();
  EXPECT_EQ(created_task_ids(sink_events(sink)), expected);
}

}  // namespace
}  // namespace task_manager::integration
