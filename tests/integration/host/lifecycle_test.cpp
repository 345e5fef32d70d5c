// SIGTERM drains in-flight requests, reports not-ready, then exits 0.
#include <signal.h>

#include <future>
#include <thread>

#include "host_fixture.hpp"

namespace agent_host::test {
namespace {

TEST(HostLifecycle, SigtermLetsInFlightRequestsFinishThenExitsZero) {
  HostProcess host(probe_config());
  auto slow = std::async(std::launch::async, [&] {
    return try_http("GET", host.base_url() + "/probe/slow?ms=1500").status;
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  host.terminate();
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  // While draining the host still answers, but says it is not ready.
  EXPECT_EQ(try_http("GET", host.base_url() + "/readyz").status, 503);
  EXPECT_EQ(slow.get(), 200);
  EXPECT_EQ(host.wait(), 0) << host.logs();
  bool stopped = false;
  for (const auto& line : host.log_lines()) stopped |= line.value("msg", "") == "stopped";
  EXPECT_TRUE(stopped) << host.logs();
}

// A handler that never returns cannot hold the stop past the grace: the host
// exits with its own code, says why, and the client's connection is closed.
TEST(HostLifecycle, AHandlerThatOutlivesTheDrainGraceDoesNotHoldTheStop) {
  auto config = probe_config();
  config["http"] = {{"drain_timeout_ms", 500}};
  HostProcess host(config);
  auto stuck = std::async(std::launch::async, [&] {
    return try_http("GET", host.base_url() + "/probe/slow?ms=120000").status;
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  host.terminate();
  // 0.5 s of grace plus the 2 s margin: 6 s is a generous bound, not a timing.
  EXPECT_EQ(host.wait(std::chrono::milliseconds(6000)), 4) << host.logs();
  EXPECT_NE(stuck.get(), 200);
  bool said = false;
  for (const auto& line : host.log_lines())
    said |= line.value("msg", "").find("exiting without them") != std::string::npos;
  EXPECT_TRUE(said) << host.logs();
}

TEST(HostLifecycle, EveryLogLineIsJsonWithTheStandardFields) {
  HostProcess host(probe_config());
  http("GET", host.base_url() + "/probe/boom");
  host.terminate();
  host.wait();
  std::istringstream in(host.logs());
  std::string line;
  int lines = 0;
  while (std::getline(in, line)) {
    auto parsed = nlohmann::json::parse(line, nullptr, false);
    ASSERT_TRUE(parsed.is_object()) << line;
    for (const char* key : {"ts", "level", "service", "plugin", "msg"})
      EXPECT_TRUE(parsed.contains(key)) << line;
    ++lines;
  }
  EXPECT_GT(lines, 3);
}

}  // namespace
}  // namespace agent_host::test
