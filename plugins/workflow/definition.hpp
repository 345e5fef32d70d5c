// A workflow definition: the parsed, fully validated form of one version.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "input_schema.hpp"
#include "problems.hpp"

namespace workflow {

using json = nlohmann::json;

enum class StepType { http, agent, llm, delay, condition, transform, fail };
const char* to_string(StepType type);
std::optional<StepType> parse_step_type(const std::string& name);

// Error codes a step attempt can fail with; `retry_on` picks from them.
//   timeout, unavailable (no answer / connection failed), http_5xx, http_429,
//   http_4xx (other 4xx), status_mismatch (answer outside expect_status),
//   llm_error, template_error, failed (fail step), invalid_output.
const std::set<std::string>& known_error_codes();

struct RetryPolicy {
  int max_attempts = 1;
  bool exponential = true;  // false = fixed delay of `initial_ms`
  int64_t initial_ms = 1000;
  int64_t max_ms = 30000;
  double multiplier = 2.0;
  double jitter = 0.2;  // +-fraction of each delay, spreads retries of many runs
  std::set<std::string> retry_on{"timeout", "unavailable", "http_5xx", "http_429"};
};

struct Step {
  std::string id;
  StepType type = StepType::transform;
  json with = json::object();  // parameters; strings may hold templates
  RetryPolicy retry;
  int64_t timeout_ms = 30000;
  std::string next;  // "" = the following step, "end" = finish the run
  // condition
  json condition;
  std::string then_step, else_step;  // "" = the following step
  // delay
  int64_t delay_ms = 0;
};

enum class Overlap { skip, queue, allow };
const char* to_string(Overlap overlap);
std::optional<Overlap> parse_overlap(const std::string& name);

struct Trigger {
  enum class Kind { event, webhook, cron } kind = Kind::event;
  // event
  std::string event;
  json when;  // JSON Logic over {"event": ..., "task": ...}; null = always
  // webhook
  std::string secret;
  // cron
  std::string cron;
  std::string time_zone;
  Overlap overlap = Overlap::skip;
  json input = json::object();
};

struct Definition {
  std::string name;
  std::optional<int> version;  // as written; the store assigns one when absent
  std::string description;
  json input_schema;  // null = any input
  std::shared_ptr<const InputSchema> input_validator;
  int64_t timeout_ms = 3'600'000;
  int concurrency = 0;  // 0 = unlimited
  std::vector<Trigger> triggers;
  std::vector<Step> steps;
  json output;  // template of the run's output; null = the last step's output
  std::map<std::string, size_t> step_index;
  json document;  // the definition as uploaded (JSON form)

  size_t index_of(const std::string& step_id) const { return step_index.at(step_id); }
};

// How a definition's schedules are judged: by the host's own rules
// (Host::cron_problem, Host::time_zone_problem), so an upload is refused
// exactly when the host would refuse to schedule it. Each answers what is
// wrong, or nullopt.
struct ScheduleRules {
  std::function<std::optional<std::string>(const std::string& cron)> cron;
  std::function<std::optional<std::string>(const std::string& time_zone)> time_zone;
};

// Validates `document` completely: every problem lands in `problems` with its
// path. The result is meaningful only when `problems` stays empty.
std::shared_ptr<Definition> parse_definition(const json& document, const ScheduleRules& rules,
                                             Problems& problems);

// A stable fingerprint of a document, to tell identical uploads from new content.
std::string document_hash(const json& document);

}  // namespace workflow
