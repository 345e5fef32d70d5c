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

std::string timeout_message(const Definition& definition) {
  return "the run exceeded its timeout of " + format_duration(definition.timeout_ms);
}

// What later steps see of a step: {{ steps.<id>.status }} and so on.
json step_context(const StepRecord& record, size_t attempts) {
  return {{"status", to_string(record.status)},
          {"output", record.output.value_or(json())},
          {"error", record.error.value_or(json())},
          {"attempts", attempts}};
}

// The step's record in the run, begun now when the step had none.
StepRecord& record_of(RunRecord& run, const Step& step, int64_t now) {
  auto [it, begun] = run.steps.try_emplace(step.id);
  if (begun) {
    StepRecord& record = it->second;
    record.id = step.id;
    record.type = to_string(step.type);
    record.started_at = format_time(now);
    record.started_ms = now;
    run.step_order.push_back(step.id);
  }
  return it->second;
}

StepAttempt attempt_record(int number, double seconds, const StepOutcome& outcome) {
  StepAttempt attempt{number, static_cast<int64_t>(seconds * 1000), outcome.ok, json(), json()};
  if (!outcome.ok) {
    attempt.error = {{"code", outcome.error_code}, {"message", outcome.error_message}};
    attempt.received = outcome.output;
  }
  return attempt;
}

// The index of the step after `step`: its jump (or the condition's branch), or
// the next one.
size_t next_cursor(const Definition& definition, const Step& step, const StepOutcome& outcome,
                   size_t cursor) {
  const std::string& next = step.type == StepType::condition ? outcome.next : step.next;
  if (next == "end") return definition.steps.size();
  if (!next.empty()) return definition.index_of(next);
  return cursor + 1;
}

}  // namespace

json Engine::context_of(const RunRecord& run) const {
  json steps = json::object();
  for (const auto& [id, record] : run.steps)
    steps[id] = step_context(record, record.attempts.size());
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
  // A delivery that came early (duplicate, or a takeover of a parked run).
  if (run.resume_at > now_ms() + 2) {
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
  Pass pass{run, *definition, lease, batch, context_of(run)};
  while (run.cursor < definition->steps.size())
    if (!run_step(pass, definition->steps[run.cursor])) return;
  complete(pass);
}

bool Engine::run_step(Pass& pass, const Step& step) {
  RunRecord& run = pass.run;
  const int64_t now = now_ms();
  if (now >= run.deadline_at) {
    finish(run, status::timed_out, error_json("timeout", timeout_message(pass.definition), step.id),
           pass.lease, pass.batch);
    return false;
  }
  StepRecord& record = record_of(run, step, now);
  if (step.type == StepType::delay) return run_delay(pass, step, record, now);
  if (talks_outside(step.type) && !may_call_out(run)) return false;
  const Attempted made = attempt(pass, step, record, now);
  if (made.outcome.ok) return step_succeeded(pass, step, record, made);
  step_failed(pass, step, record, made);
  return false;
}

bool Engine::run_delay(Pass& pass, const Step& step, StepRecord& record, int64_t now) {
  if (record.status == StepStatus::waiting) {  // woke up
    record.status = StepStatus::succeeded;
    record.output = json{{"delayed_ms", step.delay_ms}};
    record.finish(now);
    pass.context["steps"][step.id] = step_context(record, 1);
    ++pass.run.cursor;
    return true;
  }
  record.status = StepStatus::waiting;
  park(pass.run, pass.lease, std::min(now + step.delay_ms, pass.run.deadline_at));
  return false;
}

// Before a step that talks to the outside.
bool Engine::may_call_out(RunRecord& run) {
  // Write the claim first: the run shows running while it calls out, a
  // takeover does not repeat the call, and a cancel meanwhile stops it here.
  if (!run.claimed_from.empty()) return backend_.store->save(run);
  auto current = backend_.store->run_status(run.id);
  return current && *current == status::running;  // else cancelled meanwhile
}

Engine::Attempted Engine::attempt(Pass& pass, const Step& step, StepRecord& record, int64_t now) {
  RunRecord& run = pass.run;
  Attempted made;
  made.number = run.attempts_made + 1;
  const int64_t time_left = run.deadline_at - now;
  made.capped_by_run = time_left < step.timeout_ms;
  const int64_t timeout = std::max<int64_t>(1, std::min(step.timeout_ms, time_left));
  const auto started = std::chrono::steady_clock::now();
  made.outcome = steps_.attempt(step, pass.context, timeout);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  metrics_.step_finished(run.workflow, to_string(step.type),
                         made.outcome.ok ? "ok" : made.outcome.error_code, seconds);
  record.attempts.push_back(attempt_record(made.number, seconds, made.outcome));
  record.input = made.outcome.input;
  return made;
}

bool Engine::step_succeeded(Pass& pass, const Step& step, StepRecord& record,
                            const Attempted& made) {
  RunRecord& run = pass.run;
  record.status = StepStatus::succeeded;
  record.output = made.outcome.output;
  record.error = json(nullptr);
  record.finish(now_ms());
  pass.context["steps"][step.id] = step_context(record, made.number);
  run.attempts_made = 0;
  run.cursor = next_cursor(pass.definition, step, made.outcome, run.cursor);
  return !talks_outside(step.type) || backend_.store->save(run);
}

void Engine::step_failed(Pass& pass, const Step& step, StepRecord& record, const Attempted& made) {
  const StepOutcome& outcome = made.outcome;
  const int64_t now = now_ms();
  record.error = json{{"code", outcome.error_code}, {"message", outcome.error_message}};
  const bool retryable =
      step.retry.retry_on.count(outcome.error_code) > 0 && made.number < step.retry.max_attempts;
  if (retryable && retry_later(pass, step, record, made.number, now)) return;
  record.status = StepStatus::failed;
  record.finish(now);
  // Out of time now, or the next attempt would start after the deadline.
  if (retryable || now >= pass.run.deadline_at ||
      (made.capped_by_run && outcome.error_code == "timeout")) {
    finish(pass.run, status::timed_out,
           error_json(
               "timeout",
               timeout_message(pass.definition) + " (last error: " + outcome.error_message + ")",
               step.id),
           pass.lease, pass.batch);
    return;
  }
  finish(pass.run, status::failed, error_json(outcome.error_code, outcome.error_message, step.id),
         pass.lease, pass.batch);
}

// Parks the run until the step's next attempt; false when that would come
// after the run's deadline.
bool Engine::retry_later(Pass& pass, const Step& step, StepRecord& record, int attempt,
                         int64_t now) {
  const int64_t resume_at = now + backoff_ms(step.retry, attempt, random01());
  if (resume_at >= pass.run.deadline_at) return false;
  record.status = StepStatus::retrying;
  record.next_attempt_at = format_time(resume_at);
  pass.run.attempts_made = attempt;
  metrics_.retry(pass.run.workflow);
  park(pass.run, pass.lease, resume_at);
  return true;
}

// Every step ran: the run's output is its template, or the last step's output.
void Engine::complete(Pass& pass) {
  RunRecord& run = pass.run;
  try {
    if (!pass.definition.output.is_null())
      run.output = templating::render(pass.definition.output, pass.context);
    else if (!run.step_order.empty())
      run.output = run.steps[run.step_order.back()].output.value_or(json());
  } catch (const templating::TemplateError& e) {
    finish(run, status::failed,
           error_json("template_error", std::string("output: ") + e.what(), ""), pass.lease,
           pass.batch);
    return;
  }
  finish(run, status::succeeded, nullptr, pass.lease, pass.batch);
}

}  // namespace workflow
