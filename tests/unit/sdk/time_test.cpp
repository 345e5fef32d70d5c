// agent_host/time.hpp: the one RFC 3339 rule of every agent.
#include <gtest/gtest.h>

#include <agent_host/time.hpp>

namespace {

using agent_host::format_rfc3339;
using agent_host::Fraction;
using agent_host::parse_rfc3339;
using agent_host::parse_time_ms;
using agent_host::ParsedTime;

constexpr int64_t kMay1st9h = 1714554000000;  // 2024-05-01T09:00:00Z

TEST(Rfc3339, ParsesUtcOffsetsAndFractions) {
  EXPECT_EQ(parse_rfc3339("2024-05-01T09:00:00Z"), kMay1st9h);
  EXPECT_EQ(parse_rfc3339("2024-05-01T11:00:00+02:00"), kMay1st9h);
  EXPECT_EQ(parse_rfc3339("2024-05-01T08:30:00-00:30"), kMay1st9h);
  EXPECT_EQ(parse_rfc3339("2024-05-01t09:00:00.25z"), kMay1st9h + 250);
  EXPECT_EQ(parse_rfc3339("2024-05-01 09:00:00.123456789Z"), kMay1st9h + 123);
  EXPECT_EQ(parse_rfc3339("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(parse_rfc3339("9999-12-31T23:59:59.999Z"), agent_host::kLatestTimeMs);
}

TEST(Rfc3339, RefusesMalformedText) {
  for (const char* text :
       {"", "2024-05-01", "2024-05-01T09:00:00", "2024-05-01T09:00Z", "2024-13-01T09:00:00Z",
        "2023-02-29T09:00:00Z", "2024-05-01T24:00:00Z", "2024-05-01T09:00:60Z",
        "2024-05-01T09:00:00.Z", "2024-05-01T09:00:00.1234567890Z", "2024-05-01T09:00:00+2:00",
        "2024-05-01T09:00:00+02:00x", "+024-05-01T09:00:00Z", "2024-05-01T09:0S:00Z"})
    EXPECT_EQ(parse_time_ms(text).status, ParsedTime::Status::malformed) << text;
  EXPECT_EQ(parse_time_ms("2024-02-29T09:00:00Z").status, ParsedTime::Status::ok);
}

TEST(Rfc3339, RefusesTimesOutsideTheSpan) {
  EXPECT_EQ(parse_time_ms("1969-12-31T23:59:59Z").status, ParsedTime::Status::out_of_range);
  EXPECT_EQ(parse_time_ms("9999-12-31T23:59:59-01:00").status, ParsedTime::Status::out_of_range);
  EXPECT_EQ(parse_rfc3339("1969-12-31T23:59:59Z"), std::nullopt);
}

TEST(Rfc3339, FormatsUtcWithMilliseconds) {
  EXPECT_EQ(format_rfc3339(kMay1st9h), "2024-05-01T09:00:00.000Z");
  EXPECT_EQ(format_rfc3339(kMay1st9h + 7), "2024-05-01T09:00:00.007Z");
  EXPECT_EQ(format_rfc3339(0), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(format_rfc3339(agent_host::kLatestTimeMs), "9999-12-31T23:59:59.999Z");
  EXPECT_EQ(format_rfc3339(-1), "1969-12-31T23:59:59.999Z");
}

TEST(Rfc3339, FormatsWholeSecondsWithoutFractionWhenAsked) {
  EXPECT_EQ(format_rfc3339(kMay1st9h, Fraction::when_nonzero), "2024-05-01T09:00:00Z");
  EXPECT_EQ(format_rfc3339(kMay1st9h + 120, Fraction::when_nonzero), "2024-05-01T09:00:00.120Z");
}

TEST(Rfc3339, FormatsYearsBeyondFourDigitsThroughDate) {
  EXPECT_EQ(format_rfc3339(agent_host::kLatestTimeMs + 1), "10000-01-01T00:00:00.000Z");
}

TEST(Rfc3339, RoundTrips) {
  for (int64_t ms : {int64_t{0}, kMay1st9h + 1, int64_t{951782400123}, agent_host::kLatestTimeMs})
    EXPECT_EQ(parse_rfc3339(format_rfc3339(ms)), ms);
}

TEST(Clock, NowIsAfterThisTestWasWritten) {
  EXPECT_GT(agent_host::now_ms(), int64_t{1764979200000});  // 2025-12-06
}

}  // namespace
