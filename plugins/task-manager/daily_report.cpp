#include "daily_report.hpp"

#include <date/tz.h>

#include <agent_host/time.hpp>
#include <cstdio>
#include <stdexcept>

#include "stats.hpp"

namespace task_manager {
namespace {

using agent_host::HttpError;

int64_t to_ms(date::sys_time<std::chrono::seconds> t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

std::optional<date::year_month_day> parse_date(const std::string& text) {
  unsigned year = 0, month = 0, day = 0;
  char tail = 0;
  if (text.size() != 10 ||
      std::sscanf(text.c_str(), "%4u-%2u-%2u%c", &year, &month, &day, &tail) != 3)
    return std::nullopt;
  const date::year_month_day ymd{date::year(static_cast<int>(year)), date::month(month),
                                 date::day(day)};
  if (!ymd.ok()) return std::nullopt;
  return ymd;
}

const date::time_zone* find_zone(const std::string& name) {
  try {
    return date::locate_zone(name);
  } catch (const std::exception&) {
    throw std::invalid_argument("time_zone '" + name +
                                "' is not an IANA time zone (e.g. UTC, Europe/Berlin)");
  }
}

}  // namespace

DailyReports::DailyReports(agent_host::Host& host, const std::string& time_zone)
    : host_(host), zone_name_(time_zone), zone_(find_zone(time_zone)) {}

DailyReports::Window DailyReports::window_for(const std::string& date_text) const {
  const auto ymd = parse_date(date_text);
  if (!ymd)
    throw HttpError::bad_request(
        "date", "date '" + date_text + "' is not a calendar date such as 2024-05-01");
  const date::local_days day{*ymd};
  // Midnight that does not exist or exists twice (DST) resolves to the earliest instant.
  const auto from = zone_->to_sys(date::local_seconds(day), date::choose::earliest);
  const auto to = zone_->to_sys(date::local_seconds(day + date::days(1)), date::choose::earliest);
  return Window{date_text, to_ms(from), to_ms(to)};
}

std::string DailyReports::local_date(std::chrono::system_clock::time_point at,
                                     int day_offset) const {
  const auto local = zone_->to_local(date::floor<std::chrono::seconds>(at));
  const auto day = date::floor<date::days>(local) + date::days(day_offset);
  return date::format("%F", day);
}

json DailyReports::compute(const Window& window) {
  json report = compute_stats(host_.sql(), window.from_ms, window.to_ms, agent_host::now_ms());
  report["date"] = window.date;
  report["time_zone"] = zone_name_;
  report["generated_at"] = agent_host::format_rfc3339(agent_host::now_ms());
  return report;
}

json DailyReports::report(const std::optional<std::string>& date_text) {
  const Window window =
      window_for(date_text ? *date_text : local_date(std::chrono::system_clock::now(), 0));
  const json stored =
      host_.sql().query("SELECT report FROM daily_reports WHERE date = $1 AND time_zone = $2",
                        json::array({window.date, zone_name_}));
  if (!stored.empty()) {
    json report = json::parse(stored[0].at("report").get<std::string>());
    report["source"] = "stored";
    return report;
  }
  json report = compute(window);
  report["source"] = "live";
  return report;
}

json DailyReports::store_previous_day(std::chrono::system_clock::time_point fire_time) {
  const Window window = window_for(local_date(fire_time, -1));
  json report = compute(window);
  host_.sql().query(
      "INSERT INTO daily_reports (date, time_zone, report, generated_at) VALUES ($1, $2, $3, $4) "
      "ON CONFLICT (date) DO UPDATE SET time_zone = excluded.time_zone, report = excluded.report, "
      "generated_at = excluded.generated_at",
      json::array({window.date, zone_name_, report.dump(), agent_host::now_ms()}));
  host_.info("daily task report stored", {{"date", window.date},
                                          {"created", report["created"]},
                                          {"completed", report["completed"]},
                                          {"overdue", report["overdue"]}});
  return report;
}

}  // namespace task_manager
