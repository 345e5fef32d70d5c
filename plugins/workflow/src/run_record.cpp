#include "run_record.hpp"

#include <cstdio>
#include <random>
#include <set>

#include "clock.hpp"
#include "crypto.hpp"

namespace workflow {

namespace status {
bool is_known(const std::string& value) {
  static const std::set<std::string> all(std::begin(kAll), std::end(kAll));
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
              {"steps", steps_json()},
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

namespace {

// A JSON string as json::dump() writes it. ASCII is escaped here; text with
// other bytes goes through nlohmann (which also refuses invalid UTF-8).
void append_string(std::string& out, const std::string& text) {
  static const char digits[] = "0123456789abcdef";
  for (const char c : text)
    if (static_cast<unsigned char>(c) >= 0x80) {
      out += json(text).dump();
      return;
    }
  out += '"';
  const char* p = text.data();
  const char* const end = p + text.size();
  while (p < end) {
    const char* plain = p;
    while (p < end && static_cast<unsigned char>(*p) >= 0x20 && *p != '"' && *p != '\\') ++p;
    out.append(plain, static_cast<size_t>(p - plain));
    if (p == end) break;
    const char c = *p++;
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        out += "\\u00";
        out += digits[(c >> 4) & 0xf];
        out += digits[c & 0xf];
    }
  }
  out += '"';
}

// json::dump() without building a serializer per call (each one allocates and
// clears a 512-byte indent string): same text, keys in the same sorted order.
void append_json(std::string& out, const json& value) {
  switch (value.type()) {
    case json::value_t::null:
      out += "null";
      return;
    case json::value_t::boolean:
      out += value.get<bool>() ? "true" : "false";
      return;
    case json::value_t::number_integer:
      out += std::to_string(value.get<int64_t>());
      return;
    case json::value_t::number_unsigned:
      out += std::to_string(value.get<uint64_t>());
      return;
    case json::value_t::string:
      append_string(out, value.get_ref<const std::string&>());
      return;
    case json::value_t::array: {
      out += '[';
      bool first = true;
      for (const auto& item : value) {
        if (!first) out += ',';
        first = false;
        append_json(out, item);
      }
      out += ']';
      return;
    }
    case json::value_t::object: {
      out += '{';
      bool first = true;
      for (auto it = value.begin(); it != value.end(); ++it) {
        if (!first) out += ',';
        first = false;
        append_string(out, it.key());
        out += ':';
        append_json(out, it.value());
      }
      out += '}';
      return;
    }
    default:  // floats (their shortest form) and binary values
      out += value.dump();
  }
}

// Writes one JSON object, member by member; callers give the members in the
// sorted order json::dump() writes them.
class ObjectWriter {
 public:
  explicit ObjectWriter(std::string& out) : out_(out) { out_ += '{'; }
  ~ObjectWriter() { out_ += '}'; }
  ObjectWriter(const ObjectWriter&) = delete;
  ObjectWriter& operator=(const ObjectWriter&) = delete;

  void integer(const char* key, int64_t value) { name(key) += std::to_string(value); }
  void boolean(const char* key, bool value) { name(key) += value ? "true" : "false"; }
  void text(const char* key, const std::string& value) { append_string(name(key), value); }
  void value(const char* key, const json& item) { append_json(name(key), item); }
  // The member's name; its value is for the caller to write next.
  std::string& name(const std::string& key) {
    separate();
    append_string(out_, key);
    out_ += ':';
    return out_;
  }
  // A literal name (plain ASCII, nothing to escape).
  std::string& name(const char* key) {
    separate();
    out_ += '"';
    out_ += key;
    out_ += "\":";
    return out_;
  }

 private:
  void separate() {
    if (!first_) out_ += ',';
    first_ = false;
  }

  std::string& out_;
  bool first_ = true;
};

void append_attempt(std::string& out, const StepAttempt& attempt) {
  ObjectWriter object(out);
  object.integer("attempt", attempt.attempt);
  object.integer("duration_ms", attempt.duration_ms);
  if (!attempt.error.is_null()) object.value("error", attempt.error);
  object.boolean("ok", attempt.ok);
  if (!attempt.received.is_null()) object.value("received", attempt.received);
}

// StepRecord::to_json().dump(), written directly.
void append_step(std::string& out, const StepRecord& step) {
  ObjectWriter object(out);
  object.name("attempts") += '[';
  for (size_t i = 0; i < step.attempts.size(); ++i) {
    if (i) out += ',';
    append_attempt(out, step.attempts[i]);
  }
  out += ']';
  if (step.duration_ms) object.integer("duration_ms", *step.duration_ms);
  if (step.error) object.value("error", *step.error);
  if (!step.finished_at.empty()) object.text("finished_at", step.finished_at);
  object.text("id", step.id);
  if (step.input) object.value("input", *step.input);
  if (!step.next_attempt_at.empty()) object.text("next_attempt_at", step.next_attempt_at);
  if (step.output) object.value("output", *step.output);
  object.text("started_at", step.started_at);
  object.integer("started_ms", step.started_ms);
  object.text("status", to_string(step.status));
  object.text("type", step.type);
}

}  // namespace

// Same text as to_storage().dump() (keys in the same sorted order).
std::string RunRecord::doc_text() const {
  std::string out;
  out.reserve(512 + (steps.empty() ? 0 : 1024));
  {
    ObjectWriter object(out);
    object.integer("attempts_made", attempts_made);
    object.integer("created_at", created_at);
    object.name("cursor") += std::to_string(cursor);
    object.integer("deadline_at", deadline_at);
    object.value("error", error);
    object.text("failed_step", failed_step);
    object.integer("fence", fence);
    object.integer("finished_at", finished_at);
    object.value("gates", gates);
    object.text("id", id);
    object.text("idempotency_key", idempotency_key);
    object.value("input", input);
    object.value("output", output);
    object.text("owner", owner);
    object.integer("resume_at", resume_at);
    object.integer("started_at", started_at);
    object.text("status", status);
    object.name("step_order") += '[';
    for (size_t i = 0; i < step_order.size(); ++i) {
      if (i) out += ',';
      append_string(out, step_order[i]);
    }
    out += ']';
    object.name("steps");
    {
      ObjectWriter by_id(out);
      for (const auto& [step_id, step] : steps) append_step(by_id.name(step_id), step);
    }
    object.value("trigger", trigger);
    object.text("trigger_key", trigger_key);
    object.integer("version", version);
    object.text("workflow", workflow);
  }
  return out;
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
  const json steps = d.value("steps", json::object());
  for (auto it = steps.begin(); it != steps.end(); ++it)
    r.steps.emplace(it.key(), StepRecord::from_json(it.value()));
  r.step_order = d.value("step_order", std::vector<std::string>{});
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

json RunRecord::steps_json() const {
  json out = json::object();
  for (const auto& [step_id, step] : steps) out[step_id] = step.to_json();
  return out;
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
    auto it = steps.find(step_id);
    if (it != steps.end()) list.push_back(it->second.to_json());
  }
  out["steps"] = std::move(list);
  return out;
}

std::string new_run_id(int64_t now) {
  // 48 random bits per id from a per-thread generator seeded from OpenSSL's
  // CSPRNG (one RAND_bytes call per id was a visible share of a start).
  thread_local std::mt19937_64 random = [] {
    const std::string seed = crypto::random_hex(16);
    std::seed_seq sequence(seed.begin(), seed.end());
    return std::mt19937_64(sequence);
  }();
  static const char digits[] = "0123456789abcdef";
  char out[24];
  auto put = [&out](int at, uint64_t value, int count) {
    for (int i = count - 1; i >= 0; --i, value >>= 4) out[at + i] = digits[value & 0xf];
  };
  put(0, static_cast<uint64_t>(now), 12);
  put(12, random(), 12);
  return std::string(out, sizeof out);
}

}  // namespace workflow
