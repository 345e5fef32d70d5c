// The plugin's metrics (the host prefixes them with agent_reporting_).
#pragma once

#include <agent_host/sdk.hpp>
#include <string>

namespace reporting {

class ReportingMetrics {
 public:
  explicit ReportingMetrics(agent_host::Host& host) : host_(host) {}

  void generated(const std::string& period, const std::string& outcome, double seconds) {
    host_
        .histogram("generation_duration_seconds", "Time to gather, render and store one report",
                   {{"period", period}}, {0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 120, 300})
        .observe(seconds);
    host_
        .counter("reports_total", "Reports generated, by period and outcome (ok, partial, error)",
                 {{"period", period}, {"outcome", outcome}})
        .inc();
  }
  void peer_error(const std::string& peer) {
    host_.counter("peer_errors_total", "Peer calls that failed after all retries", {{"peer", peer}})
        .inc();
  }
  void llm_call(double seconds, const std::string& outcome) {
    host_
        .histogram("llm_latency_seconds", "LLM summary inference latency, by outcome",
                   {{"outcome", outcome}}, {0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300, 600})
        .observe(seconds);
  }
  void expired(double count) {
    host_.counter("reports_expired_total", "Reports deleted by the retention job").inc(count);
  }

 private:
  agent_host::Host& host_;
};

}  // namespace reporting
