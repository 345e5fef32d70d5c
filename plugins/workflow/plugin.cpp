// The workflow agent: registration and wiring. The work happens in engine.cpp
// (runs), the route files (API) and the store/queue backends.
#include <agent_host/sdk.hpp>

#include "backend.hpp"
#include "config.hpp"
#include "cron_triggers.hpp"
#include "engine.hpp"
#include "metrics.hpp"
#include "routes.hpp"
#include "template_loader.hpp"

namespace workflow {

namespace {
Backend make_backend(const PluginConfig& config, agent_host::Host& host) {
  if (!config.redis.url.empty()) return make_redis_backend(config.redis, host);
  // The SQL store and in-process queue serve one process; on PostgreSQL a
  // second process (a replica, a rolling update's surge) shares the store.
  if (host.sql().dialect() == agent_host::SqlDialect::postgres)
    host.warn(
        "workflow runs are queued in this process (redis.url is empty) while storage is "
        "PostgreSQL: two processes on this database would start runs twice and take over each "
        "other's. Set plugins.workflow.config.redis.url so replicas share work through Redis "
        "Streams, or run exactly one replica with the Recreate update strategy",
        {{"key", "plugins.workflow.config.redis.url"}});
  return make_local_backend(host);
}
}  // namespace

class WorkflowPlugin : public agent_host::Plugin {
 public:
  WorkflowPlugin(agent_host::Host& host, const nlohmann::json& config)
      : Plugin(host),
        config_(PluginConfig::from_json(config)),
        metrics_(host),
        engine_(host, config_, make_backend(config_, host), metrics_),
        schedules_(host, engine_, metrics_) {
    add_workflow_routes(host, engine_, schedules_);
    add_run_routes(host, engine_);
    add_trigger_routes(host, engine_, metrics_, config_);
    add_stats_routes(host, engine_);
    // Other replicas may upload definitions: pick up their schedules too.
    engine_.on_maintenance([this] {
      schedules_.sync();
      know_workflows();
    });
  }

  void start() override {
    load_templates(config_.definitions_dir, engine_.registry(), host());
    schedules_.sync();
    know_workflows();
    engine_.start();
    host().info("workflow engine started",
                {{"workers", config_.workers},
                 {"mode", config_.redis.url.empty() ? "in-process" : "redis"}});
  }

  void stop() override { engine_.stop(); }

  void know_workflows() {
    for (const auto& definition : engine_.registry().all_latest())
      metrics_.workflow_known(definition->name);
  }

  void reload(const nlohmann::json& config) override {
    const PluginConfig next = PluginConfig::from_json(config);
    if (next.redis.url != config_.redis.url ||
        next.redis.password_secret != config_.redis.password_secret ||
        next.workers != config_.workers)
      throw std::runtime_error(
          "workflow: redis and workers take effect on restart only; restart the pod");
  }

  agent_host::HealthReport health() override {
    agent_host::HealthReport report;
    try {
      report.detail = {{"queue_depth", engine_.queue().depth()},
                       {"mode", config_.redis.url.empty() ? "in-process" : "redis"}};
    } catch (const std::exception& e) {
      report.state = agent_host::Health::degraded;
      report.detail = {{"error", e.what()}};
    }
    return report;
  }

 private:
  PluginConfig config_;
  Metrics metrics_;
  Engine engine_;
  CronTriggers schedules_;
};

}  // namespace workflow

AGENT_HOST_PLUGIN(workflow::WorkflowPlugin, "workflow", "1.0.0", "/workflow",
                  "Workflow automation: definitions, triggers, runs with retries and timeouts",
                  workflow::kConfigSchema)
