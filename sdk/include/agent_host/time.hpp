// agent_host/time.hpp — RFC 3339 timestamps <-> Unix milliseconds, one rule for every agent.
//
// Agents store and compare times as Unix milliseconds (int64_t) and show them
// as RFC 3339 text. Both directions are here, on Howard Hinnant's `date`
// calendar (the package brings it; link AgentHost::sdk):
//
//   const int64_t now = agent_host::now_ms();
//   agent_host::format_rfc3339(now);                        // "2024-05-01T09:00:00.123Z"
//   agent_host::format_rfc3339(now, agent_host::Fraction::when_nonzero);  // "...:00Z" on whole s
//   agent_host::parse_rfc3339("2024-05-01T11:00:00+02:00");  // optional: 1714554000000
//   agent_host::parse_time_ms(text).status;                   // ok, malformed or out_of_range
//
// Accepted text: "YYYY-MM-DDTHH:MM:SS[.fraction](Z|+HH:MM|-HH:MM)", with 't'/'z'
// and a space separator accepted too; up to 9 fraction digits (milliseconds
// kept, the rest cut); times from kEarliestTimeMs to kLatestTimeMs. A route
// answering clients uses require_time (list_params.hpp) for its 400.
#ifndef AGENT_HOST_TIME_HPP
#define AGENT_HOST_TIME_HPP

#include <date/date.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace agent_host {

inline constexpr int64_t kEarliestTimeMs = 0;              // 1970-01-01T00:00:00.000Z
inline constexpr int64_t kLatestTimeMs = 253402300799999;  // 9999-12-31T23:59:59.999Z
inline constexpr const char* kTimeRangeText = "1970-01-01T00:00:00Z to 9999-12-31T23:59:59Z";

// The wall clock as Unix milliseconds.
inline int64_t now_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

// What an RFC 3339 text means: the instant, or why there is none.
struct ParsedTime {
  enum class Status { ok, malformed, out_of_range } status = Status::malformed;
  int64_t unix_ms = 0;
};

namespace detail {
// `count` decimal digits at `at`, nothing else; nullopt past the end or on any other byte.
inline std::optional<int> fixed_digits(std::string_view text, size_t at, size_t count) {
  if (at + count > text.size()) return std::nullopt;
  int value = 0;
  for (size_t i = at; i < at + count; ++i) {
    if (text[i] < '0' || text[i] > '9') return std::nullopt;
    value = value * 10 + (text[i] - '0');
  }
  return value;
}

// The "Z" or "+HH:MM" / "-HH:MM" ending as minutes east of UTC; nullopt when it is neither.
inline std::optional<int64_t> zone_offset_minutes(std::string_view zone) {
  if (zone == "Z" || zone == "z") return 0;
  const auto hours = fixed_digits(zone, 1, 2), minutes = fixed_digits(zone, 4, 2);
  if (zone.size() != 6 || (zone[0] != '+' && zone[0] != '-') || zone[3] != ':' || !hours ||
      !minutes || *hours > 23 || *minutes > 59)
    return std::nullopt;
  return (zone[0] == '-' ? -1 : 1) * (*hours * 60 + *minutes);
}

// Writes `value` as exactly `width` digits at `out`.
inline void put_digits(char* out, int64_t value, int width) {
  for (int i = width - 1; i >= 0; --i, value /= 10) out[i] = static_cast<char>('0' + value % 10);
}
}  // namespace detail

inline ParsedTime parse_time_ms(std::string_view text) {
  using detail::fixed_digits;
  ParsedTime result;
  const auto year = fixed_digits(text, 0, 4), month = fixed_digits(text, 5, 2),
             day = fixed_digits(text, 8, 2), hour = fixed_digits(text, 11, 2),
             minute = fixed_digits(text, 14, 2), second = fixed_digits(text, 17, 2);
  if (!year || !month || !day || !hour || !minute || !second || text[4] != '-' || text[7] != '-' ||
      (text[10] != 'T' && text[10] != 't' && text[10] != ' ') || text[13] != ':' || text[16] != ':')
    return result;
  const date::year_month_day calendar_day{date::year(*year), date::month(unsigned(*month)),
                                          date::day(unsigned(*day))};
  if (!calendar_day.ok() || *hour > 23 || *minute > 59 || *second > 59) return result;
  size_t at = 19;
  int64_t millis = 0;
  if (at < text.size() && text[at] == '.') {
    size_t end = ++at;
    while (end < text.size() && text[end] >= '0' && text[end] <= '9') ++end;
    if (end == at || end - at > 9) return result;
    for (size_t i = 0; i < 3; ++i) millis = millis * 10 + (at + i < end ? text[at + i] - '0' : 0);
    at = end;
  }
  const auto offset_minutes = detail::zone_offset_minutes(text.substr(std::min(at, text.size())));
  if (!offset_minutes) return result;
  result.status = ParsedTime::Status::out_of_range;
  const int64_t days = date::sys_days(calendar_day).time_since_epoch().count();
  const int64_t seconds =
      days * 86400 + *hour * 3600 + *minute * 60 + *second - *offset_minutes * 60;
  result.unix_ms = seconds * 1000 + millis;
  if (result.unix_ms < kEarliestTimeMs || result.unix_ms > kLatestTimeMs) return result;
  result.status = ParsedTime::Status::ok;
  return result;
}

// parse_time_ms for callers that only need "a time or not".
inline std::optional<int64_t> parse_rfc3339(std::string_view text) {
  const ParsedTime parsed = parse_time_ms(text);
  if (parsed.status != ParsedTime::Status::ok) return std::nullopt;
  return parsed.unix_ms;
}

// How format_rfc3339 writes the sub-second part.
enum class Fraction {
  milliseconds,  // always ".mmm" (fixed width: sorts as text)
  when_nonzero,  // ".mmm" only when the time is not a whole second
};

// UTC with a 'Z': "2024-05-01T09:00:00.123Z". Digits are written by hand:
// date::format goes through an ostream and was a measurable share of a
// workflow run's CPU time. Years outside 0000..9999 fall back to date::format.
inline std::string format_rfc3339(int64_t unix_ms, Fraction fraction = Fraction::milliseconds) {
  using std::chrono::milliseconds;
  const date::sys_time<milliseconds> time{milliseconds(unix_ms)};
  const auto day = date::floor<date::days>(time);
  const date::year_month_day calendar_day{day};
  const int year = static_cast<int>(calendar_day.year());
  if (year < 0 || year > 9999) return date::format("%FT%TZ", time);
  const int64_t in_day = (time - day).count();
  char out[24];
  detail::put_digits(out, year, 4);
  out[4] = '-';
  detail::put_digits(out + 5, static_cast<unsigned>(calendar_day.month()), 2);
  out[7] = '-';
  detail::put_digits(out + 8, static_cast<unsigned>(calendar_day.day()), 2);
  out[10] = 'T';
  detail::put_digits(out + 11, in_day / 3'600'000, 2);
  out[13] = ':';
  detail::put_digits(out + 14, in_day / 60'000 % 60, 2);
  out[16] = ':';
  detail::put_digits(out + 17, in_day / 1000 % 60, 2);
  if (fraction == Fraction::when_nonzero && in_day % 1000 == 0) {
    out[19] = 'Z';
    return std::string(out, 20);
  }
  out[19] = '.';
  detail::put_digits(out + 20, in_day % 1000, 3);
  out[23] = 'Z';
  return std::string(out, sizeof out);
}

}  // namespace agent_host

#endif  // AGENT_HOST_TIME_HPP
