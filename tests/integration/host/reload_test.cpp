// Config reload on SIGHUP and on a changed config file, without dropping requests.
#include <signal.h>

#include <atomic>
#include <thread>

#include "host_fixture.hpp"

namespace agent_host::test {
namespace {

// Polls until `predicate` holds or ~10 s pass.
template <typename Predicate>
bool eventually(Predicate predicate) {
  for (int i = 0; i < 1000; ++i) {
    if (predicate()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

std::string label(const HostProcess& host) {
  return http("GET", host.base_url() + "/probe/label").json()["label"];
}

double reloads(const HostProcess& host, const std::string& result) {
  const std::string metrics = http("GET", host.metrics_url()).body;
  const std::string key = "agent_host_config_reloads_total{result=\"" + result + "\"} ";
  const auto at = metrics.find(key);
  return at == std::string::npos ? -1 : std::stod(metrics.substr(at + key.size()));
}

TEST(HostReload, AChangedFileReloadsThePluginWithoutDroppingRequests) {
  HostProcess host(probe_config({{"label", "one"}}));
  std::atomic<bool> stop{false};
  std::atomic<int> ok{0}, failed{0};
  std::thread load([&] {
    while (!stop) {
      const int status = try_http("GET", host.base_url() + "/probe/echo/1").status;
      (status == 200 ? ok : failed)++;
    }
  });
  host.write_config(probe_config({{"label", "two"}}));  // a file change, no signal
  EXPECT_TRUE(eventually([&] { return label(host) == "two"; })) << host.logs();
  host.write_config(probe_config({{"label", "three"}}));
  host.signal(SIGHUP);
  EXPECT_TRUE(eventually([&] { return label(host) == "three"; })) << host.logs();
  stop = true;
  load.join();
  EXPECT_GT(ok.load(), 0);
  EXPECT_EQ(failed.load(), 0);
  EXPECT_TRUE(eventually([&] { return reloads(host, "ok") >= 2; }));
}

TEST(HostReload, ABadConfigIsRefusedAndTheRunningOneStays) {
  HostProcess host(probe_config({{"label", "steady"}}));
  // Invalid YAML for the host.
  std::ofstream(host.config_file()) << "service: [unclosed\n";
  host.signal(SIGHUP);
  EXPECT_TRUE(eventually([&] { return reloads(host, "failed") >= 1; })) << host.logs();
  // Valid YAML, invalid plugin section.
  host.write_config(probe_config({{"label", 5}}));
  EXPECT_TRUE(eventually([&] { return reloads(host, "failed") >= 2; })) << host.logs();
  // A plugin that refuses its new section.
  host.write_config(probe_config({{"label", "new"}, {"refuse_reload", true}}));
  EXPECT_TRUE(eventually([&] { return reloads(host, "failed") >= 3; })) << host.logs();
  EXPECT_EQ(label(host), "steady");
  EXPECT_EQ(http("GET", host.base_url() + "/readyz").status, 200);
  bool logged = false;
  for (const auto& line : host.log_lines())
    logged |= line.value("msg", "").find("config reload refused") != std::string::npos;
  EXPECT_TRUE(logged);
}

bool logged(const HostProcess& host, const std::string& message, const std::string& detail) {
  for (const auto& line : host.log_lines())
    if (line.value("msg", "") == message && line.dump().find(detail) != std::string::npos)
      return true;
  return false;
}

// A new config that needs a restart: the request in flight is answered, then
// the process exits with the documented code for the kubelet to restart it.
void expect_drain_and_restart_exit(HostProcess& host, const nlohmann::json& next,
                                   const std::string& changed) {
  std::atomic<int> slow_status{0};
  std::thread slow(
      [&] { slow_status = try_http("GET", host.base_url() + "/probe/slow?ms=1500").status; });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  host.write_config(next);
  EXPECT_EQ(host.wait(std::chrono::milliseconds(20000)), 3) << host.logs();
  slow.join();
  EXPECT_EQ(slow_status.load(), 200) << host.logs();
  EXPECT_TRUE(logged(host, "config change needs a restart: draining and exiting", changed))
      << host.logs();
  EXPECT_FALSE(logged(host, "config reloaded", "")) << host.logs();
}

TEST(HostReload, EnablingAPluginDrainsAndExitsForARestart) {
  HostProcess host(probe_config());
  auto with_hello = probe_config();
  with_hello["plugins"]["hello"] = {{"config", {{"greeting", "Yo"}}}};
  expect_drain_and_restart_exit(host, with_hello, "hello enabled");
}

TEST(HostReload, DisablingAPluginDrainsAndExitsForARestart) {
  auto both = probe_config();
  both["plugins"]["hello"] = {{"config", {{"greeting", "Yo"}}}};
  HostProcess host(both);
  auto without_hello = both;
  without_hello["plugins"]["hello"]["enabled"] = false;
  expect_drain_and_restart_exit(host, without_hello, "hello disabled");
}

TEST(HostReload, AKeyReadOnlyAtStartDrainsAndExitsForARestart) {
  HostProcess host(probe_config());
  auto next = host.config();
  next["storage"]["synchronous"] = "full";
  expect_drain_and_restart_exit(host, next, "storage");
}

TEST(HostReload, PeersAndLogSettingsChangeLive) {
  HostProcess host(probe_config({{"label", "one"}}));
  const pid_t pid = host.pid();
  auto next = probe_config({{"label", "two"}});
  next["peers"] = {{"elsewhere", "http://127.0.0.1:9/"}};
  next["peer_timeout_ms"] = 1234;
  next["log"] = {{"level", "debug"}};
  host.write_config(next);
  EXPECT_TRUE(eventually([&] { return label(host) == "two"; })) << host.logs();
  EXPECT_EQ(host.pid(), pid);
  EXPECT_TRUE(host.running());
}

}  // namespace
}  // namespace agent_host::test
