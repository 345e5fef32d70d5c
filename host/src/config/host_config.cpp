#include "config/host_config.hpp"

#include <fstream>
#include <sstream>

#include "config/schema_validator.hpp"
#include "config/yaml_to_json.hpp"
#include "files/regular_file.hpp"
#include "text/plugin_name.hpp"

namespace agent_host::config {
namespace {

const SchemaValidator& host_validator() {
  static const SchemaValidator validator(host_config_schema());
  return validator;
}

// JSON Schema draft 7 could say this with propertyNames; the subset we rely on
// cannot, so map keys that name plugins are checked here.
void check_plugin_names(const nlohmann::json& document, const char* map_key,
                        std::vector<Problem>& problems) {
  const auto map = document.find(map_key);
  if (map == document.end() || !map->is_object()) return;
  for (const auto& member : map->items()) {
    const std::string problem = text::plugin_name_problem(member.key());
    if (!problem.empty()) {
      problems.push_back({std::string(map_key) + "." + member.key(),
                          "is not a valid plugin name: " + problem,
                          "plugin names use lower-case letters, digits and dashes, starting "
                          "with a letter, at most 63 characters, e.g. task-manager"});
    }
  }
}

HostConfig to_host_config(const nlohmann::json& doc) {
  HostConfig config;
  config.service = doc.at("service").get<std::string>();

  const nlohmann::json& http = doc.at("http");
  config.http.address = http.at("address").get<std::string>();
  config.http.port = http.at("port").get<int>();
  config.http.threads = http.at("threads").get<int>();
  config.http.handler_threads = http.at("handler_threads").get<int>();
  config.http.max_request_bytes = http.at("max_request_bytes").get<std::int64_t>();
  config.http.max_header_bytes = http.at("max_header_bytes").get<int>();
  config.http.header_timeout_ms = http.at("header_timeout_ms").get<int>();
  config.http.request_timeout_ms = http.at("request_timeout_ms").get<int>();
  config.http.idle_timeout_ms = http.at("idle_timeout_ms").get<int>();
  config.http.max_connections = http.at("max_connections").get<int>();
  config.http.drain_timeout_ms = http.at("drain_timeout_ms").get<int>();
  config.http.public_url = http.at("public_url").get<std::string>();

  const nlohmann::json& metrics = doc.at("metrics");
  config.metrics.address = metrics.at("address").get<std::string>();
  config.metrics.port = metrics.at("port").get<int>();

  const nlohmann::json& log = doc.at("log");
  config.log.level = log.at("level").get<std::string>();
  config.log.format = log.at("format").get<std::string>();
  config.log.file.path = log.at("file").at("path").get<std::string>();
  config.log.file.retention_days = log.at("file").at("retention_days").get<int>();
  config.log.file.max_size_mb = log.at("file").at("max_size_mb").get<int>();

  config.auth.api_keys_file = doc.at("auth").at("api_keys_file").get<std::string>();
  config.secrets_dir = doc.at("secrets_dir").get<std::string>();

  const nlohmann::json& storage = doc.at("storage");
  config.storage.backend = storage.at("backend").get<std::string>();
  config.storage.data_dir = storage.at("data_dir").get<std::string>();
  config.storage.synchronous = storage.at("synchronous").get<std::string>();
  const nlohmann::json& postgres = storage.at("postgres");
  config.storage.postgres.url = postgres.at("url").get<std::string>();
  config.storage.postgres.secret = postgres.at("secret").get<std::string>();
  config.storage.postgres.database = postgres.at("database").get<std::string>();
  config.storage.postgres.pool_size = postgres.at("pool_size").get<int>();
  config.storage.postgres.connect_timeout_ms = postgres.at("connect_timeout_ms").get<int>();

  const nlohmann::json& scheduler = doc.at("scheduler");
  config.scheduler.enabled = scheduler.at("enabled").get<bool>();
  config.scheduler.time_zone = scheduler.at("time_zone").get<std::string>();
  config.scheduler.job_threads = scheduler.at("job_threads").get<int>();

  config.plugin_dirs = doc.at("plugin_dirs").get<std::vector<std::string>>();

  const nlohmann::json& llm = doc.at("llm");
  config.llm.url = llm.at("url").get<std::string>();
  config.llm.model = llm.at("model").get<std::string>();
  config.llm.secret = llm.at("secret").get<std::string>();
  config.llm.num_ctx = llm.at("num_ctx").get<int>();
  config.llm.timeout_ms = llm.at("timeout_ms").get<int>();

  config.peers = doc.at("peers").get<std::map<std::string, std::string>>();
  config.peer_timeout_ms = doc.at("peer_timeout_ms").get<int>();

  for (const auto& member : doc.at("plugins").items()) {
    const nlohmann::json& section = member.value();
    config.plugins.push_back({member.key(), section.at("enabled").get<bool>(),
                              section.at("prefix").get<std::string>(), section.at("config")});
  }
  config.raw = doc;
  return config;
}

}  // namespace

std::vector<Problem> check_host_config(nlohmann::json& document) {
  if (!document.is_object()) {
    return {{"",
             "the file must be a YAML mapping of keys, got " +
                 std::string(document.is_null() ? "an empty document" : document.type_name()),
             "start from configs/all-in-one.yaml; at least `service:` and `plugins:` are needed"}};
  }
  apply_defaults(host_config_schema(), document);
  std::vector<Problem> problems = host_validator().validate(document);
  check_plugin_names(document, "plugins", problems);
  check_plugin_names(document, "peers", problems);
  return problems;
}

HostConfig parse_host_config(const nlohmann::json& document, const std::string& file_for_messages) {
  nlohmann::json filled = document;
  const std::vector<Problem> problems = check_host_config(filled);
  if (!problems.empty()) throw ConfigError(format_problems(problems, file_for_messages));
  return to_host_config(filled);
}

HostConfig load_host_config(const std::filesystem::path& file) {
  const std::string name = file.string();
  std::error_code ignored;
  if (!std::filesystem::exists(file, ignored)) {
    throw ConfigError(name + ": config file not found (pass the right one with --config FILE)");
  }
  if (std::filesystem::is_directory(file, ignored)) {
    throw ConfigError(name + ": is a directory, not a config file (pass --config FILE)");
  }
  std::string text;
  try {
    text = files::read_regular_file(file, kMaxConfigBytes);
  } catch (const files::FileError& e) {
    throw ConfigError(std::string(e.what()) + " (pass a YAML config file with --config FILE)");
  }
  return parse_host_config(yaml_to_json(text, name), name);
}

}  // namespace agent_host::config
