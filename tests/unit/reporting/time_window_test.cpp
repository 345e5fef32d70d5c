#include "time_window.hpp"

#include <gtest/gtest.h>

namespace reporting {
namespace {

TimePoint t(const std::string& text) {
  return parse_rfc3339(text);
}

TEST(TimeWindow, ParsesAndFormatsRfc3339) {
  EXPECT_EQ(format_rfc3339(t("2024-05-06T09:00:00Z")), "2024-05-06T09:00:00Z");
  EXPECT_EQ(format_rfc3339(t("2024-05-06T11:00:00+02:00")), "2024-05-06T09:00:00Z");
  EXPECT_EQ(format_rfc3339(t("2024-05-06t09:00:00.250z")), "2024-05-06T09:00:00.250Z");
  EXPECT_THROW(t("2024-05-06"), std::invalid_argument);
  EXPECT_THROW(t("2024-05-06T09:00:00Zjunk"), std::invalid_argument);
  EXPECT_THROW(t("yesterday"), std::invalid_argument);
}

TEST(TimeWindow, MalformedSecondsAreRefusedNotConvertedFromNaN) {
  // The report_requests fuzz input (tests/fuzz/corpus/report_requests/nan_seconds):
  // date::parse made NaN seconds of it and converted them to an integer.
  EXPECT_THROW(t(std::string("2026-12-05T10:0S\0\0\0Z", 20)), std::invalid_argument);
  EXPECT_THROW(t("2024-05-06T09:00:0.5Z"), std::invalid_argument);
  EXPECT_THROW(t("1969-12-31T23:59:59Z"), std::invalid_argument);  // before the SDK's span
}

TEST(TimeWindow, DailyIsTheLocalDayBefore) {
  const Window w = calendar_window(PeriodKind::daily, t("2024-05-06T09:00:00Z"), "UTC");
  EXPECT_EQ(format_rfc3339(w.from), "2024-05-05T00:00:00Z");
  EXPECT_EQ(format_rfc3339(w.to), "2024-05-06T00:00:00Z");
  // 00:30 in Paris (UTC+2) is still the evening before in UTC.
  const Window paris =
      calendar_window(PeriodKind::daily, t("2024-05-05T22:30:00Z"), "Europe/Paris");
  EXPECT_EQ(format_rfc3339(paris.from), "2024-05-04T22:00:00Z");
  EXPECT_EQ(format_rfc3339(paris.to), "2024-05-05T22:00:00Z");
}

TEST(TimeWindow, WeeklyIsThePreviousIsoWeek) {
  // 2024-05-08 is a Wednesday; the previous week is Mon 04-29 .. Mon 05-06.
  const Window w = calendar_window(PeriodKind::weekly, t("2024-05-08T12:00:00Z"), "UTC");
  EXPECT_EQ(format_rfc3339(w.from), "2024-04-29T00:00:00Z");
  EXPECT_EQ(format_rfc3339(w.to), "2024-05-06T00:00:00Z");
  // Fired on Monday 09:00 itself.
  const Window monday = calendar_window(PeriodKind::weekly, t("2024-05-06T09:00:00Z"), "UTC");
  EXPECT_EQ(monday, w);
}

TEST(TimeWindow, DaylightSavingDaysAreShortOrLong) {
  // Europe/Paris moved to summer time on 2024-03-31: that day has 23 hours.
  const Window w = calendar_window(PeriodKind::daily, t("2024-04-01T08:00:00Z"), "Europe/Paris");
  EXPECT_EQ(format_rfc3339(w.from), "2024-03-30T23:00:00Z");
  EXPECT_EQ(format_rfc3339(w.to), "2024-03-31T22:00:00Z");
  const auto previous = previous_windows(PeriodKind::daily, w, "Europe/Paris", 1);
  ASSERT_EQ(previous.size(), 1u);
  EXPECT_EQ(format_rfc3339(previous[0].from), "2024-03-29T23:00:00Z");
  EXPECT_EQ(format_rfc3339(previous[0].to), "2024-03-30T23:00:00Z");
}

TEST(TimeWindow, PreviousWindowsOfACustomRangeHaveTheSameLength) {
  const Window w{t("2024-05-01T00:00:00Z"), t("2024-05-04T12:00:00Z")};
  const auto previous = previous_windows(PeriodKind::custom, w, "UTC", 2);
  ASSERT_EQ(previous.size(), 2u);
  EXPECT_EQ(format_rfc3339(previous[0].from), "2024-04-27T12:00:00Z");
  EXPECT_EQ(format_rfc3339(previous[0].to), "2024-05-01T00:00:00Z");
  EXPECT_EQ(format_rfc3339(previous[1].from), "2024-04-24T00:00:00Z");
}

TEST(TimeWindow, WeeklyHistoryStepsByWeeks) {
  const Window w = calendar_window(PeriodKind::weekly, t("2024-05-08T12:00:00Z"), "UTC");
  const auto previous = previous_windows(PeriodKind::weekly, w, "UTC", 3);
  ASSERT_EQ(previous.size(), 3u);
  EXPECT_EQ(format_rfc3339(previous[0].from), "2024-04-22T00:00:00Z");
  EXPECT_EQ(format_rfc3339(previous[2].to), "2024-04-15T00:00:00Z");
}

TEST(TimeWindow, UnknownZoneIsNamed) {
  try {
    check_time_zone("Mars/Olympus");
    FAIL() << "expected an error";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("Mars/Olympus"), std::string::npos);
  }
}

TEST(TimeWindow, FormatsLocalTime) {
  EXPECT_EQ(format_local(t("2024-05-06T07:00:00Z"), "Europe/Paris"), "2024-05-06 09:00");
}

}  // namespace
}  // namespace reporting
