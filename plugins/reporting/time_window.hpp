// Report periods: the time windows a report covers, in a configured IANA zone.
#pragma once

#include <chrono>
#include <string>
#include <vector>

namespace reporting {

using Clock = std::chrono::system_clock;
using TimePoint = std::chrono::time_point<Clock, std::chrono::milliseconds>;

enum class PeriodKind { daily, weekly, custom };

std::string period_name(PeriodKind kind);

// A half-open interval [from, to).
struct Window {
  TimePoint from;
  TimePoint to;
  bool operator==(const Window& other) const { return from == other.from && to == other.to; }
};

// RFC 3339 ("2024-05-06T09:00:00Z", fractions and offsets accepted). Throws
// std::invalid_argument naming the expected shape.
TimePoint parse_rfc3339(const std::string& text);
// Always UTC with a Z; milliseconds only when not whole seconds.
std::string format_rfc3339(TimePoint time);
// The wall-clock date and time of `time` in `zone` ("2024-05-06 09:00").
std::string format_local(TimePoint time, const std::string& zone);

// Calendar windows in `zone`: daily = the local day before the one holding
// `reference`; weekly = the ISO week (Monday 00:00) before the one holding it.
// Throws std::invalid_argument for an unknown zone.
Window calendar_window(PeriodKind kind, TimePoint reference, const std::string& zone);

// The windows before `current`, most recent first, `count` of them: shifted by
// whole local days/weeks for calendar periods, by the window length otherwise.
std::vector<Window> previous_windows(PeriodKind kind, const Window& current,
                                     const std::string& zone, int count);

// Throws std::invalid_argument when `zone` is not a known IANA zone.
void check_time_zone(const std::string& zone);

}  // namespace reporting
