#pragma once

#include <agent_host/abi.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace agent_host::scheduler {

// A refused scheduler call; status() is the ABI status the host should return
// (AH_ERR_CONFLICT for a duplicate job name, AH_ERR_NOT_FOUND, ...).
class SchedulerError : public std::runtime_error {
 public:
  SchedulerError(ah_status status, const std::string& message)
      : std::runtime_error(message), status_(status) {}
  ah_status status() const { return status_; }

 private:
  ah_status status_;
};

// One finished (or skipped) run of a job, as reported to SchedulerOptions::on_run.
struct JobRun {
  std::string owner;
  std::string name;
  std::chrono::system_clock::time_point fire_time;
  bool ok = false;
  // The fire came while the previous run of the same job was still going, so
  // it did not run (runs of one job never overlap).
  bool skipped = false;
  std::string error;
  double seconds = 0;
};

// A job body: return AH_OK or an error status and a message in `error`.
using JobFn = std::function<ah_status(std::int64_t fire_time_ms, std::string& error)>;

struct SchedulerOptions {
  // When false, cron jobs are registered but never fire (Kubernetes CronJobs
  // call the plugins' endpoints instead); one-shot jobs still fire.
  bool cron_enabled = true;
  // IANA zone for cron jobs registered without one.
  std::string default_zone = "UTC";
  std::size_t job_threads = 2;
  // Called after every run and every skipped fire. Runs on a job thread (or,
  // for skipped fires, on the timer thread): keep it short.
  std::function<void(const JobRun&)> on_run;
  // The wall clock; tests may substitute their own. Timers still sleep in real
  // time: a clock running at real speed with an offset lets a test put the next
  // cron fire a moment away.
  std::function<std::chrono::system_clock::time_point()> now;
};

struct JobInfo {
  std::string owner;
  std::string name;
  std::string cron;  // empty for one-shot jobs
  std::string zone;  // empty for one-shot jobs
  bool one_shot = false;
  // False for cron jobs while in-process scheduling is switched off.
  bool enabled = true;
  bool running = false;
  std::chrono::system_clock::time_point next_fire;
};

// Runs plugins' cron and one-shot jobs: a libuv loop on its own thread drives
// the timers and a small pool of job threads runs the job bodies. All methods
// are thread-safe.
class Scheduler {
 public:
  explicit Scheduler(SchedulerOptions options);
  ~Scheduler();  // stops
  Scheduler(const Scheduler&) = delete;
  Scheduler& operator=(const Scheduler&) = delete;

  // Jobs added before start() begin counting down when it is called.
  void start();
  // No new fires; waits for running jobs to finish; queued runs are dropped.
  // The scheduler cannot be started again. Must not be called from a job.
  void stop();

  // `owner` is the plugin name; job names are unique per owner (a duplicate
  // throws SchedulerError with AH_ERR_CONFLICT). A bad expression throws
  // CronError, an unknown zone std::invalid_argument. Empty zone = default.
  void add_cron(const std::string& owner, const std::string& name, const std::string& cron,
                const std::string& zone, JobFn fn);
  // Runs `fn` once after `delay`, whether cron is enabled or not. The name may
  // be reused as soon as the job has fired.
  void add_once(const std::string& owner, const std::string& name, std::chrono::milliseconds delay,
                JobFn fn);
  // Runs a registered job now (fire time = now), even when cron is switched
  // off. Returns false when the previous run is still going (the fire is
  // reported as skipped). Throws SchedulerError (AH_ERR_NOT_FOUND) for an
  // unknown job and (AH_ERR_UNAVAILABLE) before start / after stop.
  bool trigger(const std::string& owner, const std::string& name);
  // Cancels all of a plugin's jobs and waits for its running ones. Must not be
  // called from one of that plugin's jobs (throws SchedulerError).
  void remove_owner(const std::string& owner);

  std::vector<JobInfo> jobs() const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace agent_host::scheduler
