// The plugin's metrics (the host prefixes them with agent_reporting_).
#pragma once

#include <agent_host/sdk.hpp>
#include <string>

#include "collector.hpp"

namespace reporting {

class ReportingMetrics {
 public:
  // Series with known labels exist from start at zero, so alert rules and
  // dashboards see them before the first failure, timeout or expiry.
  explicit ReportingMetrics(agent_host::Host& host) : host_(host) {
    for (const char* peer : {kTaskAgent, kWorkflowAgent}) peer_error_counter(peer);
    for (const char* outcome : {"ok", "error", "timeout"}) llm_histogram(outcome);
    expired_counter();
    for (const char* period : {"daily", "weekly", "custom"}) {
      generation_histogram(period);
      for (const char* outcome : {"ok", "partial", "error"}) reports_counter(period, outcome);
    }
  }

  void generated(const std::string& period, const std::string& outcome, double seconds) {
    generation_histogram(period).observe(seconds);
    reports_counter(period, outcome).inc();
  }
  void peer_error(const std::string& peer) { peer_error_counter(peer).inc(); }
  // Only calls that reached a model: "not configured" is no inference.
  void llm_call(double seconds, const std::string& outcome) {
    llm_histogram(outcome).observe(seconds);
  }
  void expired(double count) { expired_counter().inc(count); }

 private:
  agent_host::Histogram generation_histogram(const std::string& period) {
    return host_.histogram("generation_duration_seconds",
                           "Time to gather, render and store one report", {{"period", period}},
                           {0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 120, 300});
  }
  agent_host::Counter reports_counter(const std::string& period, const std::string& outcome) {
    return host_.counter("reports_total",
                         "Reports generated, by period and outcome (ok, partial, error)",
                         {{"period", period}, {"outcome", outcome}});
  }
  agent_host::Counter peer_error_counter(const std::string& peer) {
    return host_.counter("peer_errors_total", "Peer calls that failed after all retries",
                         {{"peer", peer}});
  }
  agent_host::Histogram llm_histogram(const std::string& outcome) {
    return host_.histogram("llm_latency_seconds", "LLM summary inference latency, by outcome",
                           {{"outcome", outcome}}, {0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300, 600});
  }
  agent_host::Counter expired_counter() {
    return host_.counter("reports_expired_total", "Reports deleted by the retention job");
  }

  agent_host::Host& host_;
};

}  // namespace reporting
