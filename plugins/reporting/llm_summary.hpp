// The optional LLM summary. It never fails a report: when the model is not
// configured, slow or down, the summary says so in a note instead.
#pragma once

#include <agent_host/sdk.hpp>
#include <functional>
#include <string>

#include "settings.hpp"

namespace reporting {

// Observes one LLM call: latency in seconds and an outcome label
// ("ok", "timeout", "error").
using LlmObserver = std::function<void(double seconds, const std::string& outcome)>;

// The prompt sent to the model: the report's figures, without task lists.
std::string summary_prompt(const nlohmann::json& model);

// Returns the model's "summary" member:
// {"status": "generated"|"disabled"|"not_configured"|"timeout"|"unavailable",
//  "text": "..."|null, "note": "..."|null, "model": "..."|null, "latency_seconds": x|null}
nlohmann::json summarize(agent_host::Host& host, const SummarySettings& settings,
                         const nlohmann::json& model, const LlmObserver& observe);

}  // namespace reporting
