// Task Manager agent: tasks with explicit status transitions, optimistic
// concurrency, an event outbox delivered to the workflow agent, statistics and a
// daily report. This file wires the parts together and registers the plugin.
#include <agent_host/sdk.hpp>
#include <memory>

#include "daily_report.hpp"
#include "outbox_dispatcher.hpp"
#include "routes.hpp"
#include "task_metrics.hpp"
#include "task_service.hpp"
#include "task_store.hpp"

namespace task_manager {
namespace {

// The config section: every key's default and limits live here; the host fills
// in the defaults before the plugin sees the section.
constexpr const char* kConfigSchema = R"json({
  "type": "object",
  "additionalProperties": false,
  "properties": {
    "time_zone": {"type": "string", "format": "time-zone", "default": "UTC",
      "description": "IANA zone of the daily report's day and its schedule (restart to change)"},
    "daily_report_cron": {"type": "string", "format": "cron", "default": "0 9 * * *",
      "description": "when the previous day's report is stored, in time_zone (restart to change)"},
    "metrics_refresh_ms": {"type": "integer", "minimum": 100, "maximum": 3600000, "default": 5000,
      "description": "how often the task gauges are recounted from the store, and how soon a replica not holding the outbox lease asks for it again (restart to change)"},
    "events": {
      "type": "object",
      "additionalProperties": false,
      "default": {},
      "description": "the outbox: task events delivered to another agent",
      "properties": {
        "enabled": {"type": "boolean", "default": true,
          "description": "record and deliver task events; false = none are recorded"},
        "target": {"type": "string", "default": "workflow",
          "description": "the agent events are delivered to"},
        "path": {"type": "string", "default": "/events",
          "description": "the route of the target agent that receives them (POST)"},
        "batch": {"type": "integer", "minimum": 1, "maximum": 1000, "default": 100,
          "description": "events read from the outbox per delivery round"},
        "retry_initial_ms": {"type": "integer", "minimum": 10, "maximum": 600000, "default": 500,
          "description": "first wait after a failed delivery; doubles on each further failure"},
        "retry_max_ms": {"type": "integer", "minimum": 10, "maximum": 3600000, "default": 30000,
          "description": "longest wait between delivery attempts (at least retry_initial_ms)"},
        "timeout_ms": {"type": "integer", "minimum": 100, "maximum": 120000, "default": 5000,
          "description": "how long one delivery call may take"}
      }
    }
  }
})json";

class TaskManager : public agent_host::Plugin {
 public:
  TaskManager(agent_host::Host& host, const nlohmann::json& config)
      : Plugin(host),
        config_(config),
        metrics_(host),
        dispatcher_(host, metrics_, EventsConfig::from_json(config.at("events")),
                    std::chrono::milliseconds(config.at("metrics_refresh_ms").get<int64_t>())),
        service_(host, metrics_, [this] { dispatcher_.wake(); }),
        reports_(host, config.at("time_zone").get<std::string>()) {
    service_.set_events_enabled(EventsConfig::from_json(config.at("events")).enabled);
    host.sql().migrate(store::migrations());
    add_task_routes(host, service_);
    add_report_routes(host, reports_);
    host.cron(
        "daily-report", config.at("daily_report_cron").get<std::string>(),
        [this](std::chrono::system_clock::time_point fire_time) {
          reports_.store_previous_day(fire_time);
        },
        reports_.time_zone_name());
  }

  ~TaskManager() override { dispatcher_.stop(); }

  void start() override { dispatcher_.start(); }
  void stop() override { dispatcher_.stop(); }

  void reload(const nlohmann::json& config) override {
    for (const char* key : {"time_zone", "daily_report_cron", "metrics_refresh_ms"})
      if (config.at(key) != config_.at(key))
        throw std::invalid_argument(std::string(key) +
                                    " cannot change while running; restart the host to apply it");
    const auto events = EventsConfig::from_json(config.at("events"));
    service_.set_events_enabled(events.enabled);
    dispatcher_.configure(events);
    config_ = config;
  }

  agent_host::HealthReport health() override {
    agent_host::HealthReport report;
    report.detail = dispatcher_.status();
    // Undeliverable events are kept, so the agent still serves: degraded, not failing.
    if (dispatcher_.failing()) report.state = agent_host::Health::degraded;
    return report;
  }

 private:
  json config_;
  TaskMetrics metrics_;
  OutboxDispatcher dispatcher_;
  TaskService service_;
  DailyReports reports_;
};

}  // namespace
}  // namespace task_manager

AGENT_HOST_PLUGIN(task_manager::TaskManager, "task-manager", "1.0.0", "/task",
                  "Tasks with transitions, optimistic concurrency, events, stats and daily reports",
                  task_manager::kConfigSchema)
