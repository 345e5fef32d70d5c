#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include <agent_host/abi.h>

namespace agent_host::logging {

struct LogOptions {
  std::string service;
  std::string level = "info";   // trace|debug|info|warn|error; AGENT_HOST_LOG_LEVEL overrides
  std::string format = "json";  // json|text
  std::string file_path;        // empty = stdout only; else daily-rotated files next to it
  int retention_days = 7;
  int max_size_mb = 100;
};

// The process-wide logger: one JSON object (or text line) per record on
// stdout, plus an optional file. Thread-safe; a line is built without any
// lock and each output takes only its own lock for the write. Usable before
// configure() (service "", level info, JSON, stdout only).
class Logging {
 public:
  // Applies new options; may be called again at runtime (reload). Throws
  // std::invalid_argument for an unknown level or format and
  // std::runtime_error when the log file cannot be opened; the previous
  // configuration then stays in force.
  static void configure(const LogOptions& options);

  // One record. `fields_json` is a JSON object whose members become fields of
  // the line; empty means none, other JSON goes under "fields", text that is
  // not JSON goes under "fields_raw".
  static void log(ah_log_level level, std::string_view plugin, std::string_view message,
                  std::string_view fields_json);
  // The same with fields already as JSON (what log_info() and friends use).
  static void log_fields(ah_log_level level, std::string_view plugin, std::string_view message,
                         const nlohmann::json& fields);

  static bool enabled(ah_log_level level);

  // From now on every occurrence of `value` in a message or field is written
  // as "[REDACTED]". Values shorter than 4 characters are ignored.
  static void add_secret(std::string value);
  // `text` with every secret added so far written as "[REDACTED]": for text
  // that leaves the process other than through the log (errors handed to a
  // plugin, which may show or store them).
  static std::string redact(std::string text);

  static void flush();
};

void log_trace(std::string_view plugin, std::string_view message,
               const nlohmann::json& fields = nullptr);
void log_debug(std::string_view plugin, std::string_view message,
               const nlohmann::json& fields = nullptr);
void log_info(std::string_view plugin, std::string_view message,
              const nlohmann::json& fields = nullptr);
void log_warn(std::string_view plugin, std::string_view message,
              const nlohmann::json& fields = nullptr);
void log_error(std::string_view plugin, std::string_view message,
               const nlohmann::json& fields = nullptr);

}  // namespace agent_host::logging
