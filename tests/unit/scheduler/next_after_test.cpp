#include <date/date.h>
#include <date/tz.h>
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <string>

#include "scheduler/cron_expression.hpp"

namespace agent_host::scheduler {
namespace {

using Clock = std::chrono::system_clock;

// The instant a local wall-clock time "YYYY-MM-DD HH:MM[:SS]" denotes in `zone`
// (the earlier one when it occurs twice).
Clock::time_point at(const std::string& zone, const std::string& local) {
  // sscanf rather than date::parse: GCC 12 at -O3 warns inside date.h's parser.
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  const int fields =
      std::sscanf(local.c_str(), "%d-%d-%d %d:%d:%d", &year, &month, &day, &hour, &minute, &second);
  if (fields < 5) throw std::invalid_argument("bad test time " + local);
  const date::local_seconds parsed = date::local_days{date::year{year} / month / day} +
                                     std::chrono::hours{hour} + std::chrono::minutes{minute} +
                                     std::chrono::seconds{second};
  return date::make_zoned(find_zone(zone), parsed, date::choose::earliest).get_sys_time();
}

std::string show(const std::string& zone, Clock::time_point time) {
  return date::format("%F %R %Z", date::make_zoned(find_zone(zone),
                                                   std::chrono::floor<std::chrono::seconds>(time)));
}

// The next fire after the local time `after` as "YYYY-MM-DD HH:MM ZONE".
std::string next(const std::string& cron, const std::string& zone, const std::string& after) {
  return show(zone, CronExpression::parse(cron).next_after(at(zone, after), find_zone(zone)));
}

// Same, with `after` given in UTC (to pick one pass of a repeated hour).
std::string next_after_utc(const std::string& cron, const std::string& zone,
                           const std::string& utc_after) {
  return show(zone, CronExpression::parse(cron).next_after(at("UTC", utc_after), find_zone(zone)));
}

TEST(NextAfter, EveryQuarterHour) {
  EXPECT_EQ(next("*/15 * * * *", "UTC", "2024-05-01 10:07"), "2024-05-01 10:15 UTC");
}

TEST(NextAfter, IsStrictlyAfter) {
  EXPECT_EQ(next("*/15 * * * *", "UTC", "2024-05-01 10:15"), "2024-05-01 10:30 UTC");
  EXPECT_EQ(next("*/15 * * * *", "UTC", "2024-05-01 10:14:59"), "2024-05-01 10:15 UTC");
  const Clock::time_point almost = at("UTC", "2024-05-01 10:15") - std::chrono::milliseconds(1);
  EXPECT_EQ(show("UTC", CronExpression::parse("*/15 * * * *").next_after(almost, find_zone("UTC"))),
            "2024-05-01 10:15 UTC");
}

TEST(NextAfter, YearRollover) {
  EXPECT_EQ(next("0 0 1 1 *", "UTC", "2023-12-31 23:59"), "2024-01-01 00:00 UTC");
  EXPECT_EQ(next("@yearly", "Europe/Berlin", "2024-06-01 00:00"), "2025-01-01 00:00 CET");
  EXPECT_EQ(next("59 23 31 12 *", "UTC", "2023-12-31 23:59"), "2024-12-31 23:59 UTC");
}

TEST(NextAfter, TwentyNinthOfFebruary) {
  EXPECT_EQ(next("0 12 29 2 *", "UTC", "2024-03-01 00:00"), "2028-02-29 12:00 UTC");
  EXPECT_EQ(next("0 12 29 2 *", "UTC", "2024-02-28 13:00"), "2024-02-29 12:00 UTC");
  // 2100 is not a leap year.
  EXPECT_EQ(next("0 12 29 2 *", "UTC", "2097-01-01 00:00"), "2104-02-29 12:00 UTC");
}

TEST(NextAfter, ThirtyFirstSkipsShortMonths) {
  EXPECT_EQ(next("0 0 31 * *", "UTC", "2024-04-01 00:00"), "2024-05-31 00:00 UTC");
}

TEST(NextAfter, DayOfMonthOrWeekday) {
  const char* cron = "0 9 13 * FRI";
  EXPECT_EQ(next(cron, "UTC", "2024-09-01 00:00"), "2024-09-06 09:00 UTC");  // a Friday
  EXPECT_EQ(next(cron, "UTC", "2024-09-06 09:00"), "2024-09-13 09:00 UTC");  // Friday the 13th
  EXPECT_EQ(next(cron, "UTC", "2024-09-13 09:00"), "2024-09-20 09:00 UTC");
  EXPECT_EQ(next(cron, "UTC", "2024-10-11 09:00"), "2024-10-13 09:00 UTC");  // a Sunday
}

TEST(NextAfter, DayOfMonthAndWeekdayWithAStar) {
  // "*/2" counts as a star: odd days that are also Mondays.
  EXPECT_EQ(next("0 0 */2 * MON", "UTC", "2024-06-01 00:00"), "2024-06-03 00:00 UTC");
  EXPECT_EQ(next("0 0 */2 * MON", "UTC", "2024-06-03 00:00"), "2024-06-17 00:00 UTC");
}

TEST(NextAfter, WorkdaysInBerlin) {
  EXPECT_EQ(next("0 9 * * MON-FRI", "Europe/Berlin", "2024-06-07 10:00"), "2024-06-10 09:00 CEST");
  EXPECT_EQ(next("0 9 * * 1-5", "Europe/Berlin", "2024-06-10 08:59"), "2024-06-10 09:00 CEST");
}

TEST(NextAfter, ZoneOffsetsApply) {
  const Clock::time_point fire =
      CronExpression::parse("0 9 * * *")
          .next_after(at("UTC", "2024-01-15 00:00"), find_zone("America/New_York"));
  EXPECT_EQ(show("UTC", fire), "2024-01-15 14:00 UTC");
}

// Europe/Berlin 2024-03-31: 02:00 CET jumps to 03:00 CEST.
TEST(NextAfterDst, BerlinSpringForwardFiresOnceAfterTheGap) {
  EXPECT_EQ(next("30 2 * * *", "Europe/Berlin", "2024-03-30 12:00"), "2024-03-31 03:00 CEST");
  EXPECT_EQ(next("30 2 * * *", "Europe/Berlin", "2024-03-31 03:00"), "2024-04-01 02:30 CEST");
  EXPECT_EQ(next("*/15 2 * * *", "Europe/Berlin", "2024-03-31 00:00"), "2024-03-31 03:00 CEST");
  EXPECT_EQ(next("*/15 2 * * *", "Europe/Berlin", "2024-03-31 03:00"), "2024-04-01 02:00 CEST");
}

TEST(NextAfterDst, BerlinSpringForwardIntervalJobsSkipTheGap) {
  EXPECT_EQ(next("30 * * * *", "Europe/Berlin", "2024-03-31 01:45"), "2024-03-31 03:30 CEST");
  EXPECT_EQ(next("*/15 * * * *", "Europe/Berlin", "2024-03-31 01:45"), "2024-03-31 03:00 CEST");
}

// Europe/Berlin 2024-10-27: 03:00 CEST falls back to 02:00 CET; 02:xx occurs twice.
TEST(NextAfterDst, BerlinFallBackFiresFixedTimesOnce) {
  EXPECT_EQ(next("30 2 * * *", "Europe/Berlin", "2024-10-27 00:00"), "2024-10-27 02:30 CEST");
  EXPECT_EQ(next_after_utc("30 2 * * *", "Europe/Berlin", "2024-10-27 00:30"),
            "2024-10-28 02:30 CET");
}

TEST(NextAfterDst, BerlinFallBackIntervalJobsRunInBothPasses) {
  EXPECT_EQ(next_after_utc("30 * * * *", "Europe/Berlin", "2024-10-27 00:30"),
            "2024-10-27 02:30 CET");
  EXPECT_EQ(next_after_utc("30 * * * *", "Europe/Berlin", "2024-10-27 01:30"),
            "2024-10-27 03:30 CET");
  // From late in the first pass, the next fire is early in the second one.
  EXPECT_EQ(next_after_utc("*/20 * * * *", "Europe/Berlin", "2024-10-27 00:50"),
            "2024-10-27 02:00 CET");
  EXPECT_EQ(next_after_utc("10 * * * *", "Europe/Berlin", "2024-10-27 00:20"),
            "2024-10-27 02:10 CET");
}

// America/New_York 2024-03-10: 02:00 EST jumps to 03:00 EDT.
TEST(NextAfterDst, NewYorkSpringForward) {
  EXPECT_EQ(next("0 2 * * *", "America/New_York", "2024-03-09 12:00"), "2024-03-10 03:00 EDT");
  EXPECT_EQ(next("0 2 * * *", "America/New_York", "2024-03-10 03:00"), "2024-03-11 02:00 EDT");
  EXPECT_EQ(next("59 2 * * *", "America/New_York", "2024-03-10 01:59"), "2024-03-10 03:00 EDT");
}

// America/New_York 2024-11-03: 02:00 EDT falls back to 01:00 EST; 01:xx occurs twice.
TEST(NextAfterDst, NewYorkFallBack) {
  EXPECT_EQ(next("30 1 * * *", "America/New_York", "2024-11-02 12:00"), "2024-11-03 01:30 EDT");
  EXPECT_EQ(next_after_utc("30 1 * * *", "America/New_York", "2024-11-03 05:30"),
            "2024-11-04 01:30 EST");
  // Asked during the second pass, after the first occurrence already passed.
  EXPECT_EQ(next_after_utc("45 1 * * *", "America/New_York", "2024-11-03 06:10"),
            "2024-11-04 01:45 EST");
}

TEST(NextAfter, NullZoneIsRefused) {
  EXPECT_THROW(CronExpression::parse("* * * * *").next_after(Clock::now(), nullptr),
               std::invalid_argument);
}

}  // namespace
}  // namespace agent_host::scheduler
