#include "time_window.hpp"

#include <date/date.h>
#include <date/tz.h>

#include <agent_host/time.hpp>
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

// The SDK's rule, as for the times clients send (routes.cpp). date::parse was
// used here before: on text such as "2026-12-05T10:0S\0\0\0Z" it converted a
// NaN seconds value to an integer (undefined behaviour, found by the
// report_requests fuzz harness).
TimePoint parse_rfc3339(const std::string& text) {
  const agent_host::ParsedTime parsed = agent_host::parse_time_ms(text);
  if (parsed.status == agent_host::ParsedTime::Status::ok)
    return TimePoint(std::chrono::milliseconds(parsed.unix_ms));
  if (parsed.status == agent_host::ParsedTime::Status::out_of_range)
    throw std::invalid_argument("'" + text + "' is outside " + agent_host::kTimeRangeText);
  throw std::invalid_argument("'" + text +
                              "' is not an RFC 3339 time; write e.g. 2024-05-06T09:00:00Z");
}

std::string format_rfc3339(TimePoint time) {
  return agent_host::format_rfc3339(time.time_since_epoch().count(),
                                    agent_host::Fraction::when_nonzero);
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
