// Plugin handlers run on the handler pool (http.handler_threads), not on the
// network threads: a slow handler holds one pool thread while health probes
// and other requests on the same network thread are answered.
#include <chrono>
#include <future>
#include <thread>
#include <vector>

#include "host_fixture.hpp"

namespace agent_host::test {
namespace {

using namespace std::chrono_literals;

nlohmann::json one_network_thread(int handler_threads) {
  nlohmann::json config = probe_config();
  config["http"] = {{"threads", 1}, {"handler_threads", handler_threads}};
  return config;
}

std::vector<std::future<int>> start_slow_requests(HostProcess& host, int count) {
  std::vector<std::future<int>> slow;
  for (int i = 0; i < count; ++i)
    slow.push_back(std::async(std::launch::async, [url = host.base_url()] {
      return try_http("GET", url + "/probe/slow?ms=1500").status;
    }));
  return slow;
}

bool any_finished(std::vector<std::future<int>>& requests) {
  for (auto& request : requests)
    if (request.wait_for(0ms) == std::future_status::ready) return true;
  return false;
}

TEST(HandlerThreads, HealthAndFastRoutesAnswerWhileSlowHandlersWait) {
  HostProcess host(one_network_thread(4));
  auto slow = start_slow_requests(host, 3);
  std::this_thread::sleep_for(300ms);  // the three are now sleeping in their handlers
  EXPECT_EQ(http("GET", host.base_url() + "/healthz").status, 200);
  EXPECT_EQ(http("GET", host.base_url() + "/probe/label").status, 200);
  EXPECT_FALSE(any_finished(slow)) << "the probes should not have waited for the slow handlers";
  for (auto& request : slow) EXPECT_EQ(request.get(), 200);
}

TEST(HandlerThreads, SlowHandlersRunSideBySide) {
  HostProcess host(one_network_thread(4));
  const auto began = std::chrono::steady_clock::now();
  auto slow = start_slow_requests(host, 4);
  for (auto& request : slow) EXPECT_EQ(request.get(), 200);
  // One after another would take 6 s; side by side about 1.5 s.
  EXPECT_LT(std::chrono::steady_clock::now() - began, 4s);
}

TEST(HandlerThreads, ZeroThreadsRunsHandlersOnTheNetworkThreads) {
  HostProcess host(one_network_thread(0));
  auto slow = start_slow_requests(host, 1);
  std::this_thread::sleep_for(300ms);
  // The only network thread is inside the slow handler, which has about 1.2 s
  // left: the probe waits for it (answered alone it takes milliseconds).
  const auto began = std::chrono::steady_clock::now();
  EXPECT_EQ(http("GET", host.base_url() + "/healthz").status, 200);
  EXPECT_GE(std::chrono::steady_clock::now() - began, 900ms);
  EXPECT_EQ(slow[0].get(), 200);
}

TEST(HandlerThreads, AClientThatHangsUpWhileItsRequestWaitsHarmsNothing) {
  HostProcess host(one_network_thread(1));
  auto gone = std::async(std::launch::async, [url = host.base_url()] {
    return try_http("GET", url + "/probe/slow?ms=800", {}, {}, 200ms).status;
  });
  EXPECT_EQ(gone.get(), 0);  // the client gave up; its handler is still sleeping
  std::this_thread::sleep_for(1s);
  EXPECT_EQ(http("GET", host.base_url() + "/probe/label").status, 200);
  host.terminate();
  EXPECT_EQ(host.wait(), 0) << host.logs();
}

}  // namespace
}  // namespace agent_host::test
