#include "settings.hpp"

#include <set>
#include <stdexcept>

#include "time_window.hpp"

namespace reporting {
namespace {

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
      "items": {"type": "string", "enum": ["markdown", "html", "json", "csv"]}},
    "retention_days": {"type": "integer", "minimum": 1, "maximum": 3650, "default": 30},
    "retention_schedule": {"type": "string", "format": "cron", "default": "15 * * * *"},
    "schedules": {"type": "object", "additionalProperties": false, "default": {},
      "properties": {
        "daily": {"type": "string", "format": "cron", "default": "0 9 * * *"},
        "weekly": {"type": "string", "format": "cron", "default": "0 9 * * 1"}}},
    "trend_periods": {"type": "integer", "minimum": 2, "maximum": 12, "default": 4},
    "list_limit": {"type": "integer", "minimum": 1, "maximum": 200, "default": 20},
    "peer_timeout_ms": {"type": "integer", "minimum": 100, "maximum": 600000, "default": 10000},
    "peer_retries": {"type": "integer", "minimum": 0, "maximum": 10, "default": 2},
    "peer_retry_backoff_ms": {"type": "integer", "minimum": 0, "maximum": 60000, "default": 250},
    "summary": {"type": "object", "additionalProperties": false, "default": {},
      "properties": {
        "enabled": {"type": "boolean", "default": true},
        "model": {"type": "string", "default": ""},
        "num_ctx": {"type": "integer", "minimum": 512, "maximum": 262144, "default": 8192},
        "timeout_ms": {"type": "integer", "minimum": 1000, "maximum": 900000, "default": 120000}}}
  }
})";

// Fills absent members from the schema's defaults, recursing into objects, so
// the defaults are written down once (in the schema).
nlohmann::json with_defaults(const nlohmann::json& schema, nlohmann::json value) {
  if (!schema.contains("properties")) return value;
  if (!value.is_object()) value = nlohmann::json::object();
  for (const auto& [key, property] : schema["properties"].items()) {
    if (!value.contains(key) && property.contains("default")) value[key] = property["default"];
    if (property.value("type", "") == "object" && value.contains(key))
      value[key] = with_defaults(property, value[key]);
  }
  return value;
}

}  // namespace

const char* config_schema_text() {
  return kSchema;
}

Settings read_settings(const nlohmann::json& section, const std::filesystem::path& data_dir) {
  static const nlohmann::json schema = nlohmann::json::parse(kSchema);
  const nlohmann::json c = with_defaults(schema, section);
  Settings s;
  const std::string reports_dir = c["reports_dir"].get<std::string>();
  s.reports_dir = reports_dir.empty() ? data_dir / "reports" : std::filesystem::path(reports_dir);
  s.templates_dir = c["templates_dir"].get<std::string>();
  s.time_zone = c["time_zone"].get<std::string>();
  try {
    check_time_zone(s.time_zone);
  } catch (const std::invalid_argument& e) {
    throw std::invalid_argument(std::string("config key time_zone: ") + e.what());
  }
  s.formats = c["formats"].get<std::vector<std::string>>();
  if (s.formats.empty())
    throw std::invalid_argument(
        "config key formats: list at least one of markdown, html, json, csv");
  if (std::set<std::string>(s.formats.begin(), s.formats.end()).size() != s.formats.size())
    throw std::invalid_argument("config key formats: a format is listed twice; list each once");
  s.retention_days = c["retention_days"].get<int>();
  s.retention_schedule = c["retention_schedule"].get<std::string>();
  s.daily_schedule = c["schedules"]["daily"].get<std::string>();
  s.weekly_schedule = c["schedules"]["weekly"].get<std::string>();
  s.trend_periods = c["trend_periods"].get<int>();
  s.list_limit = c["list_limit"].get<int>();
  s.peer_timeout_ms = c["peer_timeout_ms"].get<int>();
  s.peer_retries = c["peer_retries"].get<int>();
  s.peer_retry_backoff_ms = c["peer_retry_backoff_ms"].get<int>();
  const auto& summary = c["summary"];
  s.summary.enabled = summary["enabled"].get<bool>();
  s.summary.model = summary["model"].get<std::string>();
  s.summary.num_ctx = summary["num_ctx"].get<int>();
  s.summary.timeout_ms = summary["timeout_ms"].get<int>();
  return s;
}

}  // namespace reporting
