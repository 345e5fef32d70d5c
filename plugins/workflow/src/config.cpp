#include "config.hpp"

namespace workflow {

const char* const kConfigSchema = R"({
  "type": "object",
  "additionalProperties": false,
  "properties": {
    "workers": {"type": "integer", "minimum": 1, "maximum": 64, "default": 4},
    "definitions_dir": {"type": "string", "default": "configs/workflows"},
    "webhook": {
      "type": "object", "additionalProperties": false, "default": {},
      "properties": {
        "secret": {"type": "string", "default": "api-keys/webhook-secret"},
        "replay_window_s": {"type": "integer", "minimum": 1, "maximum": 86400, "default": 300}
      }
    },
    "idempotency_ttl_s": {"type": "integer", "minimum": 60, "maximum": 2592000, "default": 86400},
    "redis": {
      "type": "object", "additionalProperties": false, "default": {},
      "properties": {
        "url": {"type": "string", "format": "uri", "default": ""},
        "stream": {"type": "string", "default": "workflow:runs"},
        "group": {"type": "string", "default": "workflow-workers"},
        "key_prefix": {"type": "string", "default": "workflow"},
        "claim_idle_ms": {"type": "integer", "minimum": 100, "maximum": 86400000, "default": 30000},
        "connect_timeout_ms": {"type": "integer", "minimum": 10, "maximum": 60000, "default": 2000}
      }
    }
  }
})";

PluginConfig PluginConfig::from_json(const nlohmann::json& c) {
  PluginConfig out;
  out.workers = c.value("workers", out.workers);
  out.definitions_dir = c.value("definitions_dir", out.definitions_dir);
  const auto webhook = c.value("webhook", nlohmann::json::object());
  out.webhook_secret = webhook.value("secret", out.webhook_secret);
  out.replay_window_s = webhook.value("replay_window_s", out.replay_window_s);
  out.idempotency_ttl_s = c.value("idempotency_ttl_s", out.idempotency_ttl_s);
  const auto redis = c.value("redis", nlohmann::json::object());
  out.redis.url = redis.value("url", out.redis.url);
  out.redis.stream = redis.value("stream", out.redis.stream);
  out.redis.group = redis.value("group", out.redis.group);
  out.redis.key_prefix = redis.value("key_prefix", out.redis.key_prefix);
  out.redis.claim_idle_ms = redis.value("claim_idle_ms", out.redis.claim_idle_ms);
  out.redis.connect_timeout_ms = redis.value("connect_timeout_ms", out.redis.connect_timeout_ms);
  return out;
}

}  // namespace workflow
