#include "runtime/job_clock.hpp"

#include <algorithm>

namespace agent_host::runtime {

SchedulerClock::SchedulerClock(const config::HostConfig& config,
                               std::function<void(const scheduler::JobRun&)> on_run) {
  scheduler::SchedulerOptions options;
  options.cron_enabled = config.scheduler.enabled;
  options.default_zone = config.scheduler.time_zone;
  options.job_threads = static_cast<std::size_t>(std::max(1, config.scheduler.job_threads));
  options.on_run = std::move(on_run);
  scheduler_ = std::make_unique<scheduler::Scheduler>(std::move(options));
}

void SchedulerClock::add_cron(const std::string& owner, const std::string& name,
                              const std::string& cron, const std::string& zone,
                              scheduler::JobFn fn) {
  scheduler_->add_cron(owner, name, cron, zone, std::move(fn));
}

void SchedulerClock::add_once(const std::string& owner, const std::string& name,
                              std::chrono::milliseconds delay, scheduler::JobFn fn) {
  scheduler_->add_once(owner, name, delay, std::move(fn));
}

void SchedulerClock::start() {
  scheduler_->start();
}

void SchedulerClock::stop() {
  scheduler_->stop();
}

}  // namespace agent_host::runtime
