#pragma once

#include <chrono>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include <agent_host/abi.h>

namespace agent_host::logging {

// One log record before it is written, already redacted.
struct LogRecord {
  std::chrono::system_clock::time_point time;
  ah_log_level level = AH_LOG_INFO;
  std::string_view service;
  std::string_view plugin;
  std::string_view message;
  nlohmann::json fields;   // object (merged at top level), other JSON (under "fields") or null
  std::string fields_raw;  // text that was not JSON; written under "fields_raw" when not empty
};

// "2026-11-23T14:03:07.123Z"
std::string rfc3339_utc_millis(std::chrono::system_clock::time_point time);

// True for the keys every line carries; a field so named goes under "fields".
bool is_reserved_key(std::string_view key);

// {"ts":...,"level":...,"service":...,"plugin":...,"msg":...,<fields>} without
// a newline. Invalid UTF-8 is replaced, never thrown on.
std::string format_json_line(const LogRecord& record);

// "2026-11-23T14:03:07.123Z INFO  service/plugin: message key=value ..." on
// one line: control characters are escaped.
std::string format_text_line(const LogRecord& record);

}  // namespace agent_host::logging
