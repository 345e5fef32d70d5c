// Executing one claimed run: its steps in order, to the end or to the next
// point where it must wait (delay, retry backoff). Every state change is written
// with the run's fence, so a run taken over by another worker is never marked
// by the old one.
#include <chrono>

#include "clock.hpp"
#include "duration.hpp"
#include "engine.hpp"
#include "retry.hpp"
#include "templating.hpp"

namespace workflow {

namespace {

// Steps that talk to the outside: a cancel is checked before them, and the run
// is checkpointed after them so a takeover does not repeat their effects.
bool talks_outside(StepType type) {
  return type == StepType::http || type == StepType::agent || type == StepType::llm;
}

json error_json(const std::string& code, const std::string& message, const std::string& step) {
  json error = {{"code", code}, {"message", message}};
  if (!step.empty()) error["step"] = step;
  return error;
}

}  // namespace

json Engine::context_of(const RunRecord& run) const {
  json steps = json::object();
  for (const auto& [id, record] : run.steps.items()) {
    steps[id] = {{"status", record.value("status", "")},
                 {"output", record.value("output", json())},
                 {"error", record.value("error", json())},
                 {"attempts", record.contains("attempts") ? record["attempts"].size() : 0}};
  }
  return json{{"input", run.input},
              {"steps", std::move(steps)},
              {"run",
               {{"id", run.id},
                {"workflow", run.workflow},
                {"version", run.version},
                {"trigger", run.trigger}}}};
}

void Engine::finish(RunRecord& run, const std::string& final_status, json error, const Lease& lease,
                    Batch& batch) {
  run.status = final_status;
  run.finished_at = now_ms();
  run.resume_at = 0;
  run.error = std::move(error);
  if (run.error.is_object()) run.failed_step = run.error.value("step", "");
  // Written (compare-and-set, like every save) and counted with the rest of the
  // worker's batch, before the lease is finished.
  batch.finals.push_back(std::move(run));
  batch.final_leases.push_back(&lease);
}

bool Engine::park(RunRecord& run, const Lease& lease, int64_t resume_at) {
  run.status = status::waiting;
  run.resume_at = resume_at;
  if (!backend_.store->save(run)) return false;
  // The record now equals the stored one: the queue may carry it to the next claim.
  backend_.queue->defer(run.id, lease.gates, resume_at, std::make_shared<RunRecord>(run));
  return true;
}

void Engine::advance(RunRecord& run, const Lease& lease, Batch& batch) {
  int64_t now = now_ms();
  // A delivery that came early (duplicate, or a takeover of a parked run).
  if (run.resume_at > now + 2) {
    park(run, lease, run.resume_at);
    return;
  }
  DefinitionPtr definition = registry_.get(run.workflow, run.version);
  if (!definition) {
    finish(run, status::failed,
           error_json("definition_missing",
                      "version " + std::to_string(run.version) + " of workflow '" + run.workflow +
                          "' is not stored; upload it again",
                      ""),
           lease, batch);
    return;
  }
  if (run.deadline_at == 0) run.deadline_at = run.started_at + definition->timeout_ms;
  run.resume_at = 0;
  json context = context_of(run);
  const auto& steps = definition->steps;

  while (run.cursor < steps.size()) {
    const Step& step = steps[run.cursor];
    now = now_ms();
    if (now >= run.deadline_at) {
      finish(
          run, status::timed_out,
          error_json("timeout",
                     "the run exceeded its timeout of " + format_duration(definition->timeout_ms),
                     step.id),
          lease, batch);
      return;
    }
    json& record = run.steps[step.id];
    if (!record.is_object()) {
      record = json{{"id", step.id},
                    {"type", to_string(step.type)},
                    {"status", status::running},
                    {"started_at", format_time(now)},
                    {"attempts", json::array()}};
      record["started_ms"] = now;
      run.step_order.push_back(step.id);
    }

    if (step.type == StepType::delay) {
      if (record.value("status", "") == status::waiting) {  // woke up
        record["status"] = status::succeeded;
        record["output"] = {{"delayed_ms", step.delay_ms}};
        record["finished_at"] = format_time(now);
        record["duration_ms"] = now - record.value("started_ms", now);
        context["steps"][step.id] = {{"status", status::succeeded},
                                     {"output", record["output"]},
                                     {"error", nullptr},
                                     {"attempts", 1}};
        ++run.cursor;
        continue;
      }
      record["status"] = status::waiting;
      park(run, lease, std::min(now + step.delay_ms, run.deadline_at));
      return;
    }

    if (talks_outside(step.type)) {
      if (!run.claimed_from.empty()) {
        // Write the claim first: the run shows running while it calls out, a
        // takeover does not repeat the call, and a cancel meanwhile stops it here.
        if (!backend_.store->save(run)) return;
      } else {
        auto current = backend_.store->run_status(run.id);
        if (!current || *current != status::running) return;  // cancelled meanwhile
      }
    }
    const int attempt = run.attempts_made + 1;
    const int64_t timeout = std::max<int64_t>(1, std::min(step.timeout_ms, run.deadline_at - now));
    // A timeout cut short by the run's deadline is the run timing out.
    const bool capped_by_run = run.deadline_at - now < step.timeout_ms;
    const auto started = std::chrono::steady_clock::now();
    StepOutcome outcome = steps_.attempt(step, context, timeout);
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    now = now_ms();
    metrics_.step_finished(run.workflow, to_string(step.type),
                           outcome.ok ? "ok" : outcome.error_code, seconds);

    json attempt_record = {{"attempt", attempt},
                           {"duration_ms", static_cast<int64_t>(seconds * 1000)},
                           {"ok", outcome.ok}};
    if (!outcome.ok)
      attempt_record["error"] = {{"code", outcome.error_code}, {"message", outcome.error_message}};
    if (!outcome.ok && !outcome.output.is_null()) attempt_record["received"] = outcome.output;
    record["attempts"].push_back(std::move(attempt_record));
    record["input"] = outcome.input;

    if (outcome.ok) {
      record["status"] = status::succeeded;
      record["output"] = outcome.output;
      record["error"] = nullptr;
      record["finished_at"] = format_time(now);
      record["duration_ms"] = now - record.value("started_ms", now);
      context["steps"][step.id] = {{"status", status::succeeded},
                                   {"output", outcome.output},
                                   {"error", nullptr},
                                   {"attempts", attempt}};
      run.attempts_made = 0;
      const std::string& next = step.type == StepType::condition ? outcome.next : step.next;
      if (next == "end")
        run.cursor = steps.size();
      else if (!next.empty())
        run.cursor = definition->index_of(next);
      else
        ++run.cursor;
      if (talks_outside(step.type) && !backend_.store->save(run)) return;
      continue;
    }

    record["error"] = {{"code", outcome.error_code}, {"message", outcome.error_message}};
    const bool retryable =
        step.retry.retry_on.count(outcome.error_code) > 0 && attempt < step.retry.max_attempts;
    if (retryable) {
      const int64_t resume_at = now + backoff_ms(step.retry, attempt, random01());
      if (resume_at < run.deadline_at) {
        record["status"] = "retrying";
        record["next_attempt_at"] = format_time(resume_at);
        run.attempts_made = attempt;
        metrics_.retry(run.workflow);
        park(run, lease, resume_at);
        return;
      }
    }
    record["status"] = status::failed;
    record["finished_at"] = format_time(now);
    record["duration_ms"] = now - record.value("started_ms", now);
    // Out of time now, or the next attempt would start after the deadline.
    if (retryable || now >= run.deadline_at || (capped_by_run && outcome.error_code == "timeout")) {
      finish(
          run, status::timed_out,
          error_json("timeout",
                     "the run exceeded its timeout of " + format_duration(definition->timeout_ms) +
                         " (last error: " + outcome.error_message + ")",
                     step.id),
          lease, batch);
      return;
    }
    finish(run, status::failed, error_json(outcome.error_code, outcome.error_message, step.id),
           lease, batch);
    return;
  }

  // Every step ran: the run's output is its template, or the last step's output.
  try {
    if (!definition->output.is_null()) {
      run.output = templating::render(definition->output, context);
    } else if (!run.step_order.empty()) {
      run.output = run.steps[run.step_order.back().get<std::string>()].value("output", json());
    }
  } catch (const templating::TemplateError& e) {
    finish(run, status::failed,
           error_json("template_error", std::string("output: ") + e.what(), ""), lease, batch);
    return;
  }
  finish(run, status::succeeded, nullptr, lease, batch);
}

}  // namespace workflow
