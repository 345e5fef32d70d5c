// The Reporting agent: daily, weekly and custom-range reports on tasks and
// workflow runs, gathered from the other agents, rendered from templates and
// stored on the reports volume. This file is the wiring only.
#include <agent_host/sdk.hpp>
#include <memory>

#include "report_service.hpp"
#include "routes.hpp"
#include "settings.hpp"
#include "templates.hpp"

namespace reporting {
namespace {

// Reads the section and checks what only a running plugin can: the zone, the
// template folder. Any problem refuses the config with the key named.
Settings checked_settings(agent_host::Host& host, const nlohmann::json& config) {
  Settings settings = read_settings(config, host.environment().value("data_dir", std::string(".")));
  load_templates(settings.templates_dir);
  return settings;
}

TimePoint at(std::chrono::system_clock::time_point time) {
  return std::chrono::time_point_cast<std::chrono::milliseconds>(time);
}

class ReportingPlugin : public agent_host::Plugin {
 public:
  ReportingPlugin(agent_host::Host& host, const nlohmann::json& config)
      : Plugin(host), service_(host, checked_settings(host, config)) {
    register_routes(host, service_);
    const auto settings = service_.settings();
    schedules_ = {settings->daily_schedule, settings->weekly_schedule, settings->retention_schedule,
                  settings->time_zone};
    // The same names are what Kubernetes CronJobs call: POST /jobs/reporting/<job>.
    host.cron(
        "daily-report", settings->daily_schedule,
        [this](auto fire_time) { scheduled(PeriodKind::daily, fire_time); }, settings->time_zone);
    host.cron(
        "weekly-report", settings->weekly_schedule,
        [this](auto fire_time) { scheduled(PeriodKind::weekly, fire_time); }, settings->time_zone);
    host.cron(
        "retention", settings->retention_schedule,
        [this](auto fire_time) { service_.expire(at(fire_time)); }, settings->time_zone);
  }

  void reload(const nlohmann::json& config) override {
    Settings settings = checked_settings(host(), config);
    // SDK-GAP: jobs cannot be re-registered, so schedule changes wait for a restart.
    const std::vector<std::string> schedules = {settings.daily_schedule, settings.weekly_schedule,
                                                settings.retention_schedule, settings.time_zone};
    if (schedules != schedules_)
      host().warn("report schedules or time zone changed; they take effect at the next restart",
                  {{"daily", settings.daily_schedule}, {"weekly", settings.weekly_schedule}});
    service_.apply(std::move(settings));
  }

  agent_host::HealthReport health() override {
    const auto settings = service_.settings();
    return {agent_host::Health::ok,
            {{"reports_dir", settings->reports_dir.string()},
             {"templates", settings->templates_dir.empty() ? std::string("built-in")
                                                           : settings->templates_dir.string()}}};
  }

 private:
  void scheduled(PeriodKind period, std::chrono::system_clock::time_point fire_time) {
    ReportRequest request;
    request.period = period;
    request.reference = at(fire_time);
    request.trigger = "schedule";
    service_.generate(request);
  }

  ReportService service_;
  std::vector<std::string> schedules_;
};

}  // namespace
}  // namespace reporting

AGENT_HOST_PLUGIN(reporting::ReportingPlugin, "reporting", "1.0.0", "/reporting",
                  "Daily, weekly and custom reports on tasks and workflow runs",
                  reporting::config_schema_text())
