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
