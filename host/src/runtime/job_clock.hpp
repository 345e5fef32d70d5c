// When plugins' jobs fire: the scheduler's timers in production; never on
// their own in the fake host and `agent-host jobs`, which run them explicitly.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "config/host_config.hpp"
#include "scheduler/scheduler.hpp"

namespace agent_host::runtime {

class JobClock {
 public:
  virtual ~JobClock() = default;
  // Both throw on a job the clock cannot keep (a bad cron or zone).
  virtual void add_cron(const std::string& owner, const std::string& name, const std::string& cron,
                        const std::string& zone, scheduler::JobFn fn) = 0;
  virtual void add_once(const std::string& owner, const std::string& name,
                        std::chrono::milliseconds delay, scheduler::JobFn fn) = 0;
  virtual void start() = 0;
  virtual void stop() = 0;
};

// The config's scheduler section; `on_run` hears of every run and skipped fire.
class SchedulerClock final : public JobClock {
 public:
  SchedulerClock(const config::HostConfig& config,
                 std::function<void(const scheduler::JobRun&)> on_run);
  void add_cron(const std::string& owner, const std::string& name, const std::string& cron,
                const std::string& zone, scheduler::JobFn fn) override;
  void add_once(const std::string& owner, const std::string& name, std::chrono::milliseconds delay,
                scheduler::JobFn fn) override;
  void start() override;
  void stop() override;

 private:
  std::unique_ptr<scheduler::Scheduler> scheduler_;
};

// Jobs are only registered; they run when asked (Runtime::run_job).
class ManualClock final : public JobClock {
 public:
  void add_cron(const std::string&, const std::string&, const std::string&, const std::string&,
                scheduler::JobFn) override {}
  void add_once(const std::string&, const std::string&, std::chrono::milliseconds,
                scheduler::JobFn) override {}
  void start() override {}
  void stop() override {}
};

}  // namespace agent_host::runtime
