#include "scheduler/scheduler.hpp"

#include <algorithm>
#include <condition_variable>
#include <map>
#include <mutex>
#include <optional>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include "scheduler/cron_expression.hpp"
#include "scheduler/job_pool.hpp"
#include "scheduler/uv_loop_thread.hpp"

namespace agent_host::scheduler {
namespace {

using Clock = std::chrono::system_clock;
using std::chrono::milliseconds;

// Timers never sleep longer than this before re-reading the wall clock, so a
// clock step or a suspended machine delays a fire by at most this much.
constexpr milliseconds kMaxTimerSleep{30000};

// The owner of the job running on this thread, if any: guards against a job
// waiting for itself in remove_owner or stop.
thread_local const std::string* current_job_owner = nullptr;

std::int64_t unix_ms(Clock::time_point time) {
  return std::chrono::duration_cast<milliseconds>(time.time_since_epoch()).count();
}

std::string job_label(const std::string& owner, const std::string& name) {
  return "job \"" + name + "\" of plugin \"" + owner + "\"";
}

}  // namespace

struct Job {
  std::string owner;
  std::string name;
  std::optional<CronExpression> cron;  // empty for one-shot jobs
  const date::time_zone* zone = nullptr;
  std::string zone_name;
  JobFn fn;

  // Guarded by State::mutex.
  Clock::time_point next_fire;
  bool running = false;
  bool cancelled = false;

  bool one_shot() const { return !cron.has_value(); }
};

struct Scheduler::State {
  // A job's libuv timer; created, used and closed on the loop thread only.
  struct TimerSlot {
    State* state;
    std::shared_ptr<Job> job;
    uv_timer_t timer{};
  };

  SchedulerOptions options;
  const date::time_zone* default_zone = nullptr;
  UvLoopThread loop;
  std::unique_ptr<JobPool> pool;

  mutable std::mutex mutex;
  std::condition_variable run_finished;
  std::map<std::pair<std::string, std::string>, std::shared_ptr<Job>> jobs;
  // Fired and not yet reported; a job may appear twice for a moment (its next
  // run starts while the last one is still being reported).
  std::unordered_multiset<std::shared_ptr<Job>> running;
  bool started = false;
  bool stopped = false;

  // Loop thread only.
  std::unordered_map<Job*, TimerSlot*> timers;

  Clock::time_point now() const { return options.now ? options.now() : Clock::now(); }

  void insert(const std::shared_ptr<Job>& job) {
    std::lock_guard<std::mutex> lock(mutex);
    if (stopped) throw SchedulerError(AH_ERR_UNAVAILABLE, "the scheduler is stopped");
    const auto key = std::make_pair(job->owner, job->name);
    if (jobs.count(key) != 0)
      throw SchedulerError(AH_ERR_CONFLICT, job_label(job->owner, job->name) +
                                                " already exists; job names must be unique per "
                                                "plugin");
    jobs.emplace(key, job);
  }

  void post_arm(const std::shared_ptr<Job>& job) {
    loop.post([this, job](uv_loop_t& uv_loop) { arm(uv_loop, job); });
  }

  // Loop thread: (re)starts the job's timer for its next fire.
  void arm(uv_loop_t& uv_loop, const std::shared_ptr<Job>& job) {
    Clock::time_point next_fire;
    {
      std::lock_guard<std::mutex> lock(mutex);
      if (job->cancelled) return;
      next_fire = job->next_fire;
    }
    auto found = timers.find(job.get());
    TimerSlot* slot = found == timers.end() ? nullptr : found->second;
    if (slot == nullptr) {
      slot = new TimerSlot{this, job};
      uv_timer_init(&uv_loop, &slot->timer);
      slot->timer.data = slot;
      timers.emplace(job.get(), slot);
    }
    const auto wait = std::chrono::ceil<milliseconds>(next_fire - now());
    const milliseconds delay = std::clamp(wait, milliseconds(0), kMaxTimerSleep);
    uv_update_time(&uv_loop);
    uv_timer_start(&slot->timer, &State::on_timer, static_cast<std::uint64_t>(delay.count()), 0);
  }

  // Loop thread.
  void close_timer(Job* job) {
    const auto found = timers.find(job);
    if (found == timers.end()) return;
    uv_close(reinterpret_cast<uv_handle_t*>(&found->second->timer),
             [](uv_handle_t* handle) { delete static_cast<TimerSlot*>(handle->data); });
    timers.erase(found);
  }

  static void on_timer(uv_timer_t* timer) {
    auto* slot = static_cast<TimerSlot*>(timer->data);
    slot->state->timer_fired(*timer->loop, slot->job);
  }

  // Loop thread: fires the job if its time has come, then re-arms or retires it.
  void timer_fired(uv_loop_t& uv_loop, const std::shared_ptr<Job>& job) {
    const Clock::time_point current = now();
    std::optional<Clock::time_point> fire_time;  // empty: woke early, sleep again
    {
      std::lock_guard<std::mutex> lock(mutex);
      if (job->cancelled) {
        close_timer(job.get());
        return;
      }
      if (current >= job->next_fire) {
        fire_time = job->next_fire;
        if (job->one_shot()) {
          // Fired: the name is free again; the run stays cancellable through `running`.
          jobs.erase(std::make_pair(job->owner, job->name));
        } else {
          job->next_fire = job->cron->next_after(current, job->zone);
        }
      }
    }
    if (fire_time) dispatch(job, *fire_time);
    if (fire_time && job->one_shot()) {
      close_timer(job.get());
    } else {
      arm(uv_loop, job);
    }
  }

  // Starts a run on the pool, or reports a skipped fire when the previous run
  // is still going. Returns whether a run was started.
  bool dispatch(const std::shared_ptr<Job>& job, Clock::time_point fire_time) {
    {
      std::lock_guard<std::mutex> lock(mutex);
      if (!job->running && !stopped) {
        job->running = true;
        running.insert(job);
        pool->submit([this, job, fire_time] { run(job, fire_time); });
        return true;
      }
      if (stopped) return false;
    }
    JobRun skipped{
        job->owner, job->name, fire_time, false, true, "skipped: previous run still running", 0};
    report(skipped);
    return false;
  }

  // Job thread.
  void run(const std::shared_ptr<Job>& job, Clock::time_point fire_time) {
    bool cancelled = false;
    {
      std::lock_guard<std::mutex> lock(mutex);
      cancelled = job->cancelled;
      if (cancelled) job->running = false;
    }
    if (!cancelled) {
      JobRun result{job->owner, job->name, fire_time, false, false, {}, 0};
      const auto started_at = std::chrono::steady_clock::now();
      current_job_owner = &job->owner;
      ah_status status = AH_ERR_INTERNAL;
      try {
        status = job->fn(unix_ms(fire_time), result.error);
      } catch (const std::exception& error) {
        status = AH_ERR_INTERNAL;
        result.error = std::string("job threw: ") + error.what();
      } catch (...) {
        status = AH_ERR_INTERNAL;
        result.error = "job threw a non-standard exception";
      }
      current_job_owner = nullptr;
      result.seconds =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - started_at).count();
      result.ok = status == AH_OK;
      if (result.ok) {
        result.error.clear();
      } else if (result.error.empty()) {
        result.error = "job returned status " + std::to_string(static_cast<int>(status));
      }
      // The job is free before anyone hears it finished, so a trigger sent by
      // whoever observed the report is not skipped as overlapping; the run stays
      // in `running` until reported, so stop() still waits for the report.
      {
        std::lock_guard<std::mutex> lock(mutex);
        job->running = false;
      }
      report(result);
    }
    {
      std::lock_guard<std::mutex> lock(mutex);
      running.erase(running.find(job));
    }
    run_finished.notify_all();
  }

  void report(const JobRun& run_result) const {
    if (!options.on_run) return;
    try {
      options.on_run(run_result);
    } catch (...) {
      // A failing observer must not take the scheduler down.
    }
  }
};

Scheduler::Scheduler(SchedulerOptions options) : state_(std::make_unique<State>()) {
  if (options.job_threads == 0)
    throw std::invalid_argument("scheduler job_threads must be at least 1");
  state_->default_zone = find_zone(options.default_zone);
  state_->options = std::move(options);
}

Scheduler::~Scheduler() {
  stop();
}

void Scheduler::start() {
  std::lock_guard<std::mutex> lock(state_->mutex);
  if (state_->stopped) throw SchedulerError(AH_ERR_UNAVAILABLE, "the scheduler is stopped");
  if (state_->started) throw std::logic_error("the scheduler was already started");
  state_->pool = std::make_unique<JobPool>(state_->options.job_threads);
  state_->loop.start();
  state_->started = true;
}

void Scheduler::stop() {
  if (current_job_owner != nullptr)
    throw SchedulerError(AH_ERR_CONFLICT,
                         "stopping the scheduler from inside a job would wait "
                         "for that job forever");
  {
    std::lock_guard<std::mutex> lock(state_->mutex);
    if (state_->stopped) return;
    state_->stopped = true;
    for (auto& entry : state_->jobs) entry.second->cancelled = true;
    for (const auto& job : state_->running) job->cancelled = true;  // queued runs are dropped
    state_->jobs.clear();
  }
  State* state = state_.get();
  state_->loop.post([state](uv_loop_t&) {
    while (!state->timers.empty()) state->close_timer(state->timers.begin()->first);
  });
  state_->loop.stop();
  if (state_->pool) state_->pool->shutdown();  // waits for the runs in progress
}

void Scheduler::add_cron(const std::string& owner, const std::string& name, const std::string& cron,
                         const std::string& zone, JobFn fn) {
  if (owner.empty() || name.empty())
    throw std::invalid_argument("a job needs a plugin name and a job name (got \"" + owner +
                                "\", \"" + name + "\")");
  if (!fn) throw std::invalid_argument(job_label(owner, name) + " has no function to run");
  auto job = std::make_shared<Job>();
  job->owner = owner;
  job->name = name;
  job->cron = CronExpression::parse(cron);
  job->zone = zone.empty() ? state_->default_zone : find_zone(zone);
  job->zone_name = zone.empty() ? state_->options.default_zone : zone;
  job->fn = std::move(fn);
  job->next_fire = job->cron->next_after(state_->now(), job->zone);
  state_->insert(job);
  if (state_->options.cron_enabled) state_->post_arm(job);
}

void Scheduler::add_once(const std::string& owner, const std::string& name,
                         std::chrono::milliseconds delay, JobFn fn) {
  if (owner.empty() || name.empty())
    throw std::invalid_argument("a job needs a plugin name and a job name (got \"" + owner +
                                "\", \"" + name + "\")");
  if (!fn) throw std::invalid_argument(job_label(owner, name) + " has no function to run");
  if (delay.count() < 0)
    throw std::invalid_argument(job_label(owner, name) + ": delay must not be negative");
  auto job = std::make_shared<Job>();
  job->owner = owner;
  job->name = name;
  job->fn = std::move(fn);
  job->next_fire = state_->now() + delay;
  state_->insert(job);
  state_->post_arm(job);
}

bool Scheduler::trigger(const std::string& owner, const std::string& name) {
  std::shared_ptr<Job> job;
  {
    std::lock_guard<std::mutex> lock(state_->mutex);
    if (!state_->started || state_->stopped)
      throw SchedulerError(AH_ERR_UNAVAILABLE, "the scheduler is not running");
    const auto found = state_->jobs.find(std::make_pair(owner, name));
    if (found == state_->jobs.end())
      throw SchedulerError(AH_ERR_NOT_FOUND, job_label(owner, name) + " does not exist");
    job = found->second;
  }
  return state_->dispatch(job, state_->now());
}

void Scheduler::remove_owner(const std::string& owner) {
  if (current_job_owner != nullptr && *current_job_owner == owner)
    throw SchedulerError(AH_ERR_CONFLICT, "removing the jobs of plugin \"" + owner +
                                              "\" from inside one of its jobs would wait for "
                                              "that job forever");
  std::vector<std::shared_ptr<Job>> removed;
  std::unique_lock<std::mutex> lock(state_->mutex);
  for (auto it = state_->jobs.begin(); it != state_->jobs.end();) {
    if (it->first.first == owner) {
      it->second->cancelled = true;
      removed.push_back(it->second);
      it = state_->jobs.erase(it);
    } else {
      ++it;
    }
  }
  for (const auto& job : state_->running)
    if (job->owner == owner) job->cancelled = true;  // a queued run will not start
  State* state = state_.get();
  state_->loop.post([state, removed](uv_loop_t&) {
    for (const auto& job : removed) state->close_timer(job.get());
  });
  state_->run_finished.wait(lock, [&] {
    return std::none_of(state_->running.begin(), state_->running.end(),
                        [&](const std::shared_ptr<Job>& job) { return job->owner == owner; });
  });
}

std::vector<JobInfo> Scheduler::jobs() const {
  std::lock_guard<std::mutex> lock(state_->mutex);
  std::vector<JobInfo> result;
  result.reserve(state_->jobs.size());
  for (const auto& entry : state_->jobs) {
    const Job& job = *entry.second;
    JobInfo info;
    info.owner = job.owner;
    info.name = job.name;
    info.one_shot = job.one_shot();
    if (!job.one_shot()) {
      info.cron = job.cron->text();
      info.zone = job.zone_name;
      info.enabled = state_->options.cron_enabled;
    }
    info.running = job.running;
    info.next_fire = job.next_fire;
    result.push_back(std::move(info));
  }
  return result;
}

}  // namespace agent_host::scheduler
