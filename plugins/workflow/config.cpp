#include "config.hpp"

namespace workflow {

const char* const kConfigSchema = R"json({
  "type": "object",
  "additionalProperties": false,
  "properties": {
    "workers": {"type": "integer", "minimum": 1, "maximum": 64, "default": 4,
      "description": "threads running steps in this process (restart to change)"},
    "definitions_dir": {"type": "string", "default": "configs/workflows",
      "description": "folder of workflow templates (*.yaml, *.json) loaded at start"},
    "webhook": {
      "type": "object", "additionalProperties": false, "default": {},
      "description": "signed webhook triggers (POST /hooks/{name})",
      "properties": {
        "secret": {"type": "string", "default": "api-keys/webhook-secret",
          "description": "mounted secret <secret>/<key> with the HMAC key of triggers that name none; missing = webhooks answer 503"},
        "replay_window_s": {"type": "integer", "minimum": 1, "maximum": 86400, "default": 300,
          "description": "accepted age of X-Timestamp in seconds; a signature is remembered twice as long"}
      }
    },
    "idempotency_ttl_s": {"type": "integer", "minimum": 60, "maximum": 2592000, "default": 86400,
      "description": "how long an Idempotency-Key of a run start is remembered"},
    "redis": {
      "type": "object", "additionalProperties": false, "default": {},
      "description": "shared state and run queue of every replica; restart to change",
      "properties": {
        "url": {"type": "string", "format": "uri", "default": "",
          "description": "redis://[[user]:password@]host[:port][/db]; empty = no Redis (SQL store, in-process queue, one replica)"},
        "password_secret": {"type": "string", "format": "secret", "default": "",
          "pattern": "^$|^[A-Za-z0-9][A-Za-z0-9._-]*/[A-Za-z0-9][A-Za-z0-9._-]*$",
          "description": "mounted secret <secret>/<key> holding the password Redis requires (requirepass), sent with AUTH on every connection, e.g. redis-secret/password; empty = the password of the url, if any"},
        "stream": {"type": "string", "default": "workflow:runs",
          "description": "the Redis Stream runs are queued on"},
        "group": {"type": "string", "default": "workflow-workers",
          "description": "consumer group every replica reads the stream through"},
        "key_prefix": {"type": "string", "default": "workflow",
          "description": "prefix of every other key (runs, definitions, locks)"},
        "claim_idle_ms": {"type": "integer", "minimum": 100, "maximum": 86400000, "default": 30000,
          "description": "a delivery idle this long (its replica died) is taken over by another"},
        "connect_timeout_ms": {"type": "integer", "minimum": 10, "maximum": 60000, "default": 2000,
          "description": "connect timeout; commands wait at least 1 s"}
      }
    }
  }
})json";

// The host has filled every default of kConfigSchema, so each key is there.
PluginConfig PluginConfig::from_json(const nlohmann::json& c) {
  PluginConfig out;
  out.workers = c.at("workers").get<int>();
  out.definitions_dir = c.at("definitions_dir").get<std::string>();
  const auto& webhook = c.at("webhook");
  out.webhook_secret = webhook.at("secret").get<std::string>();
  out.replay_window_s = webhook.at("replay_window_s").get<int64_t>();
  out.idempotency_ttl_s = c.at("idempotency_ttl_s").get<int64_t>();
  const auto& redis = c.at("redis");
  out.redis.url = redis.at("url").get<std::string>();
  out.redis.password_secret = redis.at("password_secret").get<std::string>();
  out.redis.stream = redis.at("stream").get<std::string>();
  out.redis.group = redis.at("group").get<std::string>();
  out.redis.key_prefix = redis.at("key_prefix").get<std::string>();
  out.redis.claim_idle_ms = redis.at("claim_idle_ms").get<int64_t>();
  out.redis.connect_timeout_ms = redis.at("connect_timeout_ms").get<int64_t>();
  return out;
}

}  // namespace workflow
