// One step of a run as it ran: what the store keeps under the run's "steps" and
// the API shows. to_json() is that wire format; a key the step has not reached
// yet (input, output, error, finished_at ...) is left out, not written as null.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace workflow {

using json = nlohmann::json;

enum class StepStatus { running, waiting, retrying, succeeded, failed };
const char* to_string(StepStatus status);
std::optional<StepStatus> parse_step_status(const std::string& text);

struct StepAttempt {
  int attempt = 1;
  int64_t duration_ms = 0;
  bool ok = true;
  json error;     // {code, message} when the attempt failed; null = none
  json received;  // what a failed attempt got back; null = nothing

  json to_json() const;
  static StepAttempt from_json(const json& document);
};

struct StepRecord {
  std::string id;
  std::string type;
  StepStatus status = StepStatus::running;
  std::string started_at;  // ISO time
  int64_t started_ms = 0;
  std::vector<StepAttempt> attempts;
  std::optional<json> input;   // from the first attempt on
  std::optional<json> output;  // once it succeeded
  std::optional<json> error;   // {code, message} after a failure, null after a success
  std::string finished_at;     // "" = not finished
  std::optional<int64_t> duration_ms;
  std::string next_attempt_at;  // "" = no retry planned

  // Marks the step finished at `now` (its end time and duration).
  void finish(int64_t now);

  json to_json() const;
  static StepRecord from_json(const json& document);
};

}  // namespace workflow
