// One run of a workflow: what the store keeps and the API shows.
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "step_record.hpp"

namespace workflow {

using json = nlohmann::json;

namespace status {
inline constexpr const char* queued = "queued";
inline constexpr const char* running = "running";
inline constexpr const char* waiting = "waiting";
inline constexpr const char* succeeded = "succeeded";
inline constexpr const char* failed = "failed";
inline constexpr const char* cancelled = "cancelled";
inline constexpr const char* timed_out = "timed_out";
inline constexpr const char* kAll[] = {queued, running,   waiting,  succeeded,
                                       failed, cancelled, timed_out};
bool is_known(const std::string& value);
bool is_terminal(const std::string& value);
}  // namespace status

struct RunRecord {
  std::string id;
  std::string workflow;
  int version = 0;
  std::string status = status::queued;
  json trigger = json{{"kind", "api"}};
  std::string trigger_key = "api";  // "api", "event", "webhook", "cron:<index>"
  json input = json::object();
  std::map<std::string, StepRecord> steps;  // by step id
  std::vector<std::string> step_order;      // step ids in the order they ran
  size_t cursor = 0;                        // index of the next step to run
  int attempts_made = 0;                    // attempts already made of the step at `cursor`
  int64_t created_at = 0;
  int64_t started_at = 0;
  int64_t finished_at = 0;
  int64_t deadline_at = 0;  // 0 = none; set when the run first starts
  int64_t resume_at = 0;    // when a waiting run continues
  json output;              // null until it succeeds
  json error;               // {code, message, step} when failed/timed out
  std::string failed_step;
  int64_t fence = 0;  // bumped by every claim; writes must present the current one
  std::string owner;
  std::string idempotency_key;
  json gates = json::array();  // [{"key": "...", "limit": n}] concurrency slots this run needs

  // Not stored. Non-empty while a worker runs a claim that only exists in memory
  // (a record handed over by the queue): the status the store still holds. The
  // next save writes the claim too, as a compare-and-set on that status and
  // `fence`, and bumps the fence.
  std::string claimed_from;

  int64_t duration_ms() const {
    return finished_at && started_at ? finished_at - started_at
                                     : (finished_at ? finished_at - created_at : 0);
  }

  // Full internal form (what the store keeps in its document column).
  json to_storage() const;
  // to_storage().dump(), written directly (no copy of the record into a tree).
  std::string doc_text() const;
  static RunRecord from_storage(const json& document);
  // The steps as the document's "steps" object.
  json steps_json() const;

  // API forms: with the step details, or the short list form.
  json to_api() const;
  json to_summary() const;
};

// A new run id: 12 hex digits of milliseconds then 12 random ones, so ids sort by
// creation time and never collide across replicas.
std::string new_run_id(int64_t now_ms);

}  // namespace workflow
