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

void append_key(std::string& out, const char* key) {
  out += out.size() > 1 ? ",\"" : "\"";
  out += key;
  out += "\":";
}

}  // namespace

// Same text as to_storage().dump() (keys in the same sorted order).
std::string RunRecord::doc_text() const {
  std::string out;
  out.reserve(512 + (steps.empty() ? 0 : 1024));
  out += '{';
  auto integer = [&out](const char* key, int64_t value) {
    append_key(out, key);
    out += std::to_string(value);
  };
  auto text = [&out](const char* key, const std::string& value) {
    append_key(out, key);
    append_string(out, value);
  };
  auto value = [&out](const char* key, const json& item) {
    append_key(out, key);
    append_json(out, item);
  };
  integer("attempts_made", attempts_made);
  integer("created_at", created_at);
  append_key(out, "cursor");
  out += std::to_string(cursor);
  integer("deadline_at", deadline_at);
  value("error", error);
  text("failed_step", failed_step);
  integer("fence", fence);
  integer("finished_at", finished_at);
  value("gates", gates);
  text("id", id);
  text("idempotency_key", idempotency_key);
  value("input", input);
  value("output", output);
  text("owner", owner);
  integer("resume_at", resume_at);
  integer("started_at", started_at);
  text("status", status);
  value("step_order", step_order);
  value("steps", steps);
  value("trigger", trigger);
  text("trigger_key", trigger_key);
  integer("version", version);
  text("workflow", workflow);
  out += '}';
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
