#include "scheduler/scheduler.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <future>
#include <mutex>
#include <thread>
#include <vector>

#include "scheduler/cron_expression.hpp"

namespace agent_host::scheduler {
namespace {

using Clock = std::chrono::system_clock;
using namespace std::chrono_literals;

// Collects the runs the scheduler reports.
class RunLog {
 public:
  void add(const JobRun& run) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      runs_.push_back(run);
    }
    changed_.notify_all();
  }

  // Waits (up to a generous bound, so a broken scheduler fails instead of
  // hanging) until `count` runs named `name` were reported.
  std::vector<JobRun> wait_for(const std::string& name, std::size_t count) {
    std::unique_lock<std::mutex> lock(mutex_);
    changed_.wait_for(lock, 20s, [&] { return matching(name).size() >= count; });
    return matching(name);
  }

  std::vector<JobRun> runs(const std::string& name) {
    std::lock_guard<std::mutex> lock(mutex_);
    return matching(name);
  }

 private:
  std::vector<JobRun> matching(const std::string& name) const {
    std::vector<JobRun> result;
    for (const JobRun& run : runs_)
      if (run.name == name) result.push_back(run);
    return result;
  }

  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<JobRun> runs_;
};

// A one-time gate a job can wait on.
class Gate {
 public:
  void open() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      open_ = true;
    }
    changed_.notify_all();
  }
  void wait() {
    std::unique_lock<std::mutex> lock(mutex_);
    changed_.wait_for(lock, 20s, [&] { return open_; });
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  bool open_ = false;
};

JobFn succeed() {
  return [](std::int64_t, std::string&) { return AH_OK; };
}

SchedulerOptions options_with(RunLog& log) {
  SchedulerOptions options;
  options.on_run = [&log](const JobRun& run) { log.add(run); };
  return options;
}

// A wall clock running at real speed but set so that the next minute boundary
// is `lead` away: a "* * * * *" job fires after `lead` instead of up to 60 s.
struct ClockNearMinute {
  explicit ClockNearMinute(std::chrono::milliseconds lead) {
    const Clock::time_point real = Clock::now();
    boundary = std::chrono::floor<std::chrono::minutes>(real) + 1min;
    offset = (boundary - lead) - real;
  }
  std::function<Clock::time_point()> clock() const {
    const auto shift = offset;
    return [shift] { return Clock::now() + shift; };
  }
  Clock::time_point boundary;
  Clock::duration offset;
};

std::int64_t unix_ms(Clock::time_point time) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(time.time_since_epoch()).count();
}

TEST(Scheduler, OneShotFiresOnceWithItsFireTime) {
  RunLog log;
  Scheduler scheduler(options_with(log));
  scheduler.start();
  std::atomic<std::int64_t> seen_fire_ms{0};
  const Clock::time_point before = Clock::now();
  scheduler.add_once("plugin", "once", 50ms, [&](std::int64_t fire_ms, std::string&) {
    seen_fire_ms = fire_ms;
    return AH_OK;
  });
  const auto runs = log.wait_for("once", 1);
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_TRUE(runs[0].ok);
  EXPECT_FALSE(runs[0].skipped);
  EXPECT_EQ(runs[0].owner, "plugin");
  EXPECT_EQ(seen_fire_ms.load(), unix_ms(runs[0].fire_time));
  EXPECT_GE(runs[0].fire_time, before + 50ms);
  EXPECT_TRUE(scheduler.jobs().empty());
  // The name is free again once the job fired.
  EXPECT_NO_THROW(scheduler.add_once("plugin", "once", 0ms, succeed()));
  EXPECT_EQ(log.wait_for("once", 2).size(), 2u);
}

TEST(Scheduler, JobsAddedBeforeStartFireAfterStart) {
  RunLog log;
  Scheduler scheduler(options_with(log));
  scheduler.add_once("plugin", "early", 0ms, succeed());
  scheduler.start();
  EXPECT_EQ(log.wait_for("early", 1).size(), 1u);
}

TEST(Scheduler, DuplicateNamesPerOwnerAreRefused) {
  RunLog log;
  Scheduler scheduler(options_with(log));
  scheduler.add_cron("plugin", "job", "0 0 1 1 *", "", succeed());
  try {
    scheduler.add_once("plugin", "job", 1h, succeed());
    FAIL() << "expected a duplicate error";
  } catch (const SchedulerError& error) {
    EXPECT_EQ(error.status(), AH_ERR_CONFLICT);
    EXPECT_EQ(std::string(error.what()),
              "job \"job\" of plugin \"plugin\" already exists; job names must be unique per "
              "plugin");
  }
  EXPECT_NO_THROW(scheduler.add_cron("other", "job", "0 0 1 1 *", "", succeed()));
}

TEST(Scheduler, BadArgumentsAreRefused) {
  RunLog log;
  Scheduler scheduler(options_with(log));
  EXPECT_THROW(scheduler.add_cron("plugin", "bad", "0 25 * * *", "", succeed()), CronError);
  EXPECT_THROW(scheduler.add_cron("plugin", "bad", "0 1 * * *", "Mars/Base", succeed()),
               std::invalid_argument);
  EXPECT_THROW(scheduler.add_once("plugin", "", 1s, succeed()), std::invalid_argument);
  EXPECT_THROW(scheduler.add_once("plugin", "neg", -1ms, succeed()), std::invalid_argument);
  EXPECT_THROW(scheduler.add_once("plugin", "nofn", 1s, JobFn()), std::invalid_argument);
  SchedulerOptions bad_zone;
  bad_zone.default_zone = "Nowhere/Land";
  EXPECT_THROW(Scheduler{bad_zone}, std::invalid_argument);
  SchedulerOptions no_threads;
  no_threads.job_threads = 0;
  EXPECT_THROW(Scheduler{no_threads}, std::invalid_argument);
  EXPECT_TRUE(scheduler.jobs().empty());
}

TEST(Scheduler, CronJobFiresAtTheMinuteBoundary) {
  RunLog log;
  const ClockNearMinute fake(300ms);
  SchedulerOptions options = options_with(log);
  options.now = fake.clock();
  Scheduler scheduler(options);
  scheduler.add_cron("plugin", "every-minute", "* * * * *", "Europe/Berlin", succeed());
  scheduler.start();
  const auto runs = log.wait_for("every-minute", 1);
  ASSERT_GE(runs.size(), 1u);
  EXPECT_TRUE(runs[0].ok);
  EXPECT_EQ(runs[0].fire_time, fake.boundary);
  // Re-armed for the following minute.
  const auto jobs = scheduler.jobs();
  ASSERT_EQ(jobs.size(), 1u);
  EXPECT_EQ(jobs[0].next_fire, fake.boundary + 1min);
}

TEST(Scheduler, JobsListsCronAndOneShotJobs) {
  const ClockNearMinute fake(10s);
  SchedulerOptions options;
  options.now = fake.clock();
  options.default_zone = "America/New_York";
  Scheduler scheduler(options);
  scheduler.add_cron("plugin", "nightly", "@daily", "", succeed());
  scheduler.add_cron("plugin", "berlin", "0 9 * * MON-FRI", "Europe/Berlin", succeed());
  scheduler.add_once("plugin", "later", 1h, succeed());
  const auto jobs = scheduler.jobs();
  ASSERT_EQ(jobs.size(), 3u);
  // Sorted by owner, then name.
  EXPECT_EQ(jobs[0].name, "berlin");
  EXPECT_EQ(jobs[0].zone, "Europe/Berlin");
  EXPECT_EQ(jobs[0].cron, "0 9 * * MON-FRI");
  EXPECT_EQ(jobs[0].next_fire, CronExpression::parse("0 9 * * MON-FRI")
                                   .next_after(fake.clock()(), find_zone("Europe/Berlin")));
  EXPECT_EQ(jobs[1].name, "later");
  EXPECT_TRUE(jobs[1].one_shot);
  EXPECT_TRUE(jobs[1].cron.empty());
  EXPECT_EQ(jobs[2].name, "nightly");
  EXPECT_EQ(jobs[2].zone, "America/New_York");
  EXPECT_TRUE(jobs[2].enabled);
  EXPECT_FALSE(jobs[2].running);
}

TEST(Scheduler, DisabledCronRegistersButNeverFires) {
  RunLog log;
  const ClockNearMinute fake(100ms);
  SchedulerOptions options = options_with(log);
  options.now = fake.clock();
  options.cron_enabled = false;
  Scheduler scheduler(options);
  scheduler.add_cron("plugin", "every-minute", "* * * * *", "", succeed());
  scheduler.start();
  // A one-shot due well after the cron boundary still fires; by then the cron
  // job would have fired had it been armed.
  scheduler.add_once("plugin", "marker", 1500ms, succeed());
  EXPECT_EQ(log.wait_for("marker", 1).size(), 1u);
  EXPECT_TRUE(log.runs("every-minute").empty());
  const auto jobs = scheduler.jobs();
  ASSERT_EQ(jobs.size(), 1u);
  EXPECT_FALSE(jobs[0].enabled);
  // An explicit trigger (e.g. from a Kubernetes CronJob calling in) still runs it.
  EXPECT_TRUE(scheduler.trigger("plugin", "every-minute"));
  EXPECT_EQ(log.wait_for("every-minute", 1).size(), 1u);
}

TEST(Scheduler, RunsOfOneJobNeverOverlap) {
  RunLog log;
  Scheduler scheduler(options_with(log));
  scheduler.start();
  Gate gate;
  std::atomic<int> started{0};
  scheduler.add_cron("plugin", "slow", "0 0 1 1 *", "", [&](std::int64_t, std::string&) {
    ++started;
    gate.wait();
    return AH_OK;
  });
  EXPECT_TRUE(scheduler.trigger("plugin", "slow"));
  EXPECT_FALSE(scheduler.trigger("plugin", "slow"));
  const auto skipped = log.wait_for("slow", 1);
  ASSERT_EQ(skipped.size(), 1u);
  EXPECT_TRUE(skipped[0].skipped);
  EXPECT_FALSE(skipped[0].ok);
  EXPECT_EQ(skipped[0].error, "skipped: previous run still running");
  gate.open();
  const auto runs = log.wait_for("slow", 2);
  ASSERT_EQ(runs.size(), 2u);
  EXPECT_TRUE(runs[1].ok);
  EXPECT_FALSE(runs[1].skipped);
  EXPECT_TRUE(scheduler.trigger("plugin", "slow"));
  EXPECT_EQ(log.wait_for("slow", 3).size(), 3u);
  EXPECT_EQ(started.load(), 2);
}

TEST(Scheduler, TriggerOfUnknownJobOrStoppedScheduler) {
  Scheduler scheduler{SchedulerOptions{}};
  try {
    scheduler.trigger("plugin", "missing");
    FAIL() << "expected an error before start";
  } catch (const SchedulerError& error) {
    EXPECT_EQ(error.status(), AH_ERR_UNAVAILABLE);
  }
  scheduler.start();
  try {
    scheduler.trigger("plugin", "missing");
    FAIL() << "expected an error";
  } catch (const SchedulerError& error) {
    EXPECT_EQ(error.status(), AH_ERR_NOT_FOUND);
    EXPECT_EQ(std::string(error.what()), "job \"missing\" of plugin \"plugin\" does not exist");
  }
}

TEST(Scheduler, FailuresAndExceptionsAreReported) {
  RunLog log;
  Scheduler scheduler(options_with(log));
  scheduler.start();
  scheduler.add_once("plugin", "throws", 0ms, [](std::int64_t, std::string&) -> ah_status {
    throw std::runtime_error("boom");
  });
  scheduler.add_once("plugin", "fails", 0ms, [](std::int64_t, std::string& error) {
    error = "database is locked";
    return AH_ERR_UNAVAILABLE;
  });
  scheduler.add_once("plugin", "silent", 0ms,
                     [](std::int64_t, std::string&) { return AH_ERR_TIMEOUT; });
  const auto thrown = log.wait_for("throws", 1);
  ASSERT_EQ(thrown.size(), 1u);
  EXPECT_FALSE(thrown[0].ok);
  EXPECT_EQ(thrown[0].error, "job threw: boom");
  const auto failed = log.wait_for("fails", 1);
  ASSERT_EQ(failed.size(), 1u);
  EXPECT_FALSE(failed[0].ok);
  EXPECT_EQ(failed[0].error, "database is locked");
  const auto silent = log.wait_for("silent", 1);
  ASSERT_EQ(silent.size(), 1u);
  EXPECT_EQ(silent[0].error, "job returned status 4");
}

TEST(Scheduler, RemoveOwnerWaitsForRunningJobsAndCancelsTheRest) {
  RunLog log;
  Scheduler scheduler(options_with(log));
  scheduler.start();
  Gate entered;
  std::atomic<bool> finished{false};
  scheduler.add_cron("leaving", "busy", "0 0 1 1 *", "", [&](std::int64_t, std::string&) {
    entered.open();
    std::this_thread::sleep_for(300ms);
    finished = true;
    return AH_OK;
  });
  std::atomic<bool> cancelled_ran{false};
  scheduler.add_once("leaving", "pending", 500ms, [&](std::int64_t, std::string&) {
    cancelled_ran = true;
    return AH_OK;
  });
  scheduler.add_cron("staying", "keep", "0 0 1 1 *", "", succeed());
  ASSERT_TRUE(scheduler.trigger("leaving", "busy"));
  entered.wait();
  scheduler.remove_owner("leaving");
  EXPECT_TRUE(finished.load());
  const auto jobs = scheduler.jobs();
  ASSERT_EQ(jobs.size(), 1u);
  EXPECT_EQ(jobs[0].owner, "staying");
  EXPECT_THROW(scheduler.trigger("leaving", "busy"), SchedulerError);
  // Past the cancelled one-shot's time, a later marker fires; the cancelled job did not.
  scheduler.add_once("staying", "marker", 1200ms, succeed());
  EXPECT_EQ(log.wait_for("marker", 1).size(), 1u);
  EXPECT_FALSE(cancelled_ran.load());
  // The names are free again.
  EXPECT_NO_THROW(scheduler.add_cron("leaving", "busy", "@daily", "", succeed()));
}

TEST(Scheduler, RemoveOwnerFromItsOwnJobIsRefused) {
  RunLog log;
  Scheduler scheduler(options_with(log));
  scheduler.start();
  std::promise<std::string> outcome;
  scheduler.add_once("plugin", "self", 0ms, [&](std::int64_t, std::string&) {
    try {
      scheduler.remove_owner("plugin");
      outcome.set_value("no error");
    } catch (const SchedulerError& error) {
      outcome.set_value(error.what());
    }
    return AH_OK;
  });
  auto future = outcome.get_future();
  ASSERT_EQ(future.wait_for(20s), std::future_status::ready);
  EXPECT_EQ(future.get(),
            "removing the jobs of plugin \"plugin\" from inside one of its jobs would wait for "
            "that job forever");
}

TEST(Scheduler, StopWaitsForRunningJobsAndRefusesNewOnes) {
  RunLog log;
  Scheduler scheduler(options_with(log));
  scheduler.start();
  Gate entered;
  std::atomic<bool> finished{false};
  scheduler.add_once("plugin", "busy", 0ms, [&](std::int64_t, std::string&) {
    entered.open();
    std::this_thread::sleep_for(300ms);
    finished = true;
    return AH_OK;
  });
  std::atomic<bool> late_ran{false};
  scheduler.add_once("plugin", "late", 400ms, [&](std::int64_t, std::string&) {
    late_ran = true;
    return AH_OK;
  });
  entered.wait();
  scheduler.stop();
  EXPECT_TRUE(finished.load());
  EXPECT_EQ(log.runs("busy").size(), 1u);
  try {
    scheduler.add_once("plugin", "after-stop", 0ms, succeed());
    FAIL() << "expected an error";
  } catch (const SchedulerError& error) {
    EXPECT_EQ(error.status(), AH_ERR_UNAVAILABLE);
  }
  EXPECT_THROW(scheduler.start(), SchedulerError);
  scheduler.stop();  // idempotent
  std::this_thread::sleep_for(600ms);
  EXPECT_FALSE(late_ran.load());
}

TEST(Scheduler, JobsRunConcurrentlyOnThePool) {
  RunLog log;
  Scheduler scheduler(options_with(log));
  scheduler.start();
  Gate both_started;
  std::atomic<int> inside{0};
  const auto job = [&](std::int64_t, std::string&) {
    if (++inside == 2) both_started.open();
    both_started.wait();
    return AH_OK;
  };
  scheduler.add_once("plugin", "a", 0ms, job);
  scheduler.add_once("plugin", "b", 0ms, job);
  const auto a = log.wait_for("a", 1);
  const auto b = log.wait_for("b", 1);
  ASSERT_EQ(a.size(), 1u);
  ASSERT_EQ(b.size(), 1u);
  EXPECT_EQ(inside.load(), 2);
}

}  // namespace
}  // namespace agent_host::scheduler
