#include "svg_charts.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <kainjow/mustache.hpp>

namespace reporting {
namespace {

// The charts sit in the HTML report: text in them is escaped by the template
// engine's escaper, the one that escapes the rest of the page.
using kainjow::mustache::html_escape;

const char* const kBlue = "#3b6ea5";
const char* const kGreen = "#4c9a5f";
const char* const kOrange = "#d9822b";

std::string number(double value) {
  char buffer[32];
  if (std::fabs(value - std::round(value)) < 1e-9)
    std::snprintf(buffer, sizeof buffer, "%.0f", value);
  else
    std::snprintf(buffer, sizeof buffer, "%.1f", value);
  return buffer;
}

std::string open_svg(int width, int height, const std::string& title) {
  return "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" width=\"" +
         std::to_string(width) + "\" height=\"" + std::to_string(height) + "\" viewBox=\"0 0 " +
         std::to_string(width) + " " + std::to_string(height) + "\" role=\"img\" aria-label=\"" +
         html_escape(title) + "\"><title>" + html_escape(title) + "</title>";
}

std::string text(double x, double y, const std::string& content, const char* anchor = "start",
                 const char* extra = "") {
  return "<text x=\"" + number(x) + "\" y=\"" + number(y) + "\" text-anchor=\"" + anchor +
         "\" font-size=\"11\" fill=\"#222\"" + extra + ">" + html_escape(content) + "</text>";
}

std::string rect(double x, double y, double w, double h, const std::string& fill) {
  return "<rect x=\"" + number(x) + "\" y=\"" + number(y) + "\" width=\"" + number(w) +
         "\" height=\"" + number(h) + "\" fill=\"" + fill + "\"/>";
}

}  // namespace

std::string bar_chart_svg(const std::string& title, const std::vector<Bar>& bars) {
  const int width = 520, label_width = 140, row = 22, top = 8, value_room = 50;
  const int height = top * 2 + row * static_cast<int>(std::max<size_t>(bars.size(), 1));
  double max_value = 0;
  for (const Bar& bar : bars) max_value = std::max(max_value, bar.value);
  const double scale = max_value > 0 ? (width - label_width - value_room) / max_value : 0;
  std::string svg = open_svg(width, height, title);
  if (bars.empty()) svg += text(label_width, top + 15, "no data");
  for (size_t i = 0; i < bars.size(); ++i) {
    const Bar& bar = bars[i];
    const double y = top + row * static_cast<double>(i);
    std::string label = bar.label.size() > 22 ? bar.label.substr(0, 21) + "…" : bar.label;
    svg += text(label_width - 6, y + 15, label, "end");
    const double length = std::max(bar.value * scale, bar.value > 0 ? 1.0 : 0.0);
    svg += rect(label_width, y + 4, length, row - 8, bar.color.empty() ? kBlue : bar.color);
    svg += text(label_width + length + 4, y + 15, number(bar.value));
  }
  return svg + "</svg>";
}

std::string trend_chart_svg(const std::string& title, const std::vector<TrendPoint>& points) {
  const int width = 520, height = 230, left = 40, right = 44, top = 24, bottom = 40;
  const double plot_w = width - left - right, plot_h = height - top - bottom;
  double max_count = 1;
  for (const TrendPoint& p : points) max_count = std::max({max_count, p.created, p.completed});
  std::string svg = open_svg(width, height, title);
  // Axes and legend.
  svg += "<line x1=\"" + number(left) + "\" y1=\"" + number(top + plot_h) + "\" x2=\"" +
         number(left + plot_w) + "\" y2=\"" + number(top + plot_h) + "\" stroke=\"#888\"/>";
  svg += text(left - 4, top + 4, number(max_count), "end");
  svg += text(left - 4, top + plot_h, "0", "end");
  svg += text(left + plot_w + 4, top + 4, "100%");
  svg += text(left + plot_w + 4, top + plot_h, "0%");
  svg += rect(left, 6, 10, 10, kBlue) + text(left + 14, 15, "created");
  svg += rect(left + 80, 6, 10, 10, kGreen) + text(left + 94, 15, "completed");
  svg += "<line x1=\"" + number(left + 170) + "\" y1=\"11\" x2=\"" + number(left + 185) +
         "\" y2=\"11\" stroke=\"" + kOrange + "\" stroke-width=\"2\"/>" +
         text(left + 189, 15, "completion rate");
  const double slot = points.empty() ? plot_w : plot_w / static_cast<double>(points.size());
  const double bar_w = std::min(28.0, slot / 3);
  std::string line_points;
  for (size_t i = 0; i < points.size(); ++i) {
    const TrendPoint& p = points[i];
    const double center = left + slot * (static_cast<double>(i) + 0.5);
    svg += text(center, top + plot_h + 14, p.label, "middle");
    if (!p.available) {
      svg += text(center, top + plot_h - 6, "unavailable", "middle");
      continue;
    }
    const double created_h = plot_h * p.created / max_count;
    const double completed_h = plot_h * p.completed / max_count;
    svg += rect(center - bar_w, top + plot_h - created_h, bar_w - 1, created_h, kBlue);
    svg += rect(center + 1, top + plot_h - completed_h, bar_w - 1, completed_h, kGreen);
    if (p.has_rate) {
      const double y = top + plot_h * (1 - std::clamp(p.completion_rate, 0.0, 1.0));
      line_points += number(center) + "," + number(y) + " ";
      svg += "<circle cx=\"" + number(center) + "\" cy=\"" + number(y) + "\" r=\"3\" fill=\"" +
             kOrange + "\"/>";
      svg += text(center, y - 6, number(p.completion_rate * 100) + "%", "middle");
    }
  }
  if (!line_points.empty())
    svg += "<polyline fill=\"none\" stroke=\"" + std::string(kOrange) +
           "\" stroke-width=\"2\" points=\"" + line_points + "\"/>";
  return svg + "</svg>";
}

}  // namespace reporting
