// Inline SVG charts for the HTML report: self-contained markup (no scripts,
// no external styles) that prints as it displays.
#pragma once

#include <string>
#include <vector>

namespace reporting {

struct Bar {
  std::string label;
  double value = 0;
  std::string color;  // any SVG colour; empty = the default blue
};

// Horizontal bars, one row per entry, value printed after each bar.
std::string bar_chart_svg(const std::string& title, const std::vector<Bar>& bars);

struct TrendPoint {
  std::string label;  // e.g. the period's first day
  double created = 0;
  double completed = 0;
  bool has_rate = false;       // completion rate known for this period
  double completion_rate = 0;  // 0..1
  bool available = true;       // false: the peer did not answer for this period
};

// Created/completed bars per period with the completion rate as a line
// (right-hand axis, 0-100 %).
std::string trend_chart_svg(const std::string& title, const std::vector<TrendPoint>& points);

}  // namespace reporting
