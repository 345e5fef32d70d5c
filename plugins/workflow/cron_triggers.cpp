#include "cron_triggers.hpp"

#include "clock.hpp"
#include "crypto.hpp"

namespace workflow {

std::string CronTriggers::job_name(const std::string& workflow, size_t trigger_index,
                                   const Trigger& trigger) {
  return "cron-" + workflow + "-" + std::to_string(trigger_index) + "-" +
         crypto::sha256_hex(trigger.cron + "|" + trigger.time_zone).substr(0, 8);
}

void CronTriggers::sync() {
  for (const auto& definition : engine_.registry().all_latest()) {
    for (size_t i = 0; i < definition->triggers.size(); ++i) {
      const Trigger& trigger = definition->triggers[i];
      if (trigger.kind != Trigger::Kind::cron) continue;
      const std::string name = job_name(definition->name, i, trigger);
      {
        std::lock_guard<std::mutex> lock(mutex_);
        if (!registered_.insert(name).second) continue;
      }
      const std::string workflow = definition->name;
      const std::string expression = trigger.cron;
      try {
        // SDK-GAP: jobs cannot be unregistered; a job whose trigger changed or
        // whose workflow was deleted stays registered and ignores its fires.
        host_.cron(
            name, trigger.cron,
            [this, workflow, i, expression](std::chrono::system_clock::time_point fire_time) {
              fire(workflow, i, expression, fire_time);
            },
            trigger.time_zone);
        host_.info("workflow schedule registered",
                   {{"workflow", workflow}, {"job", name}, {"cron", trigger.cron}});
      } catch (const std::exception& e) {
        std::lock_guard<std::mutex> lock(mutex_);
        registered_.erase(name);
        host_.error("workflow schedule not registered",
                    {{"workflow", workflow}, {"job", name}, {"error", e.what()}});
      }
    }
  }
}

void CronTriggers::fire(const std::string& workflow, size_t trigger_index,
                        const std::string& expression,
                        std::chrono::system_clock::time_point fire_time) {
  // Cron resolution is a minute: a fire triggered by hand (POST /jobs/...) on
  // several replicas within the same minute is the same fire.
  const int64_t exact_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(fire_time.time_since_epoch()).count();
  const int64_t fire_ms = exact_ms - exact_ms % 60'000;
  DefinitionPtr definition = engine_.registry().latest(workflow);
  if (!definition || trigger_index >= definition->triggers.size() ||
      definition->triggers[trigger_index].kind != Trigger::Kind::cron ||
      definition->triggers[trigger_index].cron != expression) {
    metrics_.cron_fire(workflow, "stale_schedule");
    return;  // the workflow was deleted or its schedule changed since registration
  }
  const Trigger& trigger = definition->triggers[trigger_index];
  const std::string schedule = "cron:" + std::to_string(trigger_index);
  // Every replica fires the same job; one takes it.
  const std::string lock =
      "cron-lock:" + workflow + ":" + std::to_string(trigger_index) + ":" + std::to_string(fire_ms);
  if (!engine_.store().remember_once(lock, 3'600'000, now_ms())) {
    metrics_.cron_fire(workflow, "taken_elsewhere");
    return;
  }
  if (trigger.overlap == Overlap::skip && engine_.store().active_runs(workflow, schedule) > 0) {
    metrics_.cron_fire(workflow, "skipped");
    host_.info("workflow cron fire skipped: the previous run is still active",
               {{"workflow", workflow}, {"fire_time", format_time(fire_ms)}});
    return;
  }
  StartRequest request;
  request.definition = definition;
  request.input = trigger.input;
  request.trigger = {{"kind", "cron"}, {"cron", trigger.cron}, {"fire_time", format_time(fire_ms)}};
  request.trigger_key = schedule;
  request.idempotency_key = "cron:" + std::to_string(trigger_index) + ":" + std::to_string(fire_ms);
  request.request_hash = request.idempotency_key;
  if (trigger.overlap == Overlap::queue)
    request.extra_gates.push_back(
        {{"key", "schedule:" + workflow + ":" + std::to_string(trigger_index)}, {"limit", 1}});
  auto outcome = engine_.start_run(request);
  metrics_.cron_fire(workflow, outcome.created ? "started" : "taken_elsewhere");
}

}  // namespace workflow
