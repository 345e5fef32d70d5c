// The host's own metrics: HTTP traffic, plugins, reloads, jobs, build info.
#pragma once

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <array>
#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <tuple>

namespace agent_host::metrics {

// The series of one route, created once and then updated without lookups.
class RouteSeries {
 public:
  RouteSeries(prometheus::Family<prometheus::Counter>& requests, prometheus::Histogram& duration,
              prometheus::Labels labels);
  void record(int status, double seconds);

 private:
  prometheus::Family<prometheus::Counter>& requests_;
  prometheus::Histogram& duration_;
  prometheus::Labels labels_;
  std::array<std::atomic<prometheus::Counter*>, 600> by_status_{};
};

class HostMetrics {
 public:
  HostMetrics(prometheus::Registry& registry, const std::string& version);

  // plugin = "host" for the host's own endpoints; route = the matched pattern.
  RouteSeries& route(const std::string& plugin, const std::string& route,
                     const std::string& method);
  void set_plugins_loaded(double count) { plugins_loaded_.Set(count); }
  void config_reload(bool ok) { (ok ? reloads_ok_ : reloads_failed_).Increment(); }
  void job_run(const std::string& plugin, const std::string& job, const std::string& outcome,
               double seconds);
  void plugin_failure(const std::string& plugin);

 private:
  prometheus::Family<prometheus::Counter>& requests_;
  prometheus::Family<prometheus::Histogram>& durations_;
  prometheus::Gauge& plugins_loaded_;
  prometheus::Family<prometheus::Counter>& reloads_;
  prometheus::Counter& reloads_ok_;
  prometheus::Counter& reloads_failed_;
  prometheus::Family<prometheus::Counter>& job_runs_;
  prometheus::Family<prometheus::Histogram>& job_durations_;
  prometheus::Family<prometheus::Counter>& plugin_failures_;
  std::mutex mutex_;
  std::map<std::tuple<std::string, std::string, std::string>, std::unique_ptr<RouteSeries>> routes_;
};

}  // namespace agent_host::metrics
