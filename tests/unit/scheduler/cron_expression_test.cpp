#include "scheduler/cron_expression.hpp"

#include <gtest/gtest.h>

#include <string>

namespace agent_host::scheduler {
namespace {

std::string parse_error(const std::string& text) {
  try {
    CronExpression::parse(text);
  } catch (const CronError& error) {
    return error.what();
  }
  return "(parsed without error)";
}

TEST(CronExpressionParse, AcceptsPlainNumbersAndStars) {
  const CronExpression cron = CronExpression::parse("5 4 * * *");
  EXPECT_TRUE(cron.matches_minute(5));
  EXPECT_FALSE(cron.matches_minute(4));
  EXPECT_TRUE(cron.matches_hour(4));
  EXPECT_FALSE(cron.matches_hour(5));
  EXPECT_TRUE(cron.matches_day(1, 1, 0));
  EXPECT_TRUE(cron.matches_day(12, 31, 6));
}

TEST(CronExpressionParse, ListsRangesAndSteps) {
  const CronExpression cron = CronExpression::parse("*/15 1-5/2 * * *");
  for (int minute : {0, 15, 30, 45}) EXPECT_TRUE(cron.matches_minute(minute)) << minute;
  for (int minute : {1, 14, 59}) EXPECT_FALSE(cron.matches_minute(minute)) << minute;
  for (int hour : {1, 3, 5}) EXPECT_TRUE(cron.matches_hour(hour)) << hour;
  for (int hour : {0, 2, 4, 6}) EXPECT_FALSE(cron.matches_hour(hour)) << hour;

  const CronExpression list = CronExpression::parse("0,7,59 0 * * *");
  EXPECT_TRUE(list.matches_minute(0));
  EXPECT_TRUE(list.matches_minute(7));
  EXPECT_TRUE(list.matches_minute(59));
  EXPECT_FALSE(list.matches_minute(8));
}

TEST(CronExpressionParse, ValueWithStepRunsToTheMaximum) {
  const CronExpression cron = CronExpression::parse("50/5 * * * *");
  EXPECT_TRUE(cron.matches_minute(50));
  EXPECT_TRUE(cron.matches_minute(55));
  EXPECT_FALSE(cron.matches_minute(45));
}

TEST(CronExpressionParse, MonthAndWeekdayNamesAnyCase) {
  const CronExpression cron = CronExpression::parse("0 0 * jan-Mar,dec mon-FRI");
  EXPECT_TRUE(cron.matches_day(1, 10, 1));   // Monday in January
  EXPECT_TRUE(cron.matches_day(12, 10, 5));  // Friday in December
  EXPECT_FALSE(cron.matches_day(4, 10, 1));  // April
  EXPECT_FALSE(cron.matches_day(1, 10, 0));  // Sunday
  EXPECT_FALSE(cron.matches_day(1, 10, 6));  // Saturday
}

TEST(CronExpressionParse, SevenIsSunday) {
  const CronExpression seven = CronExpression::parse("0 0 * * 7");
  EXPECT_TRUE(seven.matches_day(3, 3, 0));
  EXPECT_FALSE(seven.matches_day(3, 4, 1));
  const CronExpression weekend = CronExpression::parse("0 0 * * 6-7");
  EXPECT_TRUE(weekend.matches_day(3, 3, 6));
  EXPECT_TRUE(weekend.matches_day(3, 3, 0));
  EXPECT_FALSE(weekend.matches_day(3, 3, 5));
}

TEST(CronExpressionParse, DayOfMonthOrWeekdayWhenBothRestricted) {
  const CronExpression cron = CronExpression::parse("0 0 13 * FRI");
  EXPECT_TRUE(cron.matches_day(6, 13, 2));   // the 13th, a Tuesday
  EXPECT_TRUE(cron.matches_day(6, 16, 5));   // a Friday, the 16th
  EXPECT_FALSE(cron.matches_day(6, 17, 6));  // neither
}

TEST(CronExpressionParse, DayOfMonthAndWeekdayWhenOneIsAStar) {
  const CronExpression step = CronExpression::parse("0 0 */2 * MON");
  EXPECT_TRUE(step.matches_day(6, 1, 1));
  EXPECT_FALSE(step.matches_day(6, 2, 1));  // Monday but an even day
  EXPECT_FALSE(step.matches_day(6, 3, 2));  // odd day but Tuesday
  const CronExpression star = CronExpression::parse("0 0 15 * *");
  EXPECT_TRUE(star.matches_day(6, 15, 3));
  EXPECT_FALSE(star.matches_day(6, 16, 3));
}

TEST(CronExpressionParse, Macros) {
  struct Case {
    const char* macro;
    const char* expansion;
  };
  const Case cases[] = {{"@yearly", "0 0 1 1 *"},  {"@annually", "0 0 1 1 *"},
                        {"@monthly", "0 0 1 * *"}, {"@weekly", "0 0 * * 0"},
                        {"@daily", "0 0 * * *"},   {"@midnight", "0 0 * * *"},
                        {"@hourly", "0 * * * *"},  {"@DAILY", "0 0 * * *"}};
  for (const Case& c : cases) {
    const CronExpression macro = CronExpression::parse(c.macro);
    const CronExpression plain = CronExpression::parse(c.expansion);
    for (int minute = 0; minute < 60; ++minute)
      EXPECT_EQ(macro.matches_minute(minute), plain.matches_minute(minute)) << c.macro;
    for (int hour = 0; hour < 24; ++hour)
      EXPECT_EQ(macro.matches_hour(hour), plain.matches_hour(hour)) << c.macro;
    for (int month = 1; month <= 12; ++month)
      for (int day = 1; day <= 31; ++day)
        EXPECT_EQ(macro.matches_day(month, day, day % 7), plain.matches_day(month, day, day % 7))
            << c.macro;
    EXPECT_EQ(macro.text(), c.macro);
  }
}

TEST(CronExpressionParse, ExtraWhitespaceIsIgnored) {
  EXPECT_EQ(CronExpression::parse("  0   12 *\t* 1 ").text(), "0 12 * * 1");
}

TEST(CronExpressionErrors, ValueOutOfRangeNamesFieldTextAndRange) {
  EXPECT_EQ(parse_error("0 25 * * *"), "cron \"0 25 * * *\": hour field \"25\" is outside 0-23");
  EXPECT_EQ(parse_error("60 * * * *"), "cron \"60 * * * *\": minute field \"60\" is outside 0-59");
  EXPECT_EQ(parse_error("0 0 0 * *"),
            "cron \"0 0 0 * *\": day-of-month field \"0\" is outside 1-31");
  EXPECT_EQ(parse_error("0 0 * 13 *"), "cron \"0 0 * 13 *\": month field \"13\" is outside 1-12");
  EXPECT_EQ(parse_error("0 0 * * 8"), "cron \"0 0 * * 8\": day-of-week field \"8\" is outside 0-7");
}

TEST(CronExpressionErrors, PartOfAListOrRangeIsQuoted) {
  EXPECT_EQ(parse_error("0 1,25 * * *"),
            "cron \"0 1,25 * * *\": hour field \"1,25\": \"25\" is outside 0-23");
  EXPECT_EQ(parse_error("0 20-24 * * *"),
            "cron \"0 20-24 * * *\": hour field \"20-24\": \"24\" is outside 0-23");
}

TEST(CronExpressionErrors, NotANumberOrName) {
  EXPECT_EQ(parse_error("abc * * * *"),
            "cron \"abc * * * *\": minute field \"abc\" is not a number in 0-59");
  EXPECT_EQ(parse_error("0 0 * FOO *"),
            "cron \"0 0 * FOO *\": month field \"FOO\" is not a number in 1-12 or a name JAN-DEC");
  EXPECT_EQ(parse_error("0 0 * * MONDAY"),
            "cron \"0 0 * * MONDAY\": day-of-week field \"MONDAY\" is not a number in 0-7 or a "
            "name SUN-SAT");
  EXPECT_EQ(parse_error("0 JAN * * *"),
            "cron \"0 JAN * * *\": hour field \"JAN\" is not a number in 0-23");
  EXPECT_EQ(parse_error("-5 * * * *"),
            "cron \"-5 * * * *\": minute field \"-5\" has an empty range bound; write ranges "
            "as FROM-TO, e.g. \"1-5\"");
  EXPECT_EQ(parse_error("0 0 * * 1-"),
            "cron \"0 0 * * 1-\": day-of-week field \"1-\" has an empty range bound; write "
            "ranges as FROM-TO, e.g. \"1-5\"");
}

TEST(CronExpressionErrors, BadSteps) {
  EXPECT_EQ(parse_error("*/0 * * * *"),
            "cron \"*/0 * * * *\": minute field \"*/0\" step \"0\" must be a number from 1 to 60");
  EXPECT_EQ(parse_error("0 */x * * *"),
            "cron \"0 */x * * *\": hour field \"*/x\" step \"x\" must be a number from 1 to 24");
  EXPECT_EQ(parse_error("*/5/2 * * * *"),
            "cron \"*/5/2 * * * *\": minute field \"*/5/2\" has more than one \"/\"");
}

TEST(CronExpressionErrors, BackwardsRangeSuggestsASplit) {
  EXPECT_EQ(parse_error("0 22-2 * * *"),
            "cron \"0 22-2 * * *\": hour field \"22-2\" range \"22-2\" runs backwards; write it "
            "as two ranges, e.g. \"22-23,0-2\"");
}

TEST(CronExpressionErrors, EmptyListItem) {
  EXPECT_EQ(parse_error("1,,2 * * * *"),
            "cron \"1,,2 * * * *\": minute field \"1,,2\" has an empty list item; separate "
            "values with single commas");
}

TEST(CronExpressionErrors, WrongFieldCount) {
  EXPECT_EQ(parse_error("* * * *"),
            "cron \"* * * *\": expected 5 fields (minute hour day-of-month month day-of-week), "
            "got 4");
  EXPECT_EQ(parse_error("0 * * * * *"),
            "cron \"0 * * * * *\": expected 5 fields (minute hour day-of-month month "
            "day-of-week), got 6; seconds and year fields are not supported");
  EXPECT_EQ(parse_error("   "),
            "cron \"   \": is empty; expected 5 fields (minute hour day-of-month month "
            "day-of-week) or a macro such as @daily");
}

TEST(CronExpressionErrors, UnknownMacro) {
  EXPECT_EQ(parse_error("@sometimes"),
            "cron \"@sometimes\": unknown macro; use @yearly, @annually, @monthly, @weekly, "
            "@daily, @midnight or @hourly");
  EXPECT_EQ(parse_error("@reboot"),
            "cron \"@reboot\": @reboot is not supported; run start-up work in the plugin's start");
}

TEST(CronExpressionErrors, DateThatNeverOccurs) {
  EXPECT_EQ(parse_error("0 0 30 2 *"),
            "cron \"0 0 30 2 *\": day-of-month \"30\" never occurs in month \"2\"");
  EXPECT_EQ(parse_error("0 0 31 APR,JUN *"),
            "cron \"0 0 31 APR,JUN *\": day-of-month \"31\" never occurs in month \"APR,JUN\"");
  // With the OR rule the weekday still fires, so this is fine.
  EXPECT_NO_THROW(CronExpression::parse("0 0 30 2 MON"));
  // 29 February does occur.
  EXPECT_NO_THROW(CronExpression::parse("0 0 29 2 *"));
}

TEST(CronExpressionErrors, IsAnInvalidArgument) {
  EXPECT_THROW(CronExpression::parse("x"), std::invalid_argument);
}

TEST(FindZone, KnownAndUnknownNames) {
  EXPECT_NE(find_zone("Europe/Berlin"), nullptr);
  EXPECT_NE(find_zone("UTC"), nullptr);
  try {
    find_zone("Mars/Olympus");
    FAIL() << "expected an error";
  } catch (const std::invalid_argument& error) {
    EXPECT_EQ(std::string(error.what()),
              "unknown time zone \"Mars/Olympus\": use an IANA zone name such as \"UTC\", "
              "\"Europe/Berlin\" or \"America/New_York\"");
  }
  EXPECT_THROW(find_zone(""), std::invalid_argument);
}

}  // namespace
}  // namespace agent_host::scheduler
