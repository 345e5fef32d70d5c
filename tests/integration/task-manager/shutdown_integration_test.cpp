// SIGTERM under write load. Creates are answered from the commit (by the
// writer thread, after the handler returned): a SIGTERM under load must
// neither lose an acknowledged create nor crash on an answer that arrives
// while the server shuts down, and a drain that the load outlasts by less than
// the grace answers every request it accepted and exits before the grace ends.
#include <thread>

#include "create_load.hpp"

namespace task_manager::integration {
namespace {

TEST(TaskCreates, EveryAcknowledgedCreateSurvivesASigtermUnderLoad) {
  // A short grace: the clients keep sending while the host drains, so the
  // grace ends with answers still queued behind the commit.
  json config = task_manager_config("http://127.0.0.1:9");
  config["http"] = {{"drain_timeout_ms", 1500}};
  HostProcess host(config);
  const std::string tasks = host.base_url() + "/task/tasks";
  CreateLoad load(tasks, 8);
  std::this_thread::sleep_for(std::chrono::milliseconds(700));
  host.terminate();
  EXPECT_EQ(host.wait(), 0) << host.logs();
  load.stop();

  // Requests cut off when the grace ends may get no answer; none may get a wrong one.
  const auto unexpected = load.unexpected();
  EXPECT_TRUE(unexpected.empty()) << unexpected.front();
  const auto acknowledged = load.acknowledged();
  ASSERT_GT(acknowledged.size(), 20u) << "the load never got going";
  host.start();
  host.wait_ready(std::chrono::milliseconds(20000));
  for (const auto& create : acknowledged)
    ASSERT_EQ(call("GET", tasks + "/" + create.id).status, 200)
        << "acknowledged task " << create.id << " lost";
}

TEST(TaskCreates, ADrainUnderLoadAnswersEveryAcceptedRequestAndEndsBeforeTheGrace) {
  constexpr std::chrono::milliseconds kGrace(6000);
  json config = task_manager_config("http://127.0.0.1:9");
  config["http"] = {{"drain_timeout_ms", kGrace.count()}};
  HostProcess host(config);
  CreateLoad load(host.base_url() + "/task/tasks", 8);
  std::this_thread::sleep_for(std::chrono::milliseconds(700));
  const auto sigterm = CreateLoad::Clock::now();
  host.terminate();
  // As in Kubernetes: requests keep coming for a moment after SIGTERM, until
  // the endpoint removal reaches the clients.
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  load.stop();
  const int exit_code = host.wait(kGrace * 2);
  const auto took =
      std::chrono::duration_cast<std::chrono::milliseconds>(CreateLoad::Clock::now() - sigterm);

  EXPECT_EQ(exit_code, 0) << host.logs();
  // The drain ends once the host is quiet, not when the grace runs out.
  EXPECT_LT(took.count(), kGrace.count()) << "ms from SIGTERM to exit\n" << host.logs();
  const auto lost = load.lost();
  EXPECT_TRUE(lost.empty()) << lost.size() << " accepted requests got no answer, e.g. "
                            << lost.front();
  const auto unexpected = load.unexpected();
  EXPECT_TRUE(unexpected.empty()) << unexpected.front();
  size_t during_drain = 0;
  for (const auto& create : load.acknowledged()) during_drain += create.sent > sigterm;
  EXPECT_GT(during_drain, 10u) << "the load did not reach into the drain";
}

}  // namespace
}  // namespace task_manager::integration
