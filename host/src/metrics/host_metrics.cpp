#include "metrics/host_metrics.hpp"

#include <agent_host/abi.h>

namespace agent_host::metrics {
namespace {
const prometheus::Histogram::BucketBoundaries kLatencyBuckets = {
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
const prometheus::Histogram::BucketBoundaries kJobBuckets = {0.01, 0.1, 0.5, 1,  2.5,
                                                             5,    10,  30,  60, 300};
}  // namespace

RouteSeries::RouteSeries(prometheus::Family<prometheus::Counter>& requests,
                         prometheus::Histogram& duration, prometheus::Labels labels)
    : requests_(requests), duration_(duration), labels_(std::move(labels)) {}

void RouteSeries::record(int status, double seconds) {
  duration_.Observe(seconds);
  if (status < 100 || status >= static_cast<int>(by_status_.size())) status = 599;
  prometheus::Counter* counter = by_status_[status].load(std::memory_order_acquire);
  if (!counter) {
    prometheus::Labels labels = labels_;
    labels.emplace("code", std::to_string(status));
    counter = &requests_.Add(labels);  // Family::Add is idempotent and thread-safe
    by_status_[status].store(counter, std::memory_order_release);
  }
  counter->Increment();
}

HostMetrics::HostMetrics(prometheus::Registry& registry, const std::string& version)
    : requests_(prometheus::BuildCounter()
                    .Name("agent_host_http_requests_total")
                    .Help("HTTP requests served, by plugin, route pattern, method and status code")
                    .Register(registry)),
      durations_(prometheus::BuildHistogram()
                     .Name("agent_host_http_request_duration_seconds")
                     .Help("Time from request parsed to response written, by route")
                     .Register(registry)),
      plugins_loaded_(prometheus::BuildGauge()
                          .Name("agent_host_plugins_loaded")
                          .Help("Plugins currently loaded and started")
                          .Register(registry)
                          .Add({})),
      reloads_(prometheus::BuildCounter()
                   .Name("agent_host_config_reloads_total")
                   .Help("Configuration reloads, by result")
                   .Register(registry)),
      reloads_ok_(reloads_.Add({{"result", "ok"}})),
      reloads_failed_(reloads_.Add({{"result", "failed"}})),
      job_runs_(prometheus::BuildCounter()
                    .Name("agent_host_job_runs_total")
                    .Help("Scheduled job runs, by plugin, job and outcome (ok, failed, skipped)")
                    .Register(registry)),
      job_durations_(prometheus::BuildHistogram()
                         .Name("agent_host_job_duration_seconds")
                         .Help("Scheduled job run time")
                         .Register(registry)),
      plugin_failures_(prometheus::BuildCounter()
                           .Name("agent_host_plugin_errors_total")
                           .Help("Handler or job failures reported by plugins (answered 500)")
                           .Register(registry)) {
  prometheus::BuildGauge()
      .Name("agent_host_build_info")
      .Help("Build information; always 1")
      .Register(registry)
      .Add({{"version", version},
            {"abi", std::to_string(AH_ABI_MAJOR) + "." + std::to_string(AH_ABI_MINOR)}})
      .Set(1);
}

RouteSeries& HostMetrics::route(const std::string& plugin, const std::string& route,
                                const std::string& method) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto& slot = routes_[{plugin, route, method}];
  if (!slot) {
    prometheus::Labels labels{{"plugin", plugin}, {"route", route}, {"method", method}};
    auto& duration = durations_.Add(labels, kLatencyBuckets);
    slot = std::make_unique<RouteSeries>(requests_, duration, labels);
  }
  return *slot;
}

void HostMetrics::job_run(const std::string& plugin, const std::string& job,
                          const std::string& outcome, double seconds) {
  job_runs_.Add({{"plugin", plugin}, {"job", job}, {"outcome", outcome}}).Increment();
  if (outcome != "skipped")
    job_durations_.Add({{"plugin", plugin}, {"job", job}}, kJobBuckets).Observe(seconds);
}

void HostMetrics::plugin_failure(const std::string& plugin) {
  plugin_failures_.Add({{"plugin", plugin}}).Increment();
}

}  // namespace agent_host::metrics
