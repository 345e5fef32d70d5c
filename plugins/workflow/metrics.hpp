// The plugin's Prometheus series (the host prefixes agent_workflow_). Labelled
// handles are cached so the hot path does not go back to the host.
#pragma once

#include <agent_host/sdk.hpp>
#include <initializer_list>
#include <map>
#include <mutex>
#include <string>

namespace workflow {

class Metrics {
 public:
  explicit Metrics(agent_host::Host& host);

  void run_finished(const std::string& workflow, const std::string& status, double seconds);
  // Creates a workflow's run series at zero (every final status), so alert
  // rules and dashboards see them before its first run ends.
  void workflow_known(const std::string& workflow);
  void step_finished(const std::string& workflow, const std::string& step_type,
                     const std::string& outcome, double seconds);
  void retry(const std::string& workflow);
  void run_started(const std::string& workflow, const std::string& trigger);
  void reclaimed();
  void llm_latency(double seconds);
  void queue_depth(int64_t depth);
  void rejected_webhook(const std::string& reason);
  void cron_fire(const std::string& workflow, const std::string& result);
  void event_received(const std::string& type);

 private:
  // A label and its value; the JSON labels are built only for a new series.
  struct Label {
    const char* name;
    const std::string& value;
  };
  agent_host::Counter& counter(const std::string& name, const std::string& help,
                               std::initializer_list<Label> labels);
  agent_host::Histogram& histogram(const std::string& name, const std::string& help,
                                   std::initializer_list<Label> labels,
                                   const std::vector<double>& buckets);

  agent_host::Host& host_;
  std::mutex mutex_;
  std::map<std::string, agent_host::Counter> counters_;
  std::map<std::string, agent_host::Histogram> histograms_;
  agent_host::Counter reclaimed_;
  agent_host::Gauge queue_depth_;
  agent_host::Histogram llm_latency_;
};

}  // namespace workflow
