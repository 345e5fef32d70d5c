#include "time_text.hpp"

#include <date/date.h>

#include <agent_host/list_params.hpp>
#include <chrono>
#include <cstdio>

namespace task_manager {
int64_t now_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

std::string format_rfc3339(int64_t unix_ms) {
  using namespace std::chrono;
  const date::sys_time<milliseconds> time{milliseconds(unix_ms)};
  const auto day = date::floor<date::days>(time);
  const date::year_month_day ymd{day};
  const date::hh_mm_ss<milliseconds> clock{time - day};
  char buffer[40];
  std::snprintf(
      buffer, sizeof buffer, "%04d-%02u-%02uT%02d:%02d:%02d.%03dZ", static_cast<int>(ymd.year()),
      static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
      static_cast<int>(clock.hours().count()), static_cast<int>(clock.minutes().count()),
      static_cast<int>(clock.seconds().count()), static_cast<int>(clock.subseconds().count()));
  return buffer;
}

std::optional<int64_t> parse_rfc3339(std::string_view text) {
  const auto parsed = agent_host::parse_time_ms(text);
  if (parsed.status != agent_host::ParsedTime::Status::ok) return std::nullopt;
  return parsed.unix_ms;
}

}  // namespace task_manager
