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

TEST(HostReload, PluginsAreEnabledAndDisabledWithoutARestart) {
  HostProcess host(probe_config());
  const pid_t pid = host.pid();
  EXPECT_EQ(http("GET", host.base_url() + "/hello/greet/x").status, 404);
  auto with_hello = probe_config();
  with_hello["plugins"]["hello"] = {{"config", {{"greeting", "Yo"}}}};
  host.write_config(with_hello);
  EXPECT_TRUE(eventually([&] {
    return http("GET", host.base_url() + "/hello/greet/x").status == 200;
  })) << host.logs();
  EXPECT_EQ(http("GET", host.base_url() + "/hello/greet/x").json()["message"], "Yo, x!");
  auto without_probe = with_hello;
  without_probe["plugins"]["probe"]["enabled"] = false;
  host.write_config(without_probe);
  EXPECT_TRUE(eventually([&] {
    return http("GET", host.base_url() + "/probe/echo/1").status == 404;
  })) << host.logs();
  EXPECT_EQ(http("GET", host.base_url() + "/hello/greet/x").status, 200);
  EXPECT_EQ(host.pid(), pid);
}

}  // namespace
}  // namespace agent_host::test
