// Creates are answered from the commit (by the writer thread, after the
// handler returned): a SIGTERM under load must neither lose an acknowledged
// create nor crash on an answer that arrives while the server shuts down.
#include <atomic>
#include <mutex>
#include <thread>
#include <vector>

#include "task_manager_hosts.hpp"

namespace task_manager::integration {
namespace {

TEST(TaskCreates, EveryAcknowledgedCreateSurvivesASigtermUnderLoad) {
  // A short grace: the clients keep sending while the host drains, so the
  // grace ends with answers still queued behind the commit.
  json config = task_manager_config("http://127.0.0.1:9");
  config["http"] = {{"drain_timeout_ms", 1500}};
  HostProcess host(config);
  const std::string tasks = host.base_url() + "/task/tasks";
  std::atomic<bool> stopping{false};
  std::mutex mutex;
  std::vector<std::string> acknowledged;
  std::vector<std::string> unexpected;
  std::vector<std::thread> clients;
  for (int c = 0; c < 8; ++c) {
    clients.emplace_back([&, c] {
      for (int i = 0; !stopping; ++i) {
        const json body = {{"title", "load " + std::to_string(c) + "-" + std::to_string(i)}};
        const Reply reply = agent_host::test::try_http("POST", tasks, body.dump(),
                                                       {{"content-type", "application/json"}});
        std::lock_guard<std::mutex> lock(mutex);
        if (reply.status == 201)
          acknowledged.push_back(reply.json().at("id").get<std::string>());
        else if (reply.status != 0)  // 0: the listener has closed
          unexpected.push_back(std::to_string(reply.status) + " " + reply.body);
      }
    });
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(700));
  host.terminate();
  EXPECT_EQ(host.wait(), 0) << host.logs();
  stopping = true;
  for (auto& client : clients) client.join();

  EXPECT_TRUE(unexpected.empty()) << unexpected.front();
  ASSERT_GT(acknowledged.size(), 20u) << "the load never got going";
  host.start();
  host.wait_ready(std::chrono::milliseconds(20000));
  for (const auto& id : acknowledged)
    ASSERT_EQ(call("GET", tasks + "/" + id).status, 200) << "acknowledged task " << id << " lost";
}

}  // namespace
}  // namespace task_manager::integration
