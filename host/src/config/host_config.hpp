#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "config/config_error.hpp"
#include "config/problem.hpp"

namespace agent_host::config {

// The host's configuration file, typed. Field names match the YAML keys; the
// defaults below are the schema's (host_config_schema()). Values are kept as
// written: "0 = number of cores", "empty = built-in plugin dirs" and the LLM
// secret fallbacks are resolved by the components that use them.
struct HttpConfig {
  std::string address = "0.0.0.0";
  int port = 8080;           // 0 = pick a free port
  int threads = 2;           // 0 = number of cores
  int handler_threads = 16;  // 0 = handlers run on the network threads
  std::int64_t max_request_bytes = 1048576;
  int max_header_bytes = 16384;
  int header_timeout_ms = 60000;   // request line and headers
  int request_timeout_ms = 30000;  // the body, once the headers are in
  int idle_timeout_ms = 75000;     // a kept connection between requests
  int max_connections = 1024;
  int drain_timeout_ms = 10000;
  std::string public_url;
};

struct MetricsConfig {
  std::string address = "0.0.0.0";
  int port = 9090;  // 0 = pick a free port
};

struct LogFileConfig {
  std::string path;  // empty = stdout only
  int retention_days = 7;
  int max_size_mb = 100;
};

struct LogConfig {
  std::string level = "info";   // trace|debug|info|warn|error
  std::string format = "json";  // json|text
  LogFileConfig file;
};

struct AuthConfig {
  std::string api_keys_file;  // empty = no authentication
};

struct PostgresConfig {
  std::string url;  // empty = from the secret
  std::string secret = "db-secret";
  std::string database = "agent_host";
  int pool_size = 4;
  int connect_timeout_ms = 5000;
};

struct StorageConfig {
  std::string backend = "sqlite";  // sqlite|postgres
  std::string data_dir = "./data";
  std::string synchronous = "normal";  // normal|full
  PostgresConfig postgres;
};

struct SchedulerConfig {
  bool enabled = true;
  std::string time_zone = "UTC";
  int job_threads = 2;
};

struct LlmConfig {
  std::string url;    // empty = <secrets_dir>/<secret>/url
  std::string model;  // empty = <secrets_dir>/<secret>/model, else "llama3.2"
  std::string secret = "llm-config";
  int num_ctx = 4096;
  int timeout_ms = 120000;
};

struct PluginSection {
  std::string name;
  bool enabled = true;
  std::string prefix;     // empty = the plugin's own default prefix
  nlohmann::json config;  // the plugin's own section, not yet checked against its schema
};

struct HostConfig {
  std::string service;
  HttpConfig http;
  MetricsConfig metrics;
  LogConfig log;
  AuthConfig auth;
  std::string secrets_dir = "/etc/agent-host/secrets";
  StorageConfig storage;
  SchedulerConfig scheduler;
  std::vector<std::string>
      plugin_dirs;  // empty = [binary's directory, /usr/lib/agent-host/plugins]
  LlmConfig llm;
  std::map<std::string, std::string> peers;  // plugin name → base URL
  int peer_timeout_ms = 10000;
  std::vector<PluginSection> plugins;  // sorted by name
  nlohmann::json raw;                  // the validated document with defaults filled in
};

// The JSON Schema of the config file (draft 7), for validation, docs and
// `check-config`.
const nlohmann::json& host_config_schema();

// Validates `document` (already parsed from YAML), fills defaults and returns
// the typed config. Throws ConfigError listing every problem, one per line, as
// "<file_for_messages>: <key.path>: <message> (<suggestion>)".
HostConfig parse_host_config(const nlohmann::json& document, const std::string& file_for_messages);

// The largest config file read; a real one is a few KiB.
constexpr std::size_t kMaxConfigBytes = 4 << 20;

// Reads, parses and validates the YAML file. Throws ConfigError for a missing
// or unreadable file, a YAML syntax error (with line and column) or any
// schema problem.
HostConfig load_host_config(const std::filesystem::path& file);

// The problems of `document` without throwing (what `check-config` prints);
// defaults are filled into `document` first.
std::vector<Problem> check_host_config(nlohmann::json& document);

}  // namespace agent_host::config
