// Weekly report over 100k tasks and 20k workflow runs: the time to generate it
// in the all-in-one host (in-process agent calls) and across three host
// processes over loopback HTTP (the Kubernetes topology), side by side, plus
// the peers' stats endpoints alone for attribution.
//
//   reporting_bench [--tasks N] [--runs N] [--repeat N] [--json FILE]
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <functional>
#include <host_process.hpp>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

namespace {

using agent_host::test::HostOptions;
using agent_host::test::HostProcess;
using agent_host::test::http;
using nlohmann::json;
using Clock = std::chrono::steady_clock;

json post(const std::string& url, const json& body) {
  auto reply = http("POST", url, body.dump(), {{"content-type", "application/json"}},
                    std::chrono::milliseconds(600000));
  if (reply.status / 100 != 2)
    throw std::runtime_error("POST " + url + " answered " + std::to_string(reply.status) + ": " +
                             reply.body.substr(0, 500));
  return reply.body.empty() ? json::object() : reply.json();
}

std::string iso(std::chrono::system_clock::time_point t) {
  const std::time_t seconds = std::chrono::system_clock::to_time_t(t);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&seconds));
  return buffer;
}

void seed_tasks(const std::string& task_url, int count) {
  static const char* const statuses[] = {"todo", "in_progress", "blocked",
                                         "done", "done",        "cancelled"};
  static const char* const priorities[] = {"low", "medium", "high", "urgent"};
  const std::string past = "2020-01-01T00:00:00Z";
  for (int start = 0; start < count; start += 1000) {
    json items = json::array();
    for (int i = start; i < std::min(count, start + 1000); ++i) {
      json task = {{"title", "Task " + std::to_string(i)},
                   {"status", statuses[i % 6]},
                   {"priority", priorities[i % 4]},
                   {"assignee", "person-" + std::to_string(i % 25)}};
      if (i % 7 == 0) task["due_at"] = past;
      items.push_back(task);
    }
    post(task_url + "/tasks/bulk", {{"create", items}});
  }
}

void seed_runs(const std::string& workflow_url, int count) {
  post(workflow_url + "/workflows",
       {{"name", "bench-ok"},
        {"steps", json::array({{{"id", "a"}, {"type", "transform"}, {"with", {{"value", 1}}}}})}});
  post(workflow_url + "/workflows",
       {{"name", "bench-fail"},
        {"steps", json::array({{{"id", "a"}, {"type", "transform"}, {"with", {{"value", 1}}}},
                               {{"id", "b"}, {"type", "fail"}, {"with", {{"message", "no"}}}}})}});
  // Several client threads: the host serves requests concurrently.
  const int threads = 4;
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t)
    workers.emplace_back([&, t] {
      for (int i = t; i < count; i += threads)
        post(workflow_url + "/workflows/" + (i % 10 == 0 ? "bench-fail" : "bench-ok") + "/runs",
             {{"input", json::object()}});
    });
  for (auto& w : workers) w.join();
  for (int waited = 0; waited < 1200; ++waited) {
    auto reply = http("GET", workflow_url + "/runs?status=queued,running,waiting&limit=1");
    if (reply.status == 200 && reply.json()["items"].empty()) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  throw std::runtime_error("runs did not finish within 120 s");
}

// Waits until the Task Manager's outbox_depth gauge (refreshed every
// metrics_refresh_ms, 5 s by default) reads 0.
void wait_for_empty_outbox(const std::string& metrics_url) {
  const std::string name = "agent_task_manager_outbox_depth";
  for (int waited = 0; waited < 3000; ++waited) {
    const auto reply = http("GET", metrics_url);
    size_t at = 0;
    while ((at = reply.body.find(name, at)) != std::string::npos) {
      const size_t line_end = reply.body.find('\n', at);
      const std::string line = reply.body.substr(at, line_end - at);
      const bool sample = at == 0 || reply.body[at - 1] == '\n';  // not a # HELP/TYPE line
      at = line_end;
      if (!sample) continue;
      const size_t space = line.rfind(' ');
      if (space != std::string::npos && std::stod(line.substr(space + 1)) == 0) return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  throw std::runtime_error("the task outbox did not drain within 600 s");
}

struct Timing {
  std::vector<double> seconds;
  double median() const {
    auto s = seconds;
    std::sort(s.begin(), s.end());
    return s[s.size() / 2];
  }
  double best() const { return *std::min_element(seconds.begin(), seconds.end()); }
};

Timing time_it(int repeat, const std::function<void()>& fn) {
  Timing timing;
  fn();  // warm-up (page cache, statement cache, connections)
  for (int i = 0; i < repeat; ++i) {
    const auto start = Clock::now();
    fn();
    timing.seconds.push_back(std::chrono::duration<double>(Clock::now() - start).count());
  }
  return timing;
}

json weekly_body() {
  // The ISO week holding now: the weekly report "at" a moment one week later.
  return {{"period", "weekly"},
          {"at", iso(std::chrono::system_clock::now() + std::chrono::hours(24 * 7))},
          {"summary", false}};
}

Timing weekly_report(const std::string& base_url, int repeat) {
  return time_it(repeat, [&] {
    const json created = post(base_url + "/reporting/reports", weekly_body());
    if (created["outcome"] != "ok")
      throw std::runtime_error("report not complete: " + created.dump());
  });
}

Timing stats_call(const std::string& url, int repeat) {
  return time_it(repeat, [&] {
    auto reply = http("GET", url, {}, {}, std::chrono::milliseconds(600000));
    if (reply.status != 200) throw std::runtime_error("GET " + url + ": " + reply.body);
  });
}

std::string stats_query() {
  const auto now = std::chrono::system_clock::now();
  return "/stats?from=" + iso(now - std::chrono::hours(24 * 7)) +
         "&to=" + iso(now + std::chrono::hours(1));
}

// A trend point: the week before the one stats_query() covers.
std::string trend_query() {
  const auto now = std::chrono::system_clock::now();
  return "/stats?from=" + iso(now - std::chrono::hours(24 * 14)) +
         "&to=" + iso(now - std::chrono::hours(24 * 7));
}

}  // namespace

int main(int argc, char** argv) {
  int tasks = 100000, runs = 20000, repeat = 5, trend_periods = 4;
  std::string json_out;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    if (flag == "--tasks")
      tasks = std::stoi(argv[i + 1]);
    else if (flag == "--runs")
      runs = std::stoi(argv[i + 1]);
    else if (flag == "--repeat")
      repeat = std::stoi(argv[i + 1]);
    else if (flag == "--trend-periods")
      trend_periods = std::stoi(argv[i + 1]);
    else if (flag == "--json")
      json_out = argv[i + 1];
    else {
      std::cerr << "unknown flag " << flag
                << "; use --tasks N --runs N --repeat N --trend-periods N --json FILE\n";
      return 2;
    }
  }
  try {
    const std::filesystem::path work =
        std::filesystem::temp_directory_path() / ("reporting-bench-" + std::to_string(::getpid()));
    for (const char* sub : {"all-in-one", "workflow", "task-manager", "reporting"})
      std::filesystem::create_directories(work / sub);
    const std::string data_dir = (work / "data").string();
    const json common = {{"http", {{"max_request_bytes", 8 << 20}, {"threads", 2}}},
                         {"scheduler", {{"enabled", false}}},
                         {"peer_timeout_ms", 60000}};
    const json reporting = {{"config",
                             {{"peer_timeout_ms", 60000},
                              {"trend_periods", trend_periods},
                              {"summary", {{"enabled", false}}}}}};

    json all_in_one_config = common;
    all_in_one_config["storage"] = {{"data_dir", data_dir}};
    all_in_one_config["plugins"] = {{"task-manager", {{"config", json::object()}}},
                                    {"workflow", {{"config", {{"definitions_dir", ""}}}}},
                                    {"reporting", reporting}};
    json results = {
        {"tasks", tasks}, {"runs", runs}, {"repeat", repeat}, {"trend_periods", trend_periods}};
    {
      HostProcess host(HostOptions{
          all_in_one_config, work / "all-in-one", {}, true, std::chrono::milliseconds(60000)});
      const auto seed_start = Clock::now();
      seed_tasks(host.base_url() + "/task", tasks);
      seed_runs(host.base_url() + "/workflow", runs);
      std::cerr << "seeded in " << std::chrono::duration<double>(Clock::now() - seed_start).count()
                << " s\n";
      // Let the task events (one per seeded task) drain into the workflow agent
      // before timing: delivering 100k events competes with the report for the
      // cores for tens of seconds after seeding.
      const auto drain_start = Clock::now();
      wait_for_empty_outbox(host.metrics_url());
      std::cerr << "outbox drained in "
                << std::chrono::duration<double>(Clock::now() - drain_start).count() << " s\n";
      const Timing task_stats = stats_call(host.base_url() + "/task" + stats_query(), repeat);
      // A Task Manager before `fields` (a baseline run) refuses it: no figure.
      const std::string trend_url =
          host.base_url() + "/task" + trend_query() + "&fields=created,completed,completion_rate";
      const Timing trend_stats =
          http("GET", trend_url).status == 200 ? stats_call(trend_url, repeat) : Timing{};
      const Timing run_stats = stats_call(host.base_url() + "/workflow" + stats_query(), repeat);
      const Timing blocked_list =
          stats_call(host.base_url() + "/task/tasks?status=blocked&limit=20", repeat);
      const Timing overdue_list = stats_call(
          host.base_url() + "/task/tasks?status=todo,in_progress,blocked&sort=due_at&due_before=" +
              iso(std::chrono::system_clock::now()) + "&limit=20",
          repeat);
      const Timing report = weekly_report(host.base_url(), repeat);
      results["all_in_one"] = {
          {"blocked_list_median_s", blocked_list.median()},
          {"overdue_list_median_s", overdue_list.median()},
          {"report_median_s", report.median()},
          {"report_best_s", report.best()},
          {"task_stats_median_s", task_stats.median()},
          {"task_trend_stats_median_s",
           trend_stats.seconds.empty() ? json(nullptr) : json(trend_stats.median())},
          {"workflow_stats_median_s", run_stats.median()}};
    }
    {
      // The same data files, now served by one process per agent.
      json wf_config = common;
      wf_config["service"] = "workflow";
      wf_config["storage"] = {{"data_dir", data_dir}};
      wf_config["plugins"] = {{"workflow", {{"config", {{"definitions_dir", ""}}}}}};
      HostProcess workflow(
          HostOptions{wf_config, work / "workflow", {}, true, std::chrono::milliseconds(60000)});
      json tm_config = common;
      tm_config["service"] = "task-manager";
      tm_config["storage"] = {{"data_dir", data_dir}};
      tm_config["peers"] = {{"workflow", workflow.base_url()}};
      tm_config["plugins"] = {{"task-manager", {{"config", json::object()}}}};
      HostProcess task_manager(HostOptions{
          tm_config, work / "task-manager", {}, true, std::chrono::milliseconds(60000)});
      json rp_config = common;
      rp_config["service"] = "reporting-agent";
      rp_config["peers"] = {{"task-manager", task_manager.base_url()},
                            {"workflow", workflow.base_url()}};
      rp_config["plugins"] = {{"reporting", reporting}};
      HostProcess reporting_host(
          HostOptions{rp_config, work / "reporting", {}, true, std::chrono::milliseconds(60000)});
      const Timing report = weekly_report(reporting_host.base_url(), repeat);
      const Timing task_stats =
          stats_call(task_manager.base_url() + "/task" + stats_query(), repeat);
      results["three_processes"] = {{"report_median_s", report.median()},
                                    {"report_best_s", report.best()},
                                    {"task_stats_median_s", task_stats.median()}};
    }
    std::filesystem::remove_all(work);
    const double one = results["all_in_one"]["report_median_s"];
    const double three = results["three_processes"]["report_median_s"];
    std::printf("weekly report over %d tasks and %d runs, %d trend periods (median of %d)\n", tasks,
                runs, trend_periods, repeat);
    std::printf("  all-in-one (in-process calls):   %7.3f s  (target <= 0.5 s)\n", one);
    std::printf("  three processes (loopback HTTP): %7.3f s  (target <= 2 s)\n", three);
    std::printf("  ratio three/all-in-one:          %7.2f x\n", three / one);
    std::printf("  GET /task/stats alone:           %7.3f s\n",
                results["all_in_one"]["task_stats_median_s"].get<double>());
    const json& trend = results["all_in_one"]["task_trend_stats_median_s"];
    if (trend.is_number())
      std::printf("  GET /task/stats?fields= (trend): %7.3f s\n", trend.get<double>());
    else
      std::printf(
          "  GET /task/stats?fields= (trend):     n/a (refused: Task Manager without it)\n");
    std::printf("  GET /workflow/stats alone:       %7.3f s\n",
                results["all_in_one"]["workflow_stats_median_s"].get<double>());
    std::printf("  GET /task/tasks (blocked list):  %7.3f s\n",
                results["all_in_one"]["blocked_list_median_s"].get<double>());
    std::printf("  GET /task/tasks (overdue list):  %7.3f s\n",
                results["all_in_one"]["overdue_list_median_s"].get<double>());
    if (!json_out.empty()) std::ofstream(json_out) << results.dump(2) << "\n";
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "reporting_bench: " << e.what() << "\n";
    return 1;
  }
}
