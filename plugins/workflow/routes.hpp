// HTTP routes of the plugin, grouped by resource.
#pragma once

#include <agent_host/sdk.hpp>

#include "config.hpp"
#include "cron_triggers.hpp"
#include "engine.hpp"
#include "metrics.hpp"

namespace workflow {

void add_workflow_routes(agent_host::Host& host, Engine& engine, CronTriggers& schedules);
void add_run_routes(agent_host::Host& host, Engine& engine);
void add_trigger_routes(agent_host::Host& host, Engine& engine, Metrics& metrics,
                        const PluginConfig& config);
void add_stats_routes(agent_host::Host& host, Engine& engine);

// Shared by the route files.
agent_host::HttpError problems_error(int status, const std::string& code,
                                     const std::string& message, const Problems& problems);
void reject_unknown_query(const agent_host::Request& request, const std::set<std::string>& known);
// The answer to a run start: the new run as created, or the stored one the
// idempotency key names.
json run_start_answer(Engine& engine, const CreateOutcome& outcome, const RunRecord& created);

}  // namespace workflow
