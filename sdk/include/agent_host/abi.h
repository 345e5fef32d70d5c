/*
 * agent_host/abi.h — the whole contract between agent-host and a plugin.
 *
 * This header is plain C99 with no dependencies beyond <stddef.h> and <stdint.h>,
 * so a plugin may be written in C, or in C++ built by another compiler or with
 * another standard library. Everything a plugin and the host exchange is
 * declared here; `sdk.hpp` is only a convenience layer on top of it.
 *
 * Versioning
 *   AH_ABI_MAJOR changes when an existing entity changes meaning or layout; the
 *   host refuses a plugin of another major. AH_ABI_MINOR grows when entities
 *   are appended (new functions at the end of a table, new fields at the end of
 *   a struct); the host refuses a plugin built against a newer minor than its
 *   own, and accepts older ones. Every struct that may grow starts with a
 *   `struct_size` field so either side can tell which fields the other knows.
 *
 * Ownership rules (they hold for every function below unless it says otherwise)
 *   1. An `ah_str` passed as an argument is BORROWED: valid only until the call
 *      returns. Copy what you want to keep. Strings are not NUL-terminated.
 *   2. Results flow back through an `ah_sink` supplied by the caller: the callee
 *      appends bytes to it before returning, and the caller owns what it has
 *      collected. No memory allocated on one side is ever freed on the other.
 *   3. Opaque handles (`ah_host`, `ah_request_ctx`, `ah_metric`, ...) are owned
 *      by the host. Their lifetimes are stated where they are handed out.
 *   4. No exception, longjmp or C++ type crosses this boundary. Functions report
 *      failure with an `ah_status` and, when given one, a message in an error
 *      sink.
 *
 * Threading
 *   Route handlers run concurrently on the host's handler threads (or, for a
 *   route flagged AH_ROUTE_NON_BLOCKING, on the network thread that read the
 *   request); jobs run on the host's job threads; the bodies and `done`
 *   callbacks of sql_transaction_async run on the thread that commits the
 *   plugin's writes. Every host function in this header is thread-safe, and a
 *   deferred response (response_defer) may be finished from any thread. A
 *   plugin instance must tolerate concurrent handler calls.
 */
#ifndef AGENT_HOST_ABI_H
#define AGENT_HOST_ABI_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define AH_ABI_MAJOR 1
#define AH_ABI_MINOR 5

/* The one symbol a plugin exports. Its name never changes across majors, so a
 * host can always read the descriptor and explain a version mismatch. */
#define AH_PLUGIN_ENTRY_SYMBOL "agent_host_plugin_entry"

#if defined(_WIN32)
#define AH_EXPORT __declspec(dllexport)
#else
#define AH_EXPORT __attribute__((visibility("default")))
#endif

/* ------------------------------------------------------------------------ */
/* Basic types                                                              */
/* ------------------------------------------------------------------------ */

/* A borrowed byte string: `data` need not be NUL-terminated; `size` bytes. */
typedef struct ah_str {
  const char* data;
  size_t size;
} ah_str;

/* Where a callee writes a result. The callee may call `append` any number of
 * times (including zero) before it returns; the bytes are the concatenation.
 * `append` copies the bytes; the callee keeps ownership of what it passed. */
typedef struct ah_sink {
  void* state;
  void (*append)(void* state, const char* data, size_t size);
} ah_sink;

typedef enum ah_status {
  AH_OK = 0,
  AH_ERR_INVALID_ARGUMENT = 1, /* bad input from the caller; message says which */
  AH_ERR_NOT_FOUND = 2,        /* named thing (secret, peer, route) does not exist */
  AH_ERR_UNAVAILABLE = 3,      /* a dependency is down or unreachable; retry later */
  AH_ERR_TIMEOUT = 4,          /* the deadline passed before an answer */
  AH_ERR_CONFLICT = 5,         /* a constraint or concurrent change refused the write */
  AH_ERR_UNSUPPORTED = 6,      /* the host does not offer this here (e.g. disabled) */
  AH_ERR_INTERNAL = 7          /* anything else; message explains */
} ah_status;

typedef enum ah_log_level {
  AH_LOG_TRACE = 0,
  AH_LOG_DEBUG = 1,
  AH_LOG_INFO = 2,
  AH_LOG_WARN = 3,
  AH_LOG_ERROR = 4
} ah_log_level;

typedef enum ah_health_state {
  AH_HEALTH_OK = 0,       /* serving normally */
  AH_HEALTH_DEGRADED = 1, /* serving, but a dependency is impaired (still ready) */
  AH_HEALTH_FAILING = 2   /* cannot serve; the pod is reported not ready */
} ah_health_state;

typedef enum ah_metric_kind {
  AH_METRIC_COUNTER = 0,
  AH_METRIC_GAUGE = 1,
  AH_METRIC_HISTOGRAM = 2
} ah_metric_kind;

/* A name/value pair (HTTP headers, path and query parameters). */
typedef struct ah_pair {
  ah_str name;
  ah_str value;
} ah_pair;

/* Opaque handles, owned by the host. */
typedef struct ah_host ah_host;                       /* one per loaded plugin instance */
typedef struct ah_response ah_response;               /* the answer being built in a handler */
typedef struct ah_metric ah_metric;                   /* one labelled time series */
typedef struct ah_sql_tx ah_sql_tx;                   /* an open SQL transaction */
typedef struct ah_plugin_instance ah_plugin_instance; /* the plugin's own state */

/* ------------------------------------------------------------------------ */
/* HTTP: requests in, responses out                                         */
/* ------------------------------------------------------------------------ */

/* A request as the handler sees it. Every field is borrowed for the duration of
 * the handler call. `path` is the full path (with the plugin prefix), `route` is
 * the pattern the request matched, relative to the prefix (e.g. "/tasks/{id}").
 * Header names are lower-case. Query parameters are percent-decoded. */
typedef struct ah_request {
  uint32_t struct_size;
  ah_str method;
  ah_str path;
  ah_str route;
  ah_str query; /* raw query string without '?' */
  const ah_pair* headers;
  size_t header_count;
  const ah_pair* path_params;
  size_t path_param_count;
  const ah_pair* query_params;
  size_t query_param_count;
  ah_str body;
  ah_str request_id; /* also sent back as the X-Request-Id header */
  /* 1 when the request came from another plugin in this process (agent_call),
   * 0 when it came over the network. */
  int32_t in_process;
} ah_request;

/* A route handler. Fill `response` through the host's response functions.
 * Return AH_OK when a response was produced (any HTTP status, including 4xx).
 * Any other status makes the host answer 500 with a JSON body carrying the
 * request id and log the message written to `error`. */
typedef ah_status (*ah_route_handler)(void* user, const ah_request* request, ah_response* response,
                                      ah_sink* error);

/* Route flags (ah_route.flags, since ABI 1.1).
 *
 * AH_ROUTE_NON_BLOCKING: the handler never waits: no SQL writes or
 *   transactions, agent calls, outbound HTTP, LLM calls or sleeps; it only
 *   computes an answer from the request and memory. The host then runs it on
 *   the network thread that read the request, saving a thread hand-off.
 *   Without the flag (the default, and for plugins built against ABI 1.0) the
 *   handler runs on the host's handler pool (`http.handler_threads`), so a
 *   slow handler delays neither health probes nor other connections, and
 *   concurrent writes reach the store together (group commit). A handler
 *   flagged non-blocking that does wait stalls every connection of its
 *   network thread: flag only what is really cheap. */
#define AH_ROUTE_NON_BLOCKING 0x1u
/* AH_ROUTE_NO_API_KEY (since ABI 1.5): the host answers the route without
 *   asking for an API key even when auth.api_keys_file is set, and the
 *   route's OpenAPI operation says so (security: []). For what must load
 *   before a user can enter a key - a web page and its static assets - and
 *   never for a route that reads or changes data. A host before 1.5 ignores
 *   the bit and keeps asking for a key. */
#define AH_ROUTE_NO_API_KEY 0x2u

/* A route declaration. `path` is relative to the plugin's prefix and may hold
 * `{name}` segments that capture one path segment each. The descriptive fields
 * feed /openapi.json; the schemas are JSON Schema documents (may be empty). */
typedef struct ah_route {
  uint32_t struct_size;
  ah_str method; /* GET, POST, PUT, PATCH, DELETE */
  ah_str path;
  ah_str summary;
  ah_str request_schema_json;
  ah_str response_schema_json;
  ah_route_handler handler;
  void* user; /* passed back to `handler`; owned by the plugin */
  /* Since ABI 1.1: AH_ROUTE_* bits; a host reads 0 from a shorter struct. */
  uint32_t flags;
  /* Since ABI 1.4: the rest of the route's OpenAPI 3.1 Operation Object as a
   * JSON object (or empty): operationId, description, parameters (query,
   * header, path), requestBody (other content types), responses (every status
   * with its schema). The host merges it over what it derives from the
   * fields above: a parameter replaces the derived one of the same name and
   * `in`; `responses`, when given, replace the derived 200 (the host still
   * adds its own error answers). A host reads empty from a shorter struct.
   * docs/sdk-reference.md, "Describing a route", has the rules. */
  ah_str openapi_json;
} ah_route;

/* The result of an outbound call (agent_call, http_request). Borrowed for the
 * duration of the callback only. */
typedef struct ah_http_result {
  uint32_t struct_size;
  int32_t status; /* HTTP status */
  const ah_pair* headers;
  size_t header_count;
  ah_str body;
} ah_http_result;

typedef void (*ah_http_result_fn)(void* user, const ah_http_result* result);

/* An outbound request (agent_call, http_request). `url` is used by http_request
 * only; agent_call uses `agent` and `path` (relative to that agent's prefix). */
typedef struct ah_http_call {
  uint32_t struct_size;
  ah_str agent; /* target plugin name, e.g. "task-manager" (agent_call) */
  ah_str url;   /* absolute URL (http_request) */
  ah_str method;
  ah_str path; /* path below the agent's prefix plus optional ?query (agent_call) */
  const ah_pair* headers;
  size_t header_count;
  ah_str body;
  uint32_t timeout_ms; /* 0 = the host's default */
} ah_http_call;

/* ------------------------------------------------------------------------ */
/* Jobs                                                                     */
/* ------------------------------------------------------------------------ */

/* A scheduled job. Runs on a host job thread; a slow job delays only later
 * runs of itself (runs of one job never overlap). `fire_time_ms` is the
 * scheduled fire time in Unix milliseconds. Return AH_OK or an error; errors are
 * logged and counted. */
typedef ah_status (*ah_job_fn)(void* user, int64_t fire_time_ms, ah_sink* error);

/* A transaction body: run statements through `tx`, return AH_OK to commit or
 * anything else to roll back (the status is returned by sql_transaction). */
typedef ah_status (*ah_sql_tx_fn)(void* user, ah_sql_tx* tx, ah_sink* error);

/* Since ABI 1.2: called exactly once when a transaction queued with
 * sql_transaction_async has ended. `status` is AH_OK when it committed (it is
 * then durable), otherwise the body's status or the store's failure, with
 * `error` (borrowed for the call) saying why. Runs on the thread that led the
 * commit, usually the database's writer thread: it must not block (no SQL
 * waits, agent calls or sleeps), or every later transaction waits too. */
typedef void (*ah_sql_done_fn)(void* user, ah_status status, ah_str error);

/* ------------------------------------------------------------------------ */
/* Host services: everything the host offers a plugin                        */
/* ------------------------------------------------------------------------ */

/* The table of host functions. The host hands it to `create`; it stays valid
 * until after `destroy` returns. Every function takes the `ah_host*` the plugin
 * was created with. New functions are only ever appended. */
typedef struct ah_host_api {
  uint32_t abi_major;
  uint32_t abi_minor;
  uint32_t struct_size;

  /* --- identity ------------------------------------------------------- */
  /* Writes a JSON object describing where the plugin runs:
   * {"service","plugin","prefix","data_dir","instance","host_abi_minor"}. */
  void (*environment)(ah_host* host, ah_sink* out_json);

  /* --- routes --------------------------------------------------------- */
  /* Registers a route under the plugin's prefix. Call during create or start.
   * The host copies the strings. Fails with AH_ERR_CONFLICT when the same
   * method and path is already registered. */
  ah_status (*route_add)(ah_host* host, const ah_route* route, ah_sink* error);

  /* Build the response inside a handler. `response` is valid only during the
   * handler call. The host copies every string. A CR, LF or NUL inside a
   * header name or value is sent as a space (no response splitting). The host
   * alone writes Connection, Content-Length and Transfer-Encoding; such a
   * header set here is left out. */
  void (*response_set_status)(ah_response* response, int32_t status);
  void (*response_add_header)(ah_response* response, ah_str name, ah_str value);
  void (*response_set_body)(ah_response* response, ah_str body, ah_str content_type);

  /* --- logging -------------------------------------------------------- */
  /* One structured log line. `fields_json` is a JSON object (or empty) whose
   * members become fields of the line. Values read through secret_read are
   * redacted from every log line by the host. */
  void (*log)(ah_host* host, ah_log_level level, ah_str message, ah_str fields_json);
  /* Nonzero when `level` would be written (skip building expensive lines). */
  int32_t (*log_enabled)(ah_host* host, ah_log_level level);

  /* --- metrics -------------------------------------------------------- */
  /* Returns the series `name{labels}` of the given kind, creating it on first
   * use. The host prefixes `name` with `agent_<plugin>_` (dashes become
   * underscores). `labels_json` is a flat JSON object of string values (or
   * empty). `buckets` (histograms only; may be NULL for defaults) are upper
   * bounds in ascending order. The handle is valid until the plugin is
   * destroyed; calling again with the same arguments returns the same handle.
   * Returns NULL (and writes `error`) for an invalid name or a kind clash. */
  ah_metric* (*metric)(ah_host* host, ah_metric_kind kind, ah_str name, ah_str help,
                       ah_str labels_json, const double* buckets, size_t bucket_count,
                       ah_sink* error);
  /* Counter: add (value >= 0). Gauge: add (may be negative). */
  void (*metric_add)(ah_metric* metric, double value);
  /* Gauge: set. */
  void (*metric_set)(ah_metric* metric, double value);
  /* Histogram: observe one value. */
  void (*metric_observe)(ah_metric* metric, double value);

  /* --- storage -------------------------------------------------------- */
  /* Applies `migrations_json` (a JSON array of SQL strings, each one
   * migration, applied in order exactly once per database) to the plugin's
   * own database. Call in create. Fails naming the migration index. */
  ah_status (*sql_migrate)(ah_host* host, ah_str migrations_json, ah_sink* error);
  /* Runs one statement outside any explicit transaction (autocommit).
   * Parameters are `$1`, `$2`, ... bound from `params_json` (a JSON array of
   * null, bool, number or string). Rows are written to `rows_json` as a JSON
   * array of objects keyed by column name (`rows_json` may be NULL to discard
   * them). A unique or foreign key violation is AH_ERR_CONFLICT. */
  ah_status (*sql_query)(ah_host* host, ah_str sql, ah_str params_json, ah_sink* rows_json,
                         ah_sink* error);
  /* Runs `body` inside one transaction. The host may batch concurrent
   * transactions into one commit (group commit); each still commits or rolls
   * back on its own. When this returns AH_OK the transaction is durable.
   * `body` may run on another thread than the caller's and must not block on
   * other host calls except sql_tx_query. */
  ah_status (*sql_transaction)(ah_host* host, ah_sql_tx_fn body, void* user, ah_sink* error);
  /* A statement inside a transaction; same contract as sql_query. `tx` is
   * valid only while the body runs. With `rows_json` NULL the statement is a
   * write whose answer the body does not wait for: the host may send it with
   * a later statement or the COMMIT (PostgreSQL does; one round trip for
   * many writes), so its failure may be returned by a later call or only as
   * the transaction's outcome. Either way a failed write fails its body,
   * even if the body goes on and returns AH_OK. */
  ah_status (*sql_tx_query)(ah_sql_tx* tx, ah_str sql, ah_str params_json, ah_sink* rows_json,
                            ah_sink* error);

  /* --- scheduling ----------------------------------------------------- */
  /* Registers a recurring job with a 5-field cron expression (minute hour
   * day-of-month month day-of-week; lists, ranges, steps and names) in the IANA
   * time zone `time_zone` (empty = the host's configured zone). `name` is unique
   * per plugin and labels the job's metrics and logs. When the host's config
   * turns in-process scheduling off, this succeeds but the job never fires
   * (Kubernetes CronJobs call the plugin's endpoints instead). */
  ah_status (*schedule_cron)(ah_host* host, ah_str name, ah_str cron, ah_str time_zone,
                             ah_job_fn job, void* user, ah_sink* error);
  /* Runs `job` once after `delay_ms`. Always fires, scheduling switch or not. */
  ah_status (*schedule_once)(ah_host* host, ah_str name, uint64_t delay_ms, ah_job_fn job,
                             void* user, ah_sink* error);

  /* --- calls to other agents and the outside ------------------------------ */
  /* Calls a route of another agent. In-process when that plugin is loaded in
   * this host, otherwise HTTP to the peer URL configured under `peers.<agent>`.
   * On AH_OK `done` has been called exactly once (any HTTP status). Otherwise
   * no response was received: AH_ERR_NOT_FOUND (no such agent here and no
   * peer), AH_ERR_UNAVAILABLE (connection failed), AH_ERR_TIMEOUT. */
  ah_status (*agent_call)(ah_host* host, const ah_http_call* call, ah_http_result_fn done,
                          void* user, ah_sink* error);
  /* An outbound HTTP(S) request to `call->url`; same result contract. */
  ah_status (*http_request)(ah_host* host, const ah_http_call* call, ah_http_result_fn done,
                            void* user, ah_sink* error);

  /* --- secrets -------------------------------------------------------- */
  /* Reads a secret mounted as a file: `name` is "<secret>/<key>" below the
   * host's secrets directory (e.g. "llm-config/url"). The value (trailing
   * newline removed) goes to `value`. AH_ERR_NOT_FOUND when absent. The host
   * redacts the value from all logs from then on. */
  ah_status (*secret_read)(ah_host* host, ah_str name, ah_sink* value, ah_sink* error);

  /* --- LLM ------------------------------------------------------------ */
  /* Runs one completion on the configured LLM backend (Ollama /api/generate,
   * non-streaming). `request_json`: {"prompt", "model"?, "system"?,
   * "num_ctx"?, "timeout_ms"?, "options"?}. On AH_OK `response_json` gets
   * {"response","model","total_duration_ns","eval_count",...}. Not configured:
   * AH_ERR_UNSUPPORTED. Errors name the backend's own message. */
  ah_status (*llm_generate)(ah_host* host, ah_str request_json, ah_sink* response_json,
                            ah_sink* error);

  /* --- answering later (since ABI 1.2) -------------------------------- */
  /* A handler whose answer waits on the store need not hold a thread while it
   * waits: it defers the response, queues the write with
   * sql_transaction_async and returns; the transaction's `done` fills the
   * response and finishes it. Concurrent requests then share one commit
   * without a thread parked per request, and the handler may be flagged
   * AH_ROUTE_NON_BLOCKING.
   *
   * response_defer: call inside a route handler, at most once per request.
   * Returns a handle to the same response that stays valid, on any thread,
   * until it is passed to response_finish; fill it with the response_*
   * functions above. The handler then returns AH_OK and the host sends
   * nothing yet (a non-OK return after deferring is ignored: the plugin
   * still owes the finish). The handler's own `response` argument and the
   * request are not valid after the handler returns: copy what `done` needs.
   * Returns NULL when called twice or outside a handler.
   *
   * response_finish: sends a deferred response as filled, then frees the
   * handle. Call exactly once per handle, from any thread, without holding
   * locks the host might need (it may write to the network). A `status`
   * other than AH_OK discards what was filled and answers 500 with the
   * request id, logging `error`, as for a failed handler. The host stops only
   * after every deferred response has been finished; one never finished
   * keeps its client waiting until the client's own timeout. */
  ah_response* (*response_defer)(ah_response* response);
  void (*response_finish)(ah_response* deferred, ah_status status, ah_str error);

  /* Queues `body` as one transaction, like sql_transaction, and returns at
   * once; `done` (see ah_sql_done_fn) is then called exactly once with the
   * outcome. `body` runs on the host's writer thread, under the same rules as
   * a sql_transaction body; `body_user` and `done_user` must stay valid until
   * `done` returns. Returns AH_OK, and `done` is then called exactly once,
   * possibly before this returns (a store that is closing refuses at once
   * with AH_ERR_UNAVAILABLE). Returns AH_ERR_INVALID_ARGUMENT without calling
   * `done` when `body` or `done` is NULL. */
  ah_status (*sql_transaction_async)(ah_host* host, ah_sql_tx_fn body, void* body_user,
                                     ah_sql_done_fn done, void* done_user, ah_sink* error);

  /* --- reading documents (since ABI 1.3) ------------------------------ */
  /* Parses one YAML document the way the host reads its own config: YAML 1.2
   * core scalars (null, true/false, integers, floats; quoted text stays
   * text), duplicate keys refused, aliases expanded within a budget of about
   * 16 bytes of values per byte of text, at most 128 levels deep, UTF-8 only.
   * On AH_OK the document goes to `out_json` as JSON text. A document the
   * host refuses is AH_ERR_INVALID_ARGUMENT with a message that starts with
   * `origin:line:column:` and says what to change. */
  ah_status (*yaml_to_json)(ah_host* host, ah_str yaml, ah_str origin, ah_sink* out_json,
                            ah_sink* error);

  /* Checks a schedule the way schedule_cron would take it, without
   * scheduling anything: a cron expression that does not parse or never
   * fires (e.g. "0 0 30 2 *"), or an unknown IANA time zone, is
   * AH_ERR_INVALID_ARGUMENT with a message saying what to change. */
  ah_status (*cron_check)(ah_host* host, ah_str cron, ah_sink* error);
  ah_status (*time_zone_check)(ah_host* host, ah_str time_zone, ah_sink* error);

  /* --- storage engine (since ABI 1.4) --------------------------------- */
  /* Writes the SQL dialect of the plugin's database to `out`: "sqlite" (the
   * embedded default, one file per plugin) or "postgres" (one schema per
   * plugin in a PostgreSQL database shared by the plugin's replicas). Plugins
   * use it only to pick per-dialect migration text (triggers, identity
   * columns); statements themselves should be portable SQL. */
  ah_status (*sql_dialect)(ah_host* host, ah_sink* out);
} ah_host_api;

/* ------------------------------------------------------------------------ */
/* What a plugin exports                                                    */
/* ------------------------------------------------------------------------ */

/* The plugin descriptor. The first three fields keep this layout in every ABI
 * major, so any host can read them. Static storage: the host reads it while
 * the library is loaded and never frees it. */
typedef struct ah_plugin_descriptor {
  uint32_t abi_major;   /* AH_ABI_MAJOR the plugin was built with */
  uint32_t abi_minor;   /* AH_ABI_MINOR the plugin was built with */
  uint32_t struct_size; /* sizeof(ah_plugin_descriptor) */

  const char* name;           /* unique, [a-z][a-z0-9-]*, e.g. "task-manager" */
  const char* version;        /* the plugin's own version, e.g. "1.4.2" */
  const char* default_prefix; /* e.g. "/task"; the config may override it */
  const char* description;    /* one line for `agent-host plugins` and /docs */
  /* JSON Schema (draft 7 subset: type, properties, required, enum, items,
   * minimum, maximum, default, additionalProperties) of the plugin's config
   * section. The host validates the section before `create` and on reload. */
  const char* config_schema_json;

  /* Creates the instance. `config_json` is the plugin's validated section with
   * defaults filled in. Register routes, metrics, migrations and jobs here.
   * Return NULL and write `error` to refuse (the host names the plugin file). */
  ah_plugin_instance* (*create)(const ah_host_api* api, ah_host* host, ah_str config_json,
                                ah_sink* error);
  /* Begins serving: background work may start. Routes are live after this. */
  ah_status (*start)(ah_plugin_instance* self, ah_sink* error);
  /* Applies a new, already validated config section. Return an error to keep
   * the old one (the host then keeps the running config for every plugin). */
  ah_status (*reload)(ah_plugin_instance* self, ah_str config_json, ah_sink* error);
  /* Stops background work; called after HTTP traffic has drained. */
  void (*stop)(ah_plugin_instance* self);
  /* Frees the instance. No handler or job runs during or after this call. */
  void (*destroy)(ah_plugin_instance* self);
  /* Current health; may write a JSON object of details to `detail_json`. */
  ah_health_state (*health)(ah_plugin_instance* self, ah_sink* detail_json);
} ah_plugin_descriptor;

/* The entry point's type: returns the plugin's static descriptor. */
typedef const ah_plugin_descriptor* (*ah_plugin_entry_fn)(void);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* AGENT_HOST_ABI_H */
