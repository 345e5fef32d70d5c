// Plugins' jobs: registering them with the clock (abi.h schedule_cron,
// schedule_once), running one on request, and the metric and log line of
// every run.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "metrics/host_metrics.hpp"
#include "runtime/job_clock.hpp"
#include "runtime/plugin_set.hpp"

namespace agent_host::runtime {

struct RecurringJob {
  std::string plugin, name, cron, zone;
};

class PluginJobs {
 public:
  // `shared_storage`: replicas share one database, so each cron fire is
  // claimed there and runs once across them.
  PluginJobs(const PluginSet& plugins, JobClock& clock, metrics::HostMetrics& metrics,
             bool shared_storage)
      : plugins_(plugins), clock_(clock), metrics_(metrics), shared_storage_(shared_storage) {}

  ah_status schedule(PluginSlot& slot, Job job, std::chrono::milliseconds once_delay,
                     std::string& error);
  std::vector<std::string> names(const std::string& plugin) const;
  // Every recurring job the started plugins registered, in start order.
  std::vector<RecurringJob> recurring() const;
  // Runs a job now, on this thread. False + error when unknown or failed.
  bool run(const std::string& plugin, const std::string& job,
           std::chrono::system_clock::time_point fire_time, std::string& error);
  // Counts and logs one run (or skipped fire).
  void finished(const std::string& plugin, const std::string& job, bool ok, bool skipped,
                const std::string& error, double seconds);

 private:
  const PluginSet& plugins_;
  JobClock& clock_;
  metrics::HostMetrics& metrics_;
  bool shared_storage_;
};

}  // namespace agent_host::runtime
