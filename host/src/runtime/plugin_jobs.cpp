#include "runtime/plugin_jobs.hpp"

#include "runtime/host_log.hpp"
#include "runtime/storage.hpp"
#include "scheduler/cron_expression.hpp"

namespace agent_host::runtime {
namespace {

// The job as the clock runs it. Replicas sharing a database each fire a
// recurring job; only the one that claims the fire runs it.
scheduler::JobFn clock_job(PluginSlot& slot, const Job& job, bool claim_fire) {
  return [fn = job.fn, user = job.user, claim_fire, slot = &slot, name = job.name](
             std::int64_t fire_ms, std::string& message) {
    if (claim_fire && !claim_cron_fire(slot->database(), name, fire_ms, message))
      return message.empty() ? AH_OK : AH_ERR_UNAVAILABLE;
    SinkString job_error;
    const ah_status result = fn(user, fire_ms, job_error.get());
    message = std::move(job_error.text());
    return result;
  };
}

}  // namespace

ah_status PluginJobs::schedule(PluginSlot& slot, Job job, std::chrono::milliseconds once_delay,
                               std::string& error) {
  const bool recurring = !job.cron.empty();
  try {
    if (recurring) {
      scheduler::CronExpression::parse(job.cron);
      if (!job.zone.empty()) scheduler::find_zone(job.zone);
    }
  } catch (const std::exception& e) {
    error = "job \"" + job.name + "\": " + e.what();
    return AH_ERR_INVALID_ARGUMENT;
  }
  const ah_status status = slot.add_job(job, error);
  if (status != AH_OK) return status;
  try {
    if (recurring)
      clock_.add_cron(slot.name(), job.name, job.cron, job.zone,
                      clock_job(slot, job, shared_storage_));
    else
      clock_.add_once(slot.name(), job.name, once_delay, clock_job(slot, job, false));
  } catch (const std::exception& e) {
    error = "job \"" + job.name + "\": " + e.what();
    return AH_ERR_INVALID_ARGUMENT;
  }
  return AH_OK;
}

std::vector<std::string> PluginJobs::names(const std::string& plugin) const {
  std::vector<std::string> names;
  auto snap = plugins_.current();
  if (!snap) return names;
  for (const auto& slot : snap->plugins)
    if (slot->name() == plugin)
      for (const auto& job : slot->jobs()) names.push_back(job.name);
  return names;
}

std::vector<RecurringJob> PluginJobs::recurring() const {
  std::vector<RecurringJob> jobs;
  auto snap = plugins_.current();
  if (!snap) return jobs;
  for (const auto& slot : snap->plugins)
    for (const auto& job : slot->jobs())
      if (!job.cron.empty()) jobs.push_back({slot->name(), job.name, job.cron, job.zone});
  return jobs;
}

bool PluginJobs::run(const std::string& plugin, const std::string& job_name,
                     std::chrono::system_clock::time_point fire_time, std::string& error) {
  auto snap = plugins_.current();
  std::shared_ptr<PluginSlot> slot = snap ? snap->find(plugin) : nullptr;
  Job job;
  if (!slot || !slot->find_job(job_name, job)) {
    error = "no job \"" + job_name + "\" in plugin \"" + plugin + "\"";
    return false;
  }
  const auto began = std::chrono::steady_clock::now();
  SinkString job_error;
  const auto fire_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(fire_time.time_since_epoch()).count();
  const ah_status status = job.fn(job.user, fire_ms, job_error.get());
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - began).count();
  finished(plugin, job_name, status == AH_OK, false, job_error.text(), seconds);
  if (status != AH_OK) error = job_error.text().empty() ? "job failed" : job_error.text();
  return status == AH_OK;
}

void PluginJobs::finished(const std::string& plugin, const std::string& job, bool ok, bool skipped,
                          const std::string& error, double seconds) {
  const std::string outcome = skipped ? "skipped" : ok ? "ok" : "failed";
  metrics_.job_run(plugin, job, outcome, seconds);
  nlohmann::json fields = {{"plugin", plugin}, {"job", job}, {"seconds", seconds}};
  // A run that went well has nothing to say: no empty "error" for log queries to trip on.
  if (!error.empty()) fields["error"] = error;
  host_log(ok ? AH_LOG_INFO : AH_LOG_WARN, "job " + outcome, fields);
}

}  // namespace agent_host::runtime
