// Turns the data model into what templates show: formatted figures, trend
// sentences and SVG charts, next to the raw values.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace reporting {

// "62.5%" or "n/a" for a 0..1 ratio (null = n/a).
std::string percent_text(const nlohmann::json& ratio);
// "1h 05m", "12m 30s", "45.2s", "250 ms" or "n/a".
std::string duration_text(const nlohmann::json& seconds);
// "up 5.0 points (from 57.5%)", "flat (57.5% before)", "no comparison ...".
std::string trend_text(const nlohmann::json& trend);

// The model plus display members: "*_text" strings, "title", and "charts"
// (SVG markup) — the context both templates render.
nlohmann::json presentation_of(const nlohmann::json& model);

}  // namespace reporting
