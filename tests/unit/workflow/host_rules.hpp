// The host's YAML reader and schedule rules, as Host::parse_yaml,
// Host::cron_problem and Host::time_zone_problem reach them through the ABI,
// for unit tests of workflow_core that run without a host.
#pragma once

#include <agent_host/sdk.hpp>
#include <string>
#include <string_view>

#include "config/config_error.hpp"
#include "config/yaml_to_json.hpp"
#include "definition.hpp"
#include "scheduler/cron_expression.hpp"

namespace workflow {

inline nlohmann::json host_yaml(std::string_view text) {
  try {
    return agent_host::config::yaml_to_json(std::string(text), "document");
  } catch (const agent_host::config::ConfigError& e) {
    throw agent_host::Error(agent_host::Status::invalid_argument, e.what());
  }
}

inline ScheduleRules host_schedule_rules() {
  return {[](const std::string& cron) { return agent_host::scheduler::cron_problem(cron); },
          [](const std::string& zone) { return agent_host::scheduler::time_zone_problem(zone); }};
}

}  // namespace workflow
