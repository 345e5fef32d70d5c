#include "settings.hpp"

#include <stdexcept>

#include "time_window.hpp"

namespace reporting {
namespace {

// Every key's default and limits live here; the host fills in the defaults
// before the plugin sees the section.
const char* const kSchema = R"({
  "type": "object",
  "additionalProperties": false,
  "properties": {
    "reports_dir": {"type": "string", "default": "",
      "description": "Folder for report files; empty = <data_dir>/reports"},
    "templates_dir": {"type": "string", "default": "",
      "description": "Folder holding report.md.mustache and report.html.mustache; empty = built-in"},
    "time_zone": {"type": "string", "format": "time-zone", "default": "UTC",
      "description": "IANA zone for report periods and schedules"},
    "formats": {"type": "array", "default": ["markdown", "html", "json", "csv"],
      "minItems": 1, "uniqueItems": true,
      "description": "Formats each report is stored in, each listed once",
      "items": {"type": "string", "enum": ["markdown", "html", "json", "csv"]}},
    "retention_days": {"type": "integer", "minimum": 1, "maximum": 3650, "default": 30,
      "description": "Days a stored report is kept before the retention job deletes it"},
    "retention_schedule": {"type": "string", "format": "cron", "default": "15 * * * *",
      "description": "When the retention job runs, in time_zone"},
    "schedules": {"type": "object", "additionalProperties": false, "default": {},
      "description": "When the periodic reports are generated, in time_zone",
      "properties": {
        "daily": {"type": "string", "format": "cron", "default": "0 9 * * *",
          "description": "When the report of the previous day is generated"},
        "weekly": {"type": "string", "format": "cron", "default": "0 9 * * 1",
          "description": "When the report of the previous ISO week is generated"}}},
    "trend_periods": {"type": "integer", "minimum": 2, "maximum": 12, "default": 4,
      "description": "Periods the trend of a report covers, its own included"},
    "list_limit": {"type": "integer", "minimum": 1, "maximum": 200, "default": 20,
      "description": "Most items a report lists per section (blocked, overdue, ...), fetched from the peers"},
    "peer_timeout_ms": {"type": "integer", "minimum": 100, "maximum": 600000, "default": 10000,
      "description": "How long one call to the task-manager or workflow agent may take"},
    "peer_retries": {"type": "integer", "minimum": 0, "maximum": 10, "default": 2,
      "description": "Further attempts after a failed peer call"},
    "peer_retry_backoff_ms": {"type": "integer", "minimum": 0, "maximum": 60000, "default": 250,
      "description": "Wait before the first retry of a peer call; doubles on each further one"},
    "summary": {"type": "object", "additionalProperties": false, "default": {},
      "description": "The LLM-written summary of each report",
      "properties": {
        "enabled": {"type": "boolean", "default": true,
          "description": "Ask the host's LLM for a summary; false = reports have none"},
        "model": {"type": "string", "default": "",
          "description": "Model to ask; empty = the host's configured model"},
        "num_ctx": {"type": "integer", "minimum": 512, "maximum": 262144, "default": 8192,
          "description": "Context window (tokens) requested from the model"},
        "timeout_ms": {"type": "integer", "minimum": 1000, "maximum": 900000, "default": 120000,
          "description": "How long the model may take to write the summary"}}}
  }
})";

}  // namespace

const char* config_schema_text() {
  return kSchema;
}

Settings read_settings(const nlohmann::json& config, const std::filesystem::path& data_dir) {
  Settings s;
  const std::string reports_dir = config.at("reports_dir").get<std::string>();
  s.reports_dir = reports_dir.empty() ? data_dir / "reports" : std::filesystem::path(reports_dir);
  s.templates_dir = config.at("templates_dir").get<std::string>();
  s.time_zone = config.at("time_zone").get<std::string>();
  try {
    check_time_zone(s.time_zone);
  } catch (const std::invalid_argument& e) {
    throw std::invalid_argument(std::string("config key time_zone: ") + e.what());
  }
  s.formats = config.at("formats").get<std::vector<std::string>>();  // one at least, each once
  s.retention_days = config.at("retention_days").get<int>();
  s.retention_schedule = config.at("retention_schedule").get<std::string>();
  s.daily_schedule = config.at("schedules").at("daily").get<std::string>();
  s.weekly_schedule = config.at("schedules").at("weekly").get<std::string>();
  s.trend_periods = config.at("trend_periods").get<int>();
  s.list_limit = config.at("list_limit").get<int>();
  s.peer_timeout_ms = config.at("peer_timeout_ms").get<int>();
  s.peer_retries = config.at("peer_retries").get<int>();
  s.peer_retry_backoff_ms = config.at("peer_retry_backoff_ms").get<int>();
  const auto& summary = config.at("summary");
  s.summary.enabled = summary.at("enabled").get<bool>();
  s.summary.model = summary.at("model").get<std::string>();
  s.summary.num_ctx = summary.at("num_ctx").get<int>();
  s.summary.timeout_ms = summary.at("timeout_ms").get<int>();
  return s;
}

}  // namespace reporting
