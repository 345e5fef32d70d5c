#include "scheduler/cron_expression.hpp"

#include <date/date.h>
#include <date/tz.h>

#include <array>
#include <cctype>
#include <cstdint>
#include <optional>
#include <sstream>
#include <vector>

namespace agent_host::scheduler {
namespace {

// Allowed values and accepted names of one cron field.
struct FieldSpec {
  const char* name;
  int min;
  int max;
  const char* const* names;  // names[i] stands for min + i; nullptr when none
  int name_count;
};

constexpr const char* kMonthNames[] = {"JAN", "FEB", "MAR", "APR", "MAY", "JUN",
                                       "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"};
constexpr const char* kWeekdayNames[] = {"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"};

// Day-of-week accepts 0-7 (both 0 and 7 are Sunday); 7 is folded into 0 later.
constexpr std::array<FieldSpec, 5> kFields = {{
    {"minute", 0, 59, nullptr, 0},
    {"hour", 0, 23, nullptr, 0},
    {"day-of-month", 1, 31, nullptr, 0},
    {"month", 1, 12, kMonthNames, 12},
    {"day-of-week", 0, 7, kWeekdayNames, 7},
}};

struct Macro {
  const char* name;
  const char* expansion;
};
constexpr Macro kMacros[] = {
    {"@yearly", "0 0 1 1 *"}, {"@annually", "0 0 1 1 *"}, {"@monthly", "0 0 1 * *"},
    {"@weekly", "0 0 * * 0"}, {"@daily", "0 0 * * *"},    {"@midnight", "0 0 * * *"},
    {"@hourly", "0 * * * *"},
};

// Longest month lengths (leap February included), index 1 = January.
constexpr int kMaxDaysInMonth[] = {0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

std::string upper(std::string_view text) {
  std::string result(text);
  for (char& c : result) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return result;
}

std::vector<std::string_view> split(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  while (true) {
    const std::size_t end = text.find(separator, start);
    parts.push_back(text.substr(start, end == std::string_view::npos ? end : end - start));
    if (end == std::string_view::npos) return parts;
    start = end + 1;
  }
}

std::vector<std::string_view> split_whitespace(std::string_view text) {
  std::vector<std::string_view> words;
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
    const std::size_t start = i;
    while (i < text.size() && !std::isspace(static_cast<unsigned char>(text[i]))) ++i;
    if (i > start) words.push_back(text.substr(start, i - start));
  }
  return words;
}

// Parses one field of one expression and reports problems with full context.
class FieldParser {
 public:
  FieldParser(std::string_view expression, const FieldSpec& spec, std::string_view field)
      : expression_(expression), spec_(spec), field_(field) {}

  // Returns the set of allowed values as a bit mask (bit v = value v).
  std::uint64_t parse() const {
    std::uint64_t mask = 0;
    for (std::string_view item : split(field_, ',')) {
      if (item.empty()) fail("has an empty list item; separate values with single commas");
      mask |= parse_item(item);
    }
    return mask;
  }

 private:
  std::uint64_t parse_item(std::string_view item) const {
    const std::vector<std::string_view> step_parts = split(item, '/');
    if (step_parts.size() > 2) fail_token(item, "has more than one \"/\"");
    const std::string_view base = step_parts[0];
    int step = 1;
    if (step_parts.size() == 2) step = parse_step(step_parts[1]);

    int first = spec_.min;
    int last = spec_.max;
    if (base == "*") {
      // "*" over day-of-week means 0-6: 7 would repeat Sunday.
      if (spec_.names == kWeekdayNames) last = 6;
    } else {
      const std::vector<std::string_view> bounds = split(base, '-');
      if (bounds.size() > 2) fail_token(base, "has more than one \"-\"");
      if (bounds.size() == 2 && (bounds[0].empty() || bounds[1].empty()))
        fail_token(base, "has an empty range bound; write ranges as FROM-TO, e.g. \"1-5\"");
      first = parse_value(bounds[0]);
      if (bounds.size() == 2) {
        last = parse_value(bounds[1]);
        if (first > last) {
          std::ostringstream fix;
          fix << "range \"" << base << "\" runs backwards; write it as two ranges, e.g. \"" << first
              << "-" << spec_.max << "," << spec_.min << "-" << last << "\"";
          fail(fix.str());
        }
      } else if (step_parts.size() == 1) {
        last = first;  // a single value; "N/step" means N to the maximum
      }
    }
    std::uint64_t mask = 0;
    for (int value = first; value <= last; value += step) mask |= std::uint64_t{1} << value;
    return mask;
  }

  int parse_step(std::string_view text) const {
    const int span = spec_.max - spec_.min + 1;
    const std::optional<int> step = parse_number(text);
    if (!step || *step < 1 || *step > span) {
      std::ostringstream what;
      what << "step \"" << std::string(text) << "\" must be a number from 1 to " << span;
      fail(what.str());
    }
    return *step;
  }

  int parse_value(std::string_view text) const {
    std::optional<int> value = parse_number(text);
    if (!value && spec_.names != nullptr) value = parse_name(text);
    if (!value) {
      std::ostringstream what;
      what << "is not a number in " << spec_.min << "-" << spec_.max;
      if (spec_.names != nullptr)
        what << " or a name " << spec_.names[0] << "-" << spec_.names[spec_.name_count - 1];
      fail_token(text, what.str());
    }
    if (*value < spec_.min || *value > spec_.max) {
      std::ostringstream what;
      what << "is outside " << spec_.min << "-" << spec_.max;
      fail_token(text, what.str());
    }
    return *value;
  }

  static std::optional<int> parse_number(std::string_view text) {
    if (text.empty() || text.size() > 4) return std::nullopt;
    int value = 0;
    for (char c : text) {
      if (!std::isdigit(static_cast<unsigned char>(c))) return std::nullopt;
      value = value * 10 + (c - '0');
    }
    return value;
  }

  std::optional<int> parse_name(std::string_view text) const {
    const std::string wanted = upper(text);
    for (int i = 0; i < spec_.name_count; ++i)
      if (wanted == spec_.names[i]) return spec_.min + i;
    return std::nullopt;
  }

  // "<field> field "<token>" <what>" when the token is the whole field,
  // otherwise "<field> field "<field text>": "<token>" <what>".
  [[noreturn]] void fail_token(std::string_view token, const std::string& what) const {
    if (token == field_) fail(what);
    std::ostringstream message;
    message << "cron \"" << expression_ << "\": " << spec_.name << " field \"" << field_ << "\": \""
            << token << "\" " << what;
    throw CronError(message.str());
  }

  [[noreturn]] void fail(const std::string& what) const {
    std::ostringstream message;
    message << "cron \"" << expression_ << "\": " << spec_.name << " field \"" << field_ << "\" "
            << what;
    throw CronError(message.str());
  }

  std::string_view expression_;
  const FieldSpec& spec_;
  std::string_view field_;
};

[[noreturn]] void fail_expression(std::string_view expression, const std::string& what) {
  throw CronError("cron \"" + std::string(expression) + "\": " + what);
}

std::string_view expand_macro(std::string_view text) {
  const std::string wanted = [&] {
    std::string lower(text);
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return lower;
  }();
  for (const Macro& macro : kMacros)
    if (wanted == macro.name) return macro.expansion;
  if (wanted == "@reboot")
    fail_expression(text, "@reboot is not supported; run start-up work in the plugin's start");
  fail_expression(text,
                  "unknown macro; use @yearly, @annually, @monthly, @weekly, @daily, @midnight "
                  "or @hourly");
}

}  // namespace

CronExpression CronExpression::parse(std::string_view text) {
  const std::vector<std::string_view> words = split_whitespace(text);
  const std::string trimmed = [&] {
    std::string joined;
    for (std::string_view word : words) joined += (joined.empty() ? "" : " ") + std::string(word);
    return joined;
  }();
  if (words.empty())
    fail_expression(text,
                    "is empty; expected 5 fields (minute hour day-of-month month day-of-week) or "
                    "a macro such as @daily");

  std::vector<std::string_view> fields = words;
  if (words.size() == 1 && words[0].front() == '@')
    fields = split_whitespace(expand_macro(words[0]));
  if (fields.size() != 5) {
    std::ostringstream what;
    what << "expected 5 fields (minute hour day-of-month month day-of-week), got " << fields.size();
    if (fields.size() == 6 || fields.size() == 7)
      what << "; seconds and year fields are not supported";
    fail_expression(trimmed, what.str());
  }

  CronExpression cron;
  cron.text_ = trimmed;
  std::array<std::uint64_t, 5> masks{};
  for (std::size_t i = 0; i < 5; ++i)
    masks[i] = FieldParser(trimmed, kFields[i], fields[i]).parse();
  cron.minutes_ = std::bitset<60>(masks[0]);
  cron.hours_ = std::bitset<24>(masks[1]);
  cron.days_of_month_ = std::bitset<32>(masks[2]);
  cron.months_ = std::bitset<13>(masks[3]);
  const std::uint64_t sunday_as_seven = std::uint64_t{1} << 7;
  cron.weekdays_ =
      std::bitset<7>((masks[4] & ~sunday_as_seven) | ((masks[4] & sunday_as_seven) ? 1 : 0));
  // vixie-cron: a field that starts with '*' (including "*/n") is unrestricted
  // for the purpose of the day-of-month / day-of-week OR rule.
  cron.hour_restricted_ = fields[1].front() != '*';
  cron.day_of_month_restricted_ = fields[2].front() != '*';
  cron.weekday_restricted_ = fields[4].front() != '*';

  // Without the OR rule the day-of-month alone decides: refuse dates that never
  // occur (e.g. 30 February) instead of searching for them forever.
  if (!cron.weekday_restricted_ || !cron.day_of_month_restricted_) {
    bool possible = false;
    for (int month = 1; month <= 12 && !possible; ++month) {
      if (!cron.months_.test(month)) continue;
      for (int day = 1; day <= kMaxDaysInMonth[month] && !possible; ++day)
        possible = cron.days_of_month_.test(day);
    }
    if (!possible)
      fail_expression(trimmed, "day-of-month \"" + std::string(fields[2]) +
                                   "\" never occurs in month \"" + std::string(fields[3]) + "\"");
  }
  return cron;
}

bool CronExpression::matches_day(int month, int day_of_month, int weekday) const {
  if (!months_.test(month)) return false;
  const bool day_matches = days_of_month_.test(day_of_month);
  const bool weekday_matches = weekdays_.test(weekday);
  if (day_of_month_restricted_ && weekday_restricted_) return day_matches || weekday_matches;
  return day_matches && weekday_matches;
}

std::chrono::system_clock::time_point CronExpression::next_after(
    std::chrono::system_clock::time_point after, const date::time_zone* zone) const {
  using namespace std::chrono;
  if (zone == nullptr) throw std::invalid_argument("cron \"" + text_ + "\": no time zone given");

  // Offsets change by at most a few hours, so local candidates more than this
  // far apart cannot swap order once mapped to instants.
  constexpr auto kOffsetSlack = hours(3);
  // Dates that never occur are refused by parse; the longest real wait is a
  // 29 February, up to 8 years away.
  constexpr int kMaxDaysSearched = 366 * 30;

  const date::local_seconds local_after = zone->to_local(floor<seconds>(after));
  const date::local_seconds scan_from = floor<minutes>(local_after) - kOffsetSlack;

  std::optional<date::sys_seconds> best;
  date::local_seconds best_local{};
  const auto consider = [&](date::sys_seconds instant, date::local_seconds local) {
    if (system_clock::time_point(instant) > after && (!best || instant < *best)) {
      best = instant;
      best_local = local;
    }
  };

  date::local_days day = floor<date::days>(scan_from);
  for (int searched = 0; searched < kMaxDaysSearched; ++searched, day += date::days(1)) {
    if (best && day > best_local + kOffsetSlack) return system_clock::time_point(*best);
    const date::year_month_day ymd(day);
    const int weekday = static_cast<int>(date::weekday(day).c_encoding());
    if (!matches_day(static_cast<int>(static_cast<unsigned>(ymd.month())),
                     static_cast<int>(static_cast<unsigned>(ymd.day())), weekday))
      continue;
    for (int hour = 0; hour < 24; ++hour) {
      if (!hours_.test(hour)) continue;
      for (int minute = 0; minute < 60; ++minute) {
        if (!minutes_.test(minute)) continue;
        const date::local_seconds local = day + hours(hour) + minutes(minute);
        if (local < scan_from) continue;
        if (best && local > best_local + kOffsetSlack) return system_clock::time_point(*best);
        const date::local_info info = zone->get_info(local);
        switch (info.result) {
          case date::local_info::unique:
            consider(date::sys_seconds(local.time_since_epoch()) - info.first.offset, local);
            break;
          case date::local_info::nonexistent:
            // Fixed-time jobs run once right after the gap; interval jobs skip it.
            if (hour_restricted_) consider(info.second.begin, local);
            break;
          case date::local_info::ambiguous:
            consider(date::sys_seconds(local.time_since_epoch()) - info.first.offset, local);
            if (!hour_restricted_)
              consider(date::sys_seconds(local.time_since_epoch()) - info.second.offset, local);
            break;
        }
      }
    }
  }
  if (best) return system_clock::time_point(*best);
  throw CronError("cron \"" + text_ + "\": no fire time within 30 years");
}

void load_time_zone_database() noexcept {
  try {
    date::get_tzdb();
  } catch (const std::exception&) {
    // No zone data: the first find_zone reports it, naming the zone.
  }
}

const date::time_zone* find_zone(std::string_view name) {
  if (name.empty())
    throw std::invalid_argument(
        "time zone name is empty: use an IANA zone name such as \"UTC\" or \"Europe/Berlin\"");
  try {
    return date::locate_zone(std::string(name));
  } catch (const std::exception&) {
    throw std::invalid_argument("unknown time zone \"" + std::string(name) +
                                "\": use an IANA zone name such as \"UTC\", \"Europe/Berlin\" "
                                "or \"America/New_York\"");
  }
}

std::optional<std::string> cron_problem(std::string_view text) {
  try {
    CronExpression::parse(text);
    return std::nullopt;
  } catch (const CronError& e) {
    return e.what();
  }
}

std::optional<std::string> time_zone_problem(std::string_view name) {
  try {
    find_zone(name);
    return std::nullopt;
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
}

}  // namespace agent_host::scheduler
