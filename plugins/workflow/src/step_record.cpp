#include "step_record.hpp"

#include <array>
#include <utility>

#include "clock.hpp"

namespace workflow {

namespace {
constexpr std::array<std::pair<StepStatus, const char*>, 5> kStatusNames = {{
    {StepStatus::running, "running"},
    {StepStatus::waiting, "waiting"},
    {StepStatus::retrying, "retrying"},
    {StepStatus::succeeded, "succeeded"},
    {StepStatus::failed, "failed"},
}};

void put_if_set(json& out, const char* key, const std::optional<json>& value) {
  if (value) out[key] = *value;
}
void put_if_set(json& out, const char* key, const std::string& value) {
  if (!value.empty()) out[key] = value;
}
std::optional<json> optional_value(const json& document, const char* key) {
  auto it = document.find(key);
  return it == document.end() ? std::nullopt : std::optional<json>(*it);
}
}  // namespace

const char* to_string(StepStatus status) {
  for (const auto& [value, name] : kStatusNames)
    if (value == status) return name;
  return "running";
}

std::optional<StepStatus> parse_step_status(const std::string& text) {
  for (const auto& [value, name] : kStatusNames)
    if (text == name) return value;
  return std::nullopt;
}

json StepAttempt::to_json() const {
  json out = {{"attempt", attempt}, {"duration_ms", duration_ms}, {"ok", ok}};
  if (!error.is_null()) out["error"] = error;
  if (!received.is_null()) out["received"] = received;
  return out;
}

StepAttempt StepAttempt::from_json(const json& document) {
  StepAttempt attempt;
  attempt.attempt = document.value("attempt", 1);
  attempt.duration_ms = document.value("duration_ms", int64_t{0});
  attempt.ok = document.value("ok", true);
  attempt.error = document.value("error", json());
  attempt.received = document.value("received", json());
  return attempt;
}

void StepRecord::finish(int64_t now) {
  finished_at = format_time(now);
  duration_ms = now - started_ms;
}

json StepRecord::to_json() const {
  json attempt_list = json::array();
  for (const auto& attempt : attempts) attempt_list.push_back(attempt.to_json());
  json out = {{"id", id},
              {"type", type},
              {"status", to_string(status)},
              {"started_at", started_at},
              {"started_ms", started_ms},
              {"attempts", std::move(attempt_list)}};
  put_if_set(out, "input", input);
  put_if_set(out, "output", output);
  put_if_set(out, "error", error);
  put_if_set(out, "finished_at", finished_at);
  if (duration_ms) out["duration_ms"] = *duration_ms;
  put_if_set(out, "next_attempt_at", next_attempt_at);
  return out;
}

StepRecord StepRecord::from_json(const json& document) {
  StepRecord record;
  record.id = document.value("id", "");
  record.type = document.value("type", "");
  record.status = parse_step_status(document.value("status", "")).value_or(StepStatus::running);
  record.started_at = document.value("started_at", "");
  record.started_ms = document.value("started_ms", int64_t{0});
  for (const auto& attempt : document.value("attempts", json::array()))
    record.attempts.push_back(StepAttempt::from_json(attempt));
  record.input = optional_value(document, "input");
  record.output = optional_value(document, "output");
  record.error = optional_value(document, "error");
  record.finished_at = document.value("finished_at", "");
  if (auto duration = optional_value(document, "duration_ms"))
    record.duration_ms = duration->get<int64_t>();
  record.next_attempt_at = document.value("next_attempt_at", "");
  return record;
}

}  // namespace workflow
