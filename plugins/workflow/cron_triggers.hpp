// Cron triggers: one host job per (workflow, trigger, expression). A fire is
// taken by exactly one replica (a lock keyed by schedule and fire time, plus an
// idempotency key on the run), then the overlap policy decides.
#pragma once

#include <agent_host/sdk.hpp>
#include <chrono>
#include <mutex>
#include <set>
#include <string>

#include "engine.hpp"

namespace workflow {

class CronTriggers {
 public:
  CronTriggers(agent_host::Host& host, Engine& engine, Metrics& metrics)
      : host_(host), engine_(engine), metrics_(metrics) {}

  // Registers a host job for every cron trigger not registered yet.
  void sync();
  // One fire; public so tests and POST /jobs/workflow/<job> reach the same code.
  void fire(const std::string& workflow, size_t trigger_index, const std::string& expression,
            std::chrono::system_clock::time_point fire_time);

  // The host job name of a trigger: stable across replicas and restarts.
  static std::string job_name(const std::string& workflow, size_t trigger_index,
                              const Trigger& trigger);

 private:
  agent_host::Host& host_;
  Engine& engine_;
  Metrics& metrics_;
  std::mutex mutex_;
  std::set<std::string> registered_;
};

}  // namespace workflow
