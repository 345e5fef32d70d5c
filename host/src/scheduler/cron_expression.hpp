#pragma once

#include <bitset>
#include <chrono>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace date {
class time_zone;
}

namespace agent_host::scheduler {

// A cron expression that cannot be parsed; the message names the field, the
// offending text and what is allowed.
class CronError : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

// A standard 5-field cron expression: minute hour day-of-month month
// day-of-week, with lists, ranges, steps, month/weekday names and the usual
// @macros. Fire times are computed in an IANA time zone.
class CronExpression {
 public:
  static CronExpression parse(std::string_view text);

  // The first fire strictly after `after`, evaluated in `zone`.
  // Daylight saving time: a local time skipped by a spring-forward fires once
  // at the first instant after the gap; a local time that occurs twice fires
  // at its first occurrence only. Schedules whose hour field starts with `*`
  // follow elapsed time instead (like cronie's "wildcard" jobs): they skip the
  // gap and fire in both passes of a repeated hour, so an every-15-minutes job
  // neither bunches up nor pauses for an hour.
  std::chrono::system_clock::time_point next_after(std::chrono::system_clock::time_point after,
                                                   const date::time_zone* zone) const;

  const std::string& text() const { return text_; }

  bool matches_minute(int minute) const { return minutes_.test(minute); }
  bool matches_hour(int hour) const { return hours_.test(hour); }
  // `weekday`: 0 = Sunday. Applies the vixie-cron rule: when both the
  // day-of-month and day-of-week fields are restricted, either may match.
  bool matches_day(int month, int day_of_month, int weekday) const;

 private:
  CronExpression() = default;

  std::string text_;
  std::bitset<60> minutes_;
  std::bitset<24> hours_;
  std::bitset<32> days_of_month_;  // bit 0 unused
  std::bitset<13> months_;         // bit 0 unused
  std::bitset<7> weekdays_;        // 0 = Sunday
  bool day_of_month_restricted_ = false;
  bool weekday_restricted_ = false;
  bool hour_restricted_ = false;
};

// The IANA time zone `name` (e.g. "Europe/Berlin", "UTC"); throws
// std::invalid_argument naming the zone when it is unknown.
const date::time_zone* find_zone(std::string_view name);

// Reads the list of IANA zones, which date-tz does on the first lookup of any
// zone, "UTC" included (it walks /usr/share/zoneinfo: ~1.5 ms). The host calls
// it on a helper thread at start so that the walk overlaps config and plugin
// loading instead of delaying the first lookup. Never throws.
void load_time_zone_database() noexcept;

// What parse() or find_zone() would refuse about `text`, or nullopt: for
// callers that report problems rather than throw (config formats, the ABI's
// cron_check and time_zone_check).
std::optional<std::string> cron_problem(std::string_view text);
std::optional<std::string> time_zone_problem(std::string_view name);

}  // namespace agent_host::scheduler
