// The plugin's config section (schema in config.cpp, validated by the host).
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

namespace workflow {

struct RedisConfig {
  std::string url;  // empty = no Redis: SQL store and in-process queue
  // "<secret>/<key>" of the mounted secret holding Redis's password (AUTH on
  // every connection); empty = the password in the URL, if any.
  std::string password_secret;
  std::string stream = "workflow:runs";
  std::string group = "workflow-workers";
  std::string key_prefix = "workflow";
  int64_t claim_idle_ms = 30000;
  int64_t connect_timeout_ms = 2000;
};

struct PluginConfig {
  int workers = 4;
  std::string definitions_dir = "configs/workflows";
  std::string webhook_secret = "api-keys/webhook-secret";
  int64_t replay_window_s = 300;
  int64_t idempotency_ttl_s = 86400;
  RedisConfig redis;

  static PluginConfig from_json(const nlohmann::json& config);
};

// JSON Schema of the section, with every default.
extern const char* const kConfigSchema;

}  // namespace workflow
