#include "config/host_config.hpp"

namespace agent_host::config {
namespace {

// The one description of the host's config file: validation, defaults,
// `check-config` and the docs all read it. Every key but `service` and
// `plugins` has a default.
constexpr const char* kHostConfigSchema = R"json({
  "$schema": "http://json-schema.org/draft-07/schema#",
  "title": "agent-host configuration",
  "type": "object",
  "additionalProperties": false,
  "required": ["service", "plugins"],
  "properties": {
    "service": {
      "type": "string", "pattern": "^[a-z][a-z0-9-]*$", "maxLength": 63,
      "description": "name of this deployment, e.g. task-manager: lower-case letters, digits and dashes, starting with a letter"
    },
    "http": {
      "type": "object", "additionalProperties": false, "default": {},
      "description": "the HTTP server that serves the plugins' routes",
      "properties": {
        "address": {"type": "string", "minLength": 1, "default": "0.0.0.0", "description": "address to listen on"},
        "port": {"type": "integer", "minimum": 0, "maximum": 65535, "default": 8080, "description": "TCP port, 1..65535, or 0 to pick a free port"},
        "threads": {"type": "integer", "minimum": 0, "maximum": 1024, "default": 2, "description": "network threads (read requests, write answers); 0 = number of cores"},
        "handler_threads": {"type": "integer", "minimum": 0, "maximum": 1024, "default": 16, "description": "most threads running plugin handlers that may wait (writes, agent calls, LLM), started as needed; 0 = run every handler on the network threads"},
        "max_request_bytes": {"type": "integer", "minimum": 1024, "maximum": 1073741824, "default": 1048576, "description": "largest request body in bytes (declared or chunked); larger ones get a JSON 413 before the body is read, and the connection closes"},
        "max_header_bytes": {"type": "integer", "minimum": 1024, "maximum": 1048576, "default": 16384, "description": "largest request line plus headers in bytes; larger heads get a JSON 431 and the connection closes"},
        "header_timeout_ms": {"type": "integer", "minimum": 1, "default": 60000, "description": "time a client has to send a request's line and headers, in milliseconds (nginx client_header_timeout); then a JSON 408 and close"},
        "request_timeout_ms": {"type": "integer", "minimum": 1, "default": 30000, "description": "time a client has to send a request's body once its headers are in, in milliseconds; then a JSON 408 and close"},
        "idle_timeout_ms": {"type": "integer", "minimum": 1, "default": 75000, "description": "how long a kept-alive connection may wait for its next request, in milliseconds (nginx keepalive_timeout)"},
        "max_connections": {"type": "integer", "minimum": 1, "maximum": 1048576, "default": 1024, "description": "most client connections open at once; more are answered 503 and closed, with a warning in the log (nginx: 512 worker_connections per worker, 2 workers)"},
        "drain_timeout_ms": {"type": "integer", "minimum": 0, "default": 10000, "description": "grace for in-flight requests on SIGTERM, in milliseconds; a handler still running 2 s after it is abandoned and the host exits with code 4"},
        "public_url": {"type": "string", "pattern": "^$|^https?://", "default": "", "description": "optional external base URL (http:// or https://) used in printed URLs"}
      }
    },
    "metrics": {
      "type": "object", "additionalProperties": false, "default": {},
      "description": "the Prometheus /metrics endpoint",
      "properties": {
        "address": {"type": "string", "minLength": 1, "default": "0.0.0.0", "description": "address to listen on"},
        "port": {"type": "integer", "minimum": 0, "maximum": 65535, "default": 9090, "description": "TCP port, 1..65535, or 0 to pick a free port"}
      }
    },
    "log": {
      "type": "object", "additionalProperties": false, "default": {},
      "properties": {
        "level": {"enum": ["trace", "debug", "info", "warn", "error"], "default": "info", "description": "lowest level written; the environment variable AGENT_HOST_LOG_LEVEL overrides it"},
        "format": {"enum": ["json", "text"], "default": "json", "description": "json: one JSON object per line; text: for humans"},
        "file": {
          "type": "object", "additionalProperties": false, "default": {},
          "description": "optional daily-rotated log file in addition to stdout",
          "properties": {
            "path": {"type": "string", "default": "", "description": "log file path; empty = stdout only"},
            "retention_days": {"type": "integer", "minimum": 1, "maximum": 3650, "default": 7, "description": "rotated files older than this many days are deleted"},
            "max_size_mb": {"type": "integer", "minimum": 1, "maximum": 102400, "default": 100, "description": "a file is rotated early when it grows past this size in MiB"}
          }
        }
      }
    },
    "auth": {
      "type": "object", "additionalProperties": false, "default": {},
      "properties": {
        "api_keys_file": {"type": "string", "default": "", "description": "file with one API key per line (# comments and blank lines ignored); empty = no authentication"}
      }
    },
    "secrets_dir": {"type": "string", "minLength": 1, "default": "/etc/agent-host/secrets", "description": "directory where secrets are mounted as <secret>/<key> files"},
    "storage": {
      "type": "object", "additionalProperties": false, "default": {},
      "properties": {
        "backend": {"enum": ["sqlite", "postgres"], "default": "sqlite", "description": "sqlite: one file per plugin in data_dir, for one replica (the embedded default); postgres: one schema per plugin in a PostgreSQL database shared by every replica"},
        "data_dir": {"type": "string", "minLength": 1, "default": "./data", "description": "sqlite: directory for the plugins' database files"},
        "synchronous": {"enum": ["normal", "full"], "default": "normal", "description": "sqlite: synchronous mode, normal (survives a killed process) or full (also an OS crash or power loss)"},
        "postgres": {
          "type": "object", "additionalProperties": false, "default": {},
          "description": "postgres: where the database is; the password is never written here",
          "properties": {
            "url": {"type": "string", "pattern": "^$|^postgres(ql)?://", "default": "", "description": "libpq URI without a password, e.g. postgresql://agent@db:5432/agent_host; empty = host, username, port and database from the secret"},
            "secret": {"type": "string", "pattern": "^[A-Za-z0-9][A-Za-z0-9._-]*$", "default": "db-secret", "description": "mounted secret (<secrets_dir>/<secret>/) with keys host, username, password and optionally port and database; with a url only its password is read"},
            "database": {"type": "string", "minLength": 1, "default": "agent_host", "description": "database name when neither the url nor the secret names one"},
            "pool_size": {"type": "integer", "minimum": 1, "maximum": 64, "default": 4, "description": "connections per plugin for single statements; one more carries its batched transactions"},
            "connect_timeout_ms": {"type": "integer", "minimum": 1000, "maximum": 60000, "default": 5000, "description": "time allowed to connect, in milliseconds (libpq counts whole seconds, at least 2)"}
          }
        }
      }
    },
    "scheduler": {
      "type": "object", "additionalProperties": false, "default": {},
      "properties": {
        "enabled": {"type": "boolean", "default": true, "description": "false: cron jobs never fire in-process (Kubernetes CronJobs call the endpoints instead)"},
        "time_zone": {"type": "string", "minLength": 1, "default": "UTC", "description": "IANA time zone for cron expressions, e.g. Europe/Berlin"},
        "job_threads": {"type": "integer", "minimum": 1, "maximum": 256, "default": 2, "description": "threads that run scheduled jobs"}
      }
    },
    "plugin_dirs": {
      "type": "array", "items": {"type": "string", "minLength": 1}, "default": [],
      "description": "directories searched for plugin libraries; empty = next to the agent-host binary, then /usr/lib/agent-host/plugins"
    },
    "llm": {
      "type": "object", "additionalProperties": false, "default": {},
      "properties": {
        "url": {"type": "string", "pattern": "^$|^https?://", "default": "", "description": "Ollama base URL (http:// or https://); empty = read <secrets_dir>/<secret>/url if present"},
        "model": {"type": "string", "default": "", "description": "model name; empty = <secrets_dir>/<secret>/model, else llama3.2"},
        "secret": {"type": "string", "pattern": "^[A-Za-z0-9][A-Za-z0-9._-]*$", "default": "llm-config", "description": "name of the mounted secret holding url and model"},
        "num_ctx": {"type": "integer", "minimum": 1, "default": 4096, "description": "context window in tokens"},
        "timeout_ms": {"type": "integer", "minimum": 1, "default": 120000, "description": "time allowed for one completion, in milliseconds"}
      }
    },
    "peers": {
      "type": "object", "default": {},
      "description": "plugin name to base URL of the pod that runs it, e.g. task-manager: http://task-manager.task-manager.svc:8080",
      "additionalProperties": {"type": "string", "pattern": "^https?://[^/\\s]+", "description": "an http:// or https:// base URL, e.g. http://task-manager.task-manager.svc:8080"}
    },
    "peer_timeout_ms": {"type": "integer", "minimum": 1, "default": 10000, "description": "default timeout of calls to peers, in milliseconds"},
    "plugins": {
      "type": "object", "minProperties": 1,
      "description": "plugin name to its section; enable at least one plugin, e.g. plugins: {task-manager: {}}",
      "additionalProperties": {
        "type": "object", "additionalProperties": false, "default": {},
        "properties": {
          "enabled": {"type": "boolean", "default": true, "description": "false keeps the plugin unloaded"},
          "prefix": {"type": "string", "pattern": "^$|^(/[A-Za-z0-9][A-Za-z0-9._~-]*)+$", "default": "", "description": "URL prefix of the plugin's routes, e.g. /task; empty = the plugin's own default"},
          "config": {"type": "object", "default": {}, "description": "the plugin's own settings, checked against the plugin's schema"}
        }
      }
    }
  }
})json";

}  // namespace

const nlohmann::json& host_config_schema() {
  static const nlohmann::json schema = nlohmann::json::parse(kHostConfigSchema);
  return schema;
}

}  // namespace agent_host::config
