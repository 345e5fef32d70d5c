// The plugin's config section: its JSON Schema (the single source of the
// defaults) and the typed settings read from it.
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace reporting {

// Defaults and limits of every member: the schema in settings.cpp.
struct SummarySettings {
  bool enabled = false;
  std::string model;  // empty = the host's configured model
  int num_ctx = 0;
  int timeout_ms = 0;
};

struct Settings {
  std::filesystem::path reports_dir;
  std::filesystem::path templates_dir;  // empty = the built-in templates
  std::string time_zone;
  std::vector<std::string> formats;
  int retention_days = 0;
  std::string retention_schedule;
  std::string daily_schedule;
  std::string weekly_schedule;
  int trend_periods = 0;
  int list_limit = 0;
  int peer_timeout_ms = 0;
  int peer_retries = 0;
  int peer_retry_backoff_ms = 0;
  SummarySettings summary;
};

// The JSON Schema text declared in the plugin descriptor.
const char* config_schema_text();

// Reads a section the host has validated and filled with the schema's defaults.
// `data_dir` is the host's data folder (reports go to <data_dir>/reports by
// default). Throws std::invalid_argument naming the key for values the schema
// cannot check (unknown time zone, duplicate formats).
Settings read_settings(const nlohmann::json& config, const std::filesystem::path& data_dir);

}  // namespace reporting
