#include "run_record.hpp"

#include <cstdio>
#include <set>

#include "clock.hpp"
#include "crypto.hpp"

namespace workflow {

namespace status {
bool is_known(const std::string& value) {
  static const std::set<std::string> all = {queued, running,   waiting,  succeeded,
                                            failed, cancelled, timed_out};
  return all.count(value) > 0;
}
bool is_terminal(const std::string& value) {
  return value == succeeded || value == failed || value == cancelled || value == timed_out;
}
}  // namespace status

namespace {
json time_or_null(int64_t ms) {
  return ms ? json(format_time(ms)) : json(nullptr);
}
}  // namespace

json RunRecord::to_storage() const {
  return json{{"id", id},
              {"workflow", workflow},
              {"version", version},
              {"status", status},
              {"trigger", trigger},
              {"trigger_key", trigger_key},
              {"input", input},
              {"steps", steps},
              {"step_order", step_order},
              {"cursor", cursor},
              {"attempts_made", attempts_made},
              {"created_at", created_at},
              {"started_at", started_at},
              {"finished_at", finished_at},
              {"deadline_at", deadline_at},
              {"resume_at", resume_at},
              {"output", output},
              {"error", error},
              {"failed_step", failed_step},
              {"fence", fence},
              {"owner", owner},
              {"idempotency_key", idempotency_key},
              {"gates", gates}};
}

RunRecord RunRecord::from_storage(const json& d) {
  RunRecord r;
  r.id = d.value("id", "");
  r.workflow = d.value("workflow", "");
  r.version = d.value("version", 0);
  r.status = d.value("status", status::queued);
  r.trigger = d.value("trigger", json{{"kind", "api"}});
  r.trigger_key = d.value("trigger_key", "api");
  r.input = d.value("input", json::object());
  r.steps = d.value("steps", json::object());
  r.step_order = d.value("step_order", json::array());
  r.cursor = d.value("cursor", size_t{0});
  r.attempts_made = d.value("attempts_made", 0);
  r.created_at = d.value("created_at", int64_t{0});
  r.started_at = d.value("started_at", int64_t{0});
  r.finished_at = d.value("finished_at", int64_t{0});
  r.deadline_at = d.value("deadline_at", int64_t{0});
  r.resume_at = d.value("resume_at", int64_t{0});
  r.output = d.value("output", json());
  r.error = d.value("error", json());
  r.failed_step = d.value("failed_step", "");
  r.fence = d.value("fence", int64_t{0});
  r.owner = d.value("owner", "");
  r.idempotency_key = d.value("idempotency_key", "");
  r.gates = d.value("gates", json::array());
  return r;
}

json RunRecord::to_summary() const {
  return json{{"id", id},
              {"workflow", workflow},
              {"version", version},
              {"status", status},
              {"trigger", trigger},
              {"created_at", format_time(created_at)},
              {"started_at", time_or_null(started_at)},
              {"finished_at", time_or_null(finished_at)},
              {"duration_ms", finished_at ? json(duration_ms()) : json(nullptr)},
              {"error", error}};
}

json RunRecord::to_api() const {
  json out = to_summary();
  out["input"] = input;
  out["output"] = output;
  out["resume_at"] = time_or_null(resume_at);
  out["deadline_at"] = time_or_null(deadline_at);
  if (!idempotency_key.empty()) out["idempotency_key"] = idempotency_key;
  json list = json::array();
  for (const auto& step_id : step_order) {
    auto it = steps.find(step_id.get<std::string>());
    if (it != steps.end()) list.push_back(*it);
  }
  out["steps"] = std::move(list);
  return out;
}

std::string new_run_id(int64_t now) {
  char prefix[16];
  std::snprintf(prefix, sizeof prefix, "%012llx", static_cast<unsigned long long>(now));
  return std::string(prefix) + crypto::random_hex(6);
}

}  // namespace workflow
