// The report's data model: what the peers answered, checked and turned into
// the figures a manager reads. It is also the JSON format of a report, and
// every other format is rendered from it.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "collector.hpp"

namespace reporting {

struct ReportMeta {
  std::string id;
  PeriodKind period = PeriodKind::custom;
  Window window;
  std::vector<Window> previous;  // most recent first
  std::string time_zone;
  TimePoint generated_at;
};

// Builds the model without the "summary" member (see llm_summary.hpp).
// Sections whose peer failed say {"available": false, "error": "..."}.
nlohmann::json build_model(const ReportMeta& meta, const Gathered& gathered);

// True when every section was available.
bool model_complete(const nlohmann::json& model);

// Completion-rate change below this (absolute, 0..1) counts as flat.
inline constexpr double kFlatTrend = 0.005;

}  // namespace reporting
