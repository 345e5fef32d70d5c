// The daily summary: a local calendar day (in the configured time zone) of task
// activity. The scheduled job stores the finished previous day; GET returns the
// stored summary when there is one, else computes it live.
#pragma once

#include <agent_host/sdk.hpp>
#include <chrono>
#include <optional>
#include <string>

namespace date {
class time_zone;
}

namespace task_manager {

using json = nlohmann::json;

class DailyReports {
 public:
  // Throws std::invalid_argument naming time_zone when the zone is unknown.
  DailyReports(agent_host::Host& host, const std::string& time_zone);

  // GET /task/reports/daily?date=YYYY-MM-DD (default: today in the zone).
  json report(const std::optional<std::string>& date);
  // The job: stores the summary of the local day before `fire_time`.
  json store_previous_day(std::chrono::system_clock::time_point fire_time);

  const std::string& time_zone_name() const { return zone_name_; }

 private:
  struct Window {
    std::string date;
    int64_t from_ms;
    int64_t to_ms;
  };
  Window window_for(const std::string& date) const;
  std::string local_date(std::chrono::system_clock::time_point at, int day_offset) const;
  json compute(const Window& window);

  agent_host::Host& host_;
  std::string zone_name_;
  const date::time_zone* zone_;
};

}  // namespace task_manager
