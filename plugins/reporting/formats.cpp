#include "formats.hpp"

#include <algorithm>
#include <cstdlib>
#include <sstream>

namespace reporting {
namespace {

std::string trim(const std::string& text) {
  const auto begin = text.find_first_not_of(" \t");
  if (begin == std::string::npos) return {};
  return text.substr(begin, text.find_last_not_of(" \t") - begin + 1);
}

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

struct Range {
  std::string type;  // "text/html", "text/*", "*/*"
  double q = 1;
  size_t order = 0;
};

std::vector<Range> parse_accept(const std::string& accept) {
  std::vector<Range> ranges;
  std::istringstream in(accept);
  std::string item;
  while (std::getline(in, item, ',')) {
    std::istringstream parts(item);
    std::string part;
    std::getline(parts, part, ';');
    Range range{lower(trim(part)), 1, ranges.size()};
    if (range.type.empty()) continue;
    while (std::getline(parts, part, ';')) {
      part = trim(part);
      if (part.rfind("q=", 0) == 0) range.q = std::strtod(part.c_str() + 2, nullptr);
    }
    ranges.push_back(range);
  }
  return ranges;
}

bool matches(const std::string& range, const std::string& content_type) {
  const std::string type = content_type.substr(0, content_type.find(';'));
  if (range == "*/*" || range == type) return true;
  if (range.size() > 2 && range.compare(range.size() - 2, 2, "/*") == 0)
    return type.compare(0, range.size() - 1, range, 0, range.size() - 1) == 0;
  return false;
}

}  // namespace

const std::vector<Format>& all_formats() {
  static const std::vector<Format> formats = {
      {"markdown", "md", "text/markdown; charset=utf-8"},
      {"html", "html", "text/html; charset=utf-8"},
      {"json", "json", "application/json"},
      {"csv", "csv", "text/csv; charset=utf-8"},
  };
  return formats;
}

std::optional<Format> format_named(const std::string& name) {
  const std::string key = lower(name);
  for (const Format& f : all_formats())
    if (key == f.name || key == f.extension || (key == "htm" && f.name == "html")) return f;
  return std::nullopt;
}

std::optional<Format> negotiate(const std::string& accept, const std::vector<std::string>& stored) {
  std::vector<Format> candidates;
  for (const std::string& name : stored)
    if (auto f = format_named(name)) candidates.push_back(*f);
  if (candidates.empty()) return std::nullopt;
  const std::vector<Range> ranges = parse_accept(accept);
  if (ranges.empty()) {
    for (const Format& f : candidates)
      if (f.name == "json") return f;
    return candidates.front();
  }
  // Each format takes the q of its most specific matching range (RFC 9110);
  // the best format has the highest q, then the more specific range, then the
  // earlier one in the header.
  std::optional<Format> best;
  double best_q = 0;
  int best_specificity = -1;
  size_t best_order = 0;
  for (const Format& f : candidates) {
    const Range* chosen = nullptr;
    int chosen_specificity = -1;
    for (const Range& r : ranges) {
      if (!matches(r.type, f.content_type)) continue;
      const int specificity = r.type == "*/*" ? 0 : r.type.back() == '*' ? 1 : 2;
      if (specificity > chosen_specificity) {
        chosen = &r;
        chosen_specificity = specificity;
      }
    }
    if (!chosen || chosen->q <= 0) continue;
    const bool better = chosen->q > best_q ||
                        (chosen->q == best_q && chosen_specificity > best_specificity) ||
                        (chosen->q == best_q && chosen_specificity == best_specificity &&
                         chosen->order < best_order);
    if (better) {
      best = f;
      best_q = chosen->q;
      best_specificity = chosen_specificity;
      best_order = chosen->order;
    }
  }
  // A bare */* (e.g. curl) keeps the JSON default rather than the first stored.
  if (best && best_specificity == 0)
    for (const Format& f : candidates)
      if (f.name == "json") return f;
  return best;
}

}  // namespace reporting
