#include "time_window.hpp"

#include <date/date.h>
#include <date/tz.h>

#include <sstream>
#include <stdexcept>

namespace reporting {
namespace {

const date::time_zone* zone_named(const std::string& zone) {
  try {
    return date::locate_zone(zone.empty() ? "UTC" : zone);
  } catch (const std::exception&) {
    throw std::invalid_argument("unknown time zone '" + zone +
                                "'; use an IANA name such as UTC or Europe/Paris");
  }
}

// Local midnight of `local_day` in `zone` as an instant; a midnight skipped by
// a DST change maps to the first instant after the gap.
TimePoint midnight(const date::time_zone* zone, date::local_days local_day) {
  return std::chrono::time_point_cast<std::chrono::milliseconds>(
      zone->to_sys(local_day, date::choose::earliest));
}

int step_days(PeriodKind kind) {
  return kind == PeriodKind::weekly ? 7 : 1;
}

}  // namespace

std::string period_name(PeriodKind kind) {
  switch (kind) {
    case PeriodKind::daily:
      return "daily";
    case PeriodKind::weekly:
      return "weekly";
    case PeriodKind::custom:
      break;
  }
  return "custom";
}

// GCC 12 at -O3 sees date::from_stream's seconds variable as maybe
// uninitialized once inlined here (it is assigned before use): a false
// positive that -Werror would turn into a failed Release build.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
TimePoint parse_rfc3339(const std::string& text) {
  // Accept a lower-case t/z as RFC 3339 allows; date::parse wants upper case.
  std::string normalized = text;
  for (char& c : normalized)
    if (c == 't' || c == 'z') c = static_cast<char>(c - 'a' + 'A');
  for (const char* format : {"%FT%TZ", "%FT%T%Ez"}) {
    std::istringstream in(normalized);
    date::sys_time<std::chrono::milliseconds> parsed;
    in >> date::parse(format, parsed);
    if (!in.fail() && in.peek() == std::char_traits<char>::eof()) return parsed;
  }
  throw std::invalid_argument("'" + text +
                              "' is not an RFC 3339 time; write e.g. 2024-05-06T09:00:00Z");
}
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif

std::string format_rfc3339(TimePoint time) {
  if (time.time_since_epoch() % std::chrono::seconds(1) == std::chrono::milliseconds(0))
    return date::format("%FT%TZ", std::chrono::time_point_cast<std::chrono::seconds>(time));
  return date::format("%FT%TZ", time);
}

std::string format_local(TimePoint time, const std::string& zone) {
  const date::zoned_time<std::chrono::minutes> local(
      zone_named(zone), std::chrono::time_point_cast<std::chrono::minutes>(time));
  return date::format("%F %R", local);
}

void check_time_zone(const std::string& zone) {
  zone_named(zone);
}

Window calendar_window(PeriodKind kind, TimePoint reference, const std::string& zone) {
  const date::time_zone* tz = zone_named(zone);
  const auto local_day = date::floor<date::days>(tz->to_local(reference));
  date::local_days end_day = local_day;
  if (kind == PeriodKind::weekly) end_day = local_day - (date::weekday(local_day) - date::Monday);
  const date::local_days start_day = end_day - date::days(step_days(kind));
  return Window{midnight(tz, start_day), midnight(tz, end_day)};
}

std::vector<Window> previous_windows(PeriodKind kind, const Window& current,
                                     const std::string& zone, int count) {
  std::vector<Window> windows;
  if (kind == PeriodKind::custom) {
    const auto length = current.to - current.from;
    for (int i = 1; i <= count; ++i)
      windows.push_back(Window{current.from - length * i, current.to - length * i});
    return windows;
  }
  const date::time_zone* tz = zone_named(zone);
  const auto start_day = date::floor<date::days>(tz->to_local(current.from));
  for (int i = 1; i <= count; ++i) {
    const auto day = start_day - date::days(step_days(kind) * i);
    windows.push_back(Window{midnight(tz, day), midnight(tz, day + date::days(step_days(kind)))});
  }
  return windows;
}

}  // namespace reporting
