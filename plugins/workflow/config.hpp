// The plugin's config section. Its defaults live only in the schema (config.cpp),
// which the host validates and fills in before from_json reads it.
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
  std::string stream;
  std::string group;
  std::string key_prefix;
  int64_t claim_idle_ms = 0;
  int64_t connect_timeout_ms = 0;
};

struct PluginConfig {
  int workers = 0;
  std::string definitions_dir;
  std::string webhook_secret;
  int64_t replay_window_s = 0;
  int64_t idempotency_ttl_s = 0;
  RedisConfig redis;

  static PluginConfig from_json(const nlohmann::json& config);
};

// JSON Schema of the section, with every default.
extern const char* const kConfigSchema;

}  // namespace workflow
