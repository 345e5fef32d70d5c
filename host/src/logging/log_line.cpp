#include "logging/log_line.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdio>
#include <ctime>

#include "logging/log_levels.hpp"

namespace agent_host::logging {
namespace {

using nlohmann::json;

std::string json_text(const json& value) {
  return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string json_string(std::string_view text) {
  return json_text(json(std::string(text)));
}

// Splits fields into those merged at top level and those that would clash.
struct SplitFields {
  json top_level = json::object();
  json nested;  // null when nothing goes under "fields"
};

SplitFields split_fields(const json& fields) {
  SplitFields split;
  if (fields.is_null()) return split;
  if (!fields.is_object()) {
    split.nested = fields;
    return split;
  }
  for (const auto& member : fields.items()) {
    if (is_reserved_key(member.key())) {
      if (split.nested.is_null()) split.nested = json::object();
      split.nested[member.key()] = member.value();
    } else {
      split.top_level[member.key()] = member.value();
    }
  }
  return split;
}

// Plain words are printed bare in the text format; anything else as JSON.
std::string text_value(const json& value) {
  if (value.is_string()) {
    const std::string& text = value.get_ref<const std::string&>();
    const bool bare = !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
      return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.' ||
             c == '/' || c == ':';
    });
    if (bare) return text;
  }
  return json_text(value);
}

std::string escape_controls(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == '\t') {
      out += "\\t";
    } else if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      std::array<char, 8> buffer{};
      std::snprintf(buffer.data(), buffer.size(), "\\x%02x", static_cast<unsigned char>(c));
      out += buffer.data();
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace

std::string rfc3339_utc_millis(std::chrono::system_clock::time_point time) {
  const auto since_epoch = time.time_since_epoch();
  auto seconds = std::chrono::duration_cast<std::chrono::seconds>(since_epoch);
  auto millis =
      std::chrono::duration_cast<std::chrono::milliseconds>(since_epoch - seconds).count();
  if (millis < 0) {  // before 1970: keep the millisecond part positive
    millis += 1000;
    seconds -= std::chrono::seconds(1);
  }
  const std::time_t whole = static_cast<std::time_t>(seconds.count());
  std::tm utc{};
  gmtime_r(&whole, &utc);
  std::array<char, 96> buffer{};  // room for any int the compiler can imagine in each field
  std::snprintf(buffer.data(), buffer.size(), "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ",
                utc.tm_year + 1900, utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min,
                utc.tm_sec, static_cast<int>(millis));
  return buffer.data();
}

bool is_reserved_key(std::string_view key) {
  return key == "ts" || key == "level" || key == "service" || key == "plugin" || key == "msg" ||
         key == "fields" || key == "fields_raw";
}

std::string format_json_line(const LogRecord& record) {
  std::string line;
  line.reserve(128 + record.message.size());
  line += "{\"ts\":\"" + rfc3339_utc_millis(record.time) + "\"";
  line += ",\"level\":\"" + std::string(level_name(record.level)) + "\"";
  line += ",\"service\":" + json_string(record.service);
  line += ",\"plugin\":" + json_string(record.plugin);
  line += ",\"msg\":" + json_string(record.message);
  const SplitFields split = split_fields(record.fields);
  for (const auto& member : split.top_level.items()) {
    line += "," + json_string(member.key()) + ":" + json_text(member.value());
  }
  if (!split.nested.is_null()) line += ",\"fields\":" + json_text(split.nested);
  if (!record.fields_raw.empty()) line += ",\"fields_raw\":" + json_string(record.fields_raw);
  line += "}";
  return line;
}

std::string format_text_line(const LogRecord& record) {
  std::string level(level_name(record.level));
  for (char& c : level) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  level.resize(5, ' ');
  std::string line = rfc3339_utc_millis(record.time) + " " + level + " " +
                     escape_controls(record.service) + "/" + escape_controls(record.plugin) + ": " +
                     escape_controls(record.message);
  const SplitFields split = split_fields(record.fields);
  for (const auto& member : split.top_level.items()) {
    line += " " + escape_controls(member.key()) + "=" + escape_controls(text_value(member.value()));
  }
  if (!split.nested.is_null()) line += " fields=" + escape_controls(json_text(split.nested));
  if (!record.fields_raw.empty()) line += " fields_raw=" + json_string(record.fields_raw);
  return line;
}

}  // namespace agent_host::logging
