// kill -9 under write load, a few times over: every create the host
// acknowledged (201) is there after the restart, and its task.created event
// reaches the event sink. AH_KILL_CYCLES sets how many cycles (3 by default;
// the long run in docs/testing.md uses more).
#include <algorithm>
#include <iostream>
#include <iterator>
#include <set>
#include <thread>

#include "create_load.hpp"

namespace task_manager::integration {
namespace {

std::set<std::string> missing_events(const HostProcess& sink, const std::set<std::string>& ids) {
  const std::set<std::string> received = created_task_ids(sink_events(sink));
  std::set<std::string> missing;
  std::set_difference(ids.begin(), ids.end(), received.begin(), received.end(),
                      std::inserter(missing, missing.end()));
  return missing;
}

TEST(TaskCreates, EveryAcknowledgedCreateAndItsEventSurviveKill9UnderLoad) {
  HostProcess sink(sink_config());
  HostProcess tasks(task_manager_config(sink.base_url()));
  const std::string url = tasks.base_url() + "/task/tasks";
  std::set<std::string> acknowledged;
  const int cycles = agent_host::test::kill_cycles();
  for (int cycle = 0; cycle < cycles; ++cycle) {
    CreateLoad load(url, 4);
    std::this_thread::sleep_for(std::chrono::milliseconds(600));
    tasks.kill9();  // mid-commit: the clients are still sending
    load.stop();
    const auto answered = load.acknowledged();
    ASSERT_GT(answered.size(), 10u) << "cycle " << cycle << ": the load never got going";
    for (const auto& create : answered) acknowledged.insert(create.id);
    tasks.start();
    tasks.wait_ready(std::chrono::milliseconds(20000));
  }

  // The figure a long run reports (docs/testing.md).
  std::cout << acknowledged.size() << " acknowledged creates over " << cycles
            << " kill -9 cycles\n";
  for (const auto& id : acknowledged)
    ASSERT_EQ(call("GET", url + "/" + id).status, 200) << "acknowledged task " << id << " lost";
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  std::set<std::string> missing = missing_events(sink, acknowledged);
  while (!missing.empty() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    missing = missing_events(sink, acknowledged);
  }
  EXPECT_TRUE(missing.empty()) << missing.size() << " of " << acknowledged.size()
                               << " acknowledged creates never had their event delivered, e.g. "
                               << *missing.begin() << "\n"
                               << tasks.logs();
}

}  // namespace
}  // namespace task_manager::integration
