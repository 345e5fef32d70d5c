// Runs completed per second for a 3-step no-op workflow, with the in-process
// queue (SQLite store) or with Redis (--redis-url). The plugin runs in the fake
// host, so requests go through the host's router and runtime without sockets.
//
//   workflow_bench [--runs N] [--clients C] [--workers W] [--redis-url redis://127.0.0.1:6379]
#include <sys/resource.h>

#include <agent_host/testing.hpp>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

extern "C" const ah_plugin_descriptor* agent_host_plugin_entry(void);

namespace {
// User and system CPU seconds of this process so far (every thread).
std::pair<double, double> cpu_seconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  auto seconds = [](const timeval& t) { return t.tv_sec + t.tv_usec / 1e6; };
  return {seconds(usage.ru_utime), seconds(usage.ru_stime)};
}
}  // namespace

int main(int argc, char** argv) {
  int runs = 20000, clients = 2, workers = 4;
  std::string redis_url;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    if (flag == "--runs")
      runs = std::atoi(argv[i + 1]);
    else if (flag == "--clients")
      clients = std::atoi(argv[i + 1]);
    else if (flag == "--workers")
      workers = std::atoi(argv[i + 1]);
    else if (flag == "--redis-url")
      redis_url = argv[i + 1];
    else {
      std::fprintf(stderr, "unknown flag %s\n", flag.c_str());
      return 2;
    }
  }
  agent_host::testing::FakeHost host;
  nlohmann::json config = {{"definitions_dir", ""}, {"workers", workers}};
  if (!redis_url.empty())
    config["redis"] = {{"url", redis_url}, {"key_prefix", "bench"}, {"stream", "bench:runs"}};
  host.add_plugin(agent_host_plugin_entry(), config);
  host.start();
  auto uploaded =
      host.request("POST", "/workflow/workflows",
                   "name: noop\nsteps:\n"
                   "  - {id: a, type: transform, with: {value: 1}}\n"
                   "  - {id: b, type: transform, with: {value: '{{ steps.a.output }}'}}\n"
                   "  - {id: c, type: transform, with: {value: {done: true}}}\n",
                   {{"content-type", "application/yaml"}});
  if (uploaded.status >= 300) {
    std::fprintf(stderr, "upload failed: %s\n", uploaded.body.c_str());
    return 1;
  }
  const nlohmann::json done_labels = {{"workflow", "noop"}, {"status", "succeeded"}};
  const double before = host.metric("agent_workflow_runs_total", done_labels).value_or(0);
  std::atomic<int> failures{0};
  const auto cpu_before = cpu_seconds();
  const auto started = std::chrono::steady_clock::now();
  std::vector<std::thread> senders;
  for (int c = 0; c < clients; ++c) {
    senders.emplace_back([&, c] {
      for (int i = c; i < runs; i += clients)
        if (host.post("/workflow/workflows/noop/runs", {{"input", {{"i", i}}}}).status != 202)
          ++failures;
    });
  }
  for (auto& sender : senders) sender.join();
  const double submitted_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  double completed = 0;
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::minutes(5);
  while ((completed = host.metric("agent_workflow_runs_total", done_labels).value_or(0) - before) <
             runs - failures &&
         std::chrono::steady_clock::now() < give_up)
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  const double total_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  const auto cpu_after = cpu_seconds();
  const double user_s = cpu_after.first - cpu_before.first;
  const double sys_s = cpu_after.second - cpu_before.second;
  // CPU of this process only (submitters, router, plugin, SQLite): in the Redis
  // mode redis-server's own CPU is not included.
  std::printf(
      "{\"mode\": \"%s\", \"runs\": %d, \"completed\": %.0f, \"failed_starts\": %d, \"clients\": "
      "%d, "
      "\"workers\": %d, \"submit_seconds\": %.3f, \"total_seconds\": %.3f, \"runs_per_second\": "
      "%.0f, \"cpu_user_seconds\": %.3f, \"cpu_sys_seconds\": %.3f, \"cpu_us_per_run\": %.1f}\n",
      redis_url.empty() ? "in-process" : "redis", runs, completed, failures.load(), clients,
      workers, submitted_s, total_s, completed / total_s, user_s, sys_s,
      completed > 0 ? (user_s + sys_s) * 1e6 / completed : 0.0);
  host.stop();
  return completed >= runs - failures ? 0 : 1;
}
