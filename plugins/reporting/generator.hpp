// Produces one report end to end: window, peer data, model, summary,
// documents, files and index row, with its metrics and log line.
#pragma once

#include <agent_host/sdk.hpp>
#include <optional>

#include "metrics.hpp"
#include "report_index.hpp"
#include "settings.hpp"
#include "time_window.hpp"

namespace reporting {

struct ReportRequest {
  PeriodKind period = PeriodKind::daily;
  std::optional<Window> window;  // custom periods only
  TimePoint reference;           // calendar periods end before this instant's day/week
  std::string trigger = "api";   // api, schedule
  bool summary = true;           // ask the LLM (when enabled in config)
};

struct GeneratedReport {
  ReportRecord record;
  nlohmann::json model;
};

class ReportGenerator {
 public:
  ReportGenerator(agent_host::Host& host, ReportIndex& index, ReportingMetrics& metrics);

  // Throws std::runtime_error when the report cannot be rendered or stored
  // (peer failures do not throw: they make sections unavailable).
  GeneratedReport generate(const ReportRequest& request, const Settings& settings);

 private:
  agent_host::Host& host_;
  ReportIndex& index_;
  ReportingMetrics& metrics_;
};

// A new time-sortable report id ("20240506T090000Z-1a2b3c4d").
std::string new_report_id(TimePoint now);

}  // namespace reporting
