// agent_host/sdk.hpp — the idiomatic C++ layer over abi.h.
//
// A plugin is a class derived from agent_host::Plugin, constructed with the
// host services and its validated config section, plus one registration line:
//
//   class Hello : public agent_host::Plugin {
//    public:
//     Hello(agent_host::Host& host, const nlohmann::json& config) : Plugin(host) {
//       host.route("GET", "/greet/{name}", "Greets someone", [](const agent_host::Request& r) {
//         return agent_host::Response::json({{"hello", r.param("name")}});
//       });
//     }
//   };
//   AGENT_HOST_PLUGIN(Hello, "hello", "1.0.0", "/hello", "Says hello", R"({"type":"object"})")
//
// Header-only: it compiles into the plugin, so no C++ type crosses into the
// host. Exceptions thrown by plugin code never leave the plugin: HttpError
// becomes its 4xx/5xx JSON answer, anything else a 500 the host logs.
#ifndef AGENT_HOST_SDK_HPP
#define AGENT_HOST_SDK_HPP

#include <agent_host/abi.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace agent_host {

using json = nlohmann::json;

// ---------------------------------------------------------------------------
// Small adapters between C views/sinks and C++ strings
// ---------------------------------------------------------------------------
namespace detail {
inline ah_str view(std::string_view s) {
  return ah_str{s.data(), s.size()};
}
inline std::string_view view(ah_str s) {
  return {s.data ? s.data : "", s.size};
}

// A sink that appends into a std::string the caller owns.
class StringSink {
 public:
  StringSink() : sink_{&text_, &StringSink::append} {}
  StringSink(const StringSink&) = delete;
  StringSink& operator=(const StringSink&) = delete;
  ah_sink* get() { return &sink_; }
  std::string& text() { return text_; }

 private:
  static void append(void* state, const char* data, size_t size) {
    static_cast<std::string*>(state)->append(data, size);
  }
  std::string text_;
  ah_sink sink_;
};

inline void write(ah_sink* sink, std::string_view text) {
  if (sink && sink->append) sink->append(sink->state, text.data(), text.size());
}
}  // namespace detail

// ---------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------

// A failed host service call. `status()` tells what kind of failure.
class Error : public std::runtime_error {
 public:
  Error(ah_status status, const std::string& message)
      : std::runtime_error(message), status_(status) {}
  ah_status status() const { return status_; }

 private:
  ah_status status_;
};

// Throw from a handler to answer with an HTTP error. body() is
//   {"error":{"status":400,"code":"invalid_field","message":"...","field":"title"}}
// with `field` omitted when empty and `details` merged in when given; the
// client gets it with the request's "request_id" added (error_response).
class HttpError : public std::runtime_error {
 public:
  HttpError(int status, std::string code, const std::string& message, std::string field = {},
            json details = nullptr)
      : std::runtime_error(message),
        status_(status),
        code_(std::move(code)),
        field_(std::move(field)),
        details_(std::move(details)) {}
  int status() const { return status_; }
  const std::string& code() const { return code_; }
  const std::string& field() const { return field_; }
  const json& details() const { return details_; }

  json body() const {
    json error = {{"status", status_}, {"code", code_}, {"message", what()}};
    if (!field_.empty()) error["field"] = field_;
    if (details_.is_object()) error.update(details_);
    return json{{"error", std::move(error)}};
  }

  static HttpError bad_request(const std::string& field, const std::string& message) {
    return HttpError(400, "invalid_field", message, field);
  }
  static HttpError not_found(const std::string& what) {
    return HttpError(404, "not_found", what + " not found");
  }
  static HttpError conflict(const std::string& message) {
    return HttpError(409, "conflict", message);
  }

 private:
  int status_;
  std::string code_;
  std::string field_;
  json details_;
};

// ---------------------------------------------------------------------------
// JSON from outside the plugin
// ---------------------------------------------------------------------------

// How deep a JSON text from outside the plugin may nest. Deeper documents are
// refused before they are built, so no recursive walk over them (validation,
// templating, rendering) can exhaust the stack.
inline constexpr int kMaxJsonDepth = 128;

// A JSON text that parse_json refused. The message says what is wrong and at
// which byte, never more than a short excerpt of the text itself.
class InvalidJson : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

namespace detail {
// nlohmann's DOM builder with a depth limit: it stops the parse (returns
// false) at the first container past `max_depth`.
class DepthLimitedBuilder {
 public:
  DepthLimitedBuilder(json& result, int max_depth) : dom_(result, true), max_depth_(max_depth) {}
  bool null() { return dom_.null(); }
  bool boolean(bool value) { return dom_.boolean(value); }
  bool number_integer(json::number_integer_t value) { return dom_.number_integer(value); }
  bool number_unsigned(json::number_unsigned_t value) { return dom_.number_unsigned(value); }
  bool number_float(json::number_float_t value, const json::string_t& text) {
    return dom_.number_float(value, text);
  }
  bool string(json::string_t& value) { return dom_.string(value); }
  bool binary(json::binary_t& value) { return dom_.binary(value); }
  bool key(json::string_t& value) { return dom_.key(value); }
  bool start_object(std::size_t size) { return deeper() && dom_.start_object(size); }
  bool start_array(std::size_t size) { return deeper() && dom_.start_array(size); }
  bool end_object() { return --depth_, dom_.end_object(); }
  bool end_array() { return --depth_, dom_.end_array(); }
  template <typename Exception>
  bool parse_error(std::size_t position, const std::string& token, const Exception& error) {
    return dom_.parse_error(position, token, error);  // throws `error`
  }
  bool too_deep() const { return too_deep_; }

 private:
  bool deeper() {
    too_deep_ = ++depth_ > max_depth_;
    return !too_deep_;
  }
  nlohmann::detail::json_sax_dom_parser<json> dom_;
  int max_depth_;
  int depth_ = 0;
  bool too_deep_ = false;
};

// At most `limit` bytes of `text`, cut on a character boundary, for messages.
inline std::string excerpt(std::string_view text, std::size_t limit = 120) {
  if (text.size() <= limit) return std::string(text);
  std::size_t end = limit;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  return std::string(text.substr(0, end)) + "...";
}
}  // namespace detail

// Parses a JSON text from outside the plugin (a request body, another agent's
// or a URL's answer) within kMaxJsonDepth. Throws InvalidJson for a syntax
// error, invalid UTF-8, a number out of range or nesting too deep.
inline json parse_json(std::string_view text) {
  // nlohmann's lexer takes a NUL byte for the end of the input, so "1\0junk"
  // parsed as 1. JSON text never holds a raw NUL (not even inside a string),
  // so one is a syntax error wherever it is (found by the utf8_and_json fuzz
  // harness).
  if (const std::size_t nul = text.find('\0'); nul != std::string_view::npos)
    throw InvalidJson("a NUL byte at offset " + std::to_string(nul) +
                      " (JSON text cannot hold one)");
  json result;
  detail::DepthLimitedBuilder builder(result, kMaxJsonDepth);
  try {
    if (json::sax_parse(text, &builder)) return result;
  } catch (const json::out_of_range& e) {
    // nlohmann's message quotes the whole number (it may be 100k digits).
    throw InvalidJson("a number is out of range (" + detail::excerpt(e.what(), 60) + ")");
  } catch (const json::exception& e) {
    throw InvalidJson(detail::excerpt(e.what()));
  }
  if (builder.too_deep())
    throw InvalidJson("nested deeper than " + std::to_string(kMaxJsonDepth) + " levels");
  throw InvalidJson("not valid JSON");
}

// The JSON text of `value`; text that is not valid UTF-8 (a plugin echoing a
// client's bytes into a message) is written with U+FFFD rather than failing.
inline std::string to_json_text(const json& value) {
  return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

// ---------------------------------------------------------------------------
// Requests and responses
// ---------------------------------------------------------------------------

// Read-only view of an incoming request; valid during the handler call only.
class Request {
 public:
  explicit Request(const ah_request* raw) : raw_(raw) {}

  std::string_view method() const { return detail::view(raw_->method); }
  std::string_view path() const { return detail::view(raw_->path); }
  std::string_view route() const { return detail::view(raw_->route); }
  std::string_view query_string() const { return detail::view(raw_->query); }
  std::string_view body() const { return detail::view(raw_->body); }
  std::string_view request_id() const { return detail::view(raw_->request_id); }
  bool in_process() const { return raw_->in_process != 0; }

  // Header by lower-case name.
  std::optional<std::string_view> header(std::string_view lower_name) const {
    return find(raw_->headers, raw_->header_count, lower_name);
  }
  // A `{name}` segment of the route. Every declared segment is present.
  std::string param(std::string_view name) const {
    auto value = find(raw_->path_params, raw_->path_param_count, name);
    return value ? std::string(*value) : std::string();
  }
  // A query parameter (decoded); the first one when repeated.
  std::optional<std::string> query(std::string_view name) const {
    auto value = find(raw_->query_params, raw_->query_param_count, name);
    if (!value) return std::nullopt;
    return std::string(*value);
  }
  // Every value of a repeated query parameter, in order.
  std::vector<std::string> query_all(std::string_view name) const {
    std::vector<std::string> values;
    for (size_t i = 0; i < raw_->query_param_count; ++i)
      if (detail::view(raw_->query_params[i].name) == name)
        values.emplace_back(detail::view(raw_->query_params[i].value));
    return values;
  }
  // Every query parameter name, for rejecting unknown ones.
  std::vector<std::string> query_names() const {
    std::vector<std::string> names;
    for (size_t i = 0; i < raw_->query_param_count; ++i)
      names.emplace_back(detail::view(raw_->query_params[i].name));
    return names;
  }

  // The body parsed as JSON (parse_json). A 415 when the request declares a
  // Content-Type other than application/json or */*+json (a cross-site form
  // cannot send those), a 400 naming "body" when the body is empty or is not
  // valid JSON. A request without a Content-Type is read as JSON.
  json json_body() const {
    if (auto type = header("content-type"); type && !is_json_media_type(*type)) {
      throw HttpError(415, "unsupported_media_type",
                      "send the body as 'Content-Type: application/json', not '" +
                          detail::excerpt(*type, 80) + "'",
                      "content-type");
    }
    if (body().empty()) throw HttpError::bad_request("body", "request body is empty; send JSON");
    try {
      return parse_json(body());
    } catch (const InvalidJson& e) {
      throw HttpError::bad_request("body",
                                   std::string("request body is not valid JSON: ") + e.what());
    }
  }

  // application/json or a structured +json type, any parameters, any case.
  static bool is_json_media_type(std::string_view value) {
    const std::string_view type = value.substr(0, value.find(';'));
    std::string lower;
    for (char c : type)
      if (c != ' ' && c != '\t') lower.push_back(c >= 'A' && c <= 'Z' ? char(c - 'A' + 'a') : c);
    const std::string_view suffix = "+json";
    return lower == "application/json" ||
           (lower.size() > suffix.size() && lower.find('/') != std::string::npos &&
            lower.compare(lower.size() - suffix.size(), suffix.size(), suffix) == 0);
  }

  const ah_request* raw() const { return raw_; }

 private:
  static std::optional<std::string_view> find(const ah_pair* pairs, size_t count,
                                              std::string_view name) {
    for (size_t i = 0; i < count; ++i)
      if (detail::view(pairs[i].name) == name) return detail::view(pairs[i].value);
    return std::nullopt;
  }
  const ah_request* raw_;
};

// What a handler returns. Defaults: 200, JSON, empty body.
struct Response {
  int status = 200;
  std::string body;
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;

  static Response json(const nlohmann::json& value, int status = 200) {
    return Response{status, to_json_text(value), "application/json", {}};
  }
  static Response text(std::string text, int status = 200,
                       std::string content_type = "text/plain; charset=utf-8") {
    return Response{status, std::move(text), std::move(content_type), {}};
  }
  static Response no_content() { return Response{204, {}, {}, {}}; }

  Response& header(std::string name, std::string value) {
    headers.emplace_back(std::move(name), std::move(value));
    return *this;
  }
};

// The way to answer a request after its handler has returned (a route added
// with Host::route_async). Cheap to copy: copies share one answer. Callable
// from any thread; only the first answer counts (later ones return false).
// When the last copy goes away unanswered, the client gets a 500 and the host
// logs the route, so a forgotten answer never leaves a client waiting.
class Responder {
 public:
  // `request_id` (Request::request_id()) goes into the error bodies fail() makes.
  Responder(const ah_host_api* api, ah_response* deferred, std::string_view request_id = {})
      : state_(std::make_shared<State>(api, deferred)), request_id_(request_id) {}

  bool send(const Response& response) const;
  // Answers for a failure: an HttpError becomes its JSON answer, anything
  // else a 500 with the message logged (not shown to the client).
  bool fail(std::exception_ptr error) const;
  bool answered() const { return state_->answered.load(); }

 private:
  struct State {
    State(const ah_host_api* a, ah_response* d) : api(a), deferred(d) {}
    ~State() { fail_with("the handler dropped its Responder without answering"); }
    // A 500 for the client, `message` for the host's log; false when answered already.
    bool fail_with(std::string_view message) {
      if (answered.exchange(true)) return false;
      api->response_finish(deferred, AH_ERR_INTERNAL, {message.data(), message.size()});
      return true;
    }
    State(const State&) = delete;
    State& operator=(const State&) = delete;
    const ah_host_api* api;
    ah_response* deferred;
    std::atomic<bool> answered{false};
  };
  std::shared_ptr<State> state_;
  std::string request_id_;
};

// The answer to an outbound call (another agent, or any URL).
struct HttpResult {
  int status = 0;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;

  bool ok() const { return status >= 200 && status < 300; }
  // The body parsed with parse_json (throws InvalidJson).
  nlohmann::json json() const { return parse_json(body); }
  std::optional<std::string> header(std::string_view lower_name) const {
    for (const auto& [name, value] : headers)
      if (name == lower_name) return value;
    return std::nullopt;
  }
};

// An outbound request. `path` (agent calls) is relative to the target agent's
// prefix and may carry a query string.
struct Call {
  std::string method = "GET";
  std::string path;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  std::chrono::milliseconds timeout{0};  // 0 = host default

  static Call get(std::string path) { return Call{"GET", std::move(path), {}, {}, {}}; }
  static Call post(std::string path, const nlohmann::json& body) {
    return Call{"POST", std::move(path), body.dump(), {{"content-type", "application/json"}}, {}};
  }
};

// Documentation of a route for /openapi.json (OpenAPI 3.1; schemas are JSON
// Schema). A plain string is a summary:
//   host.route("GET", "/x", "Lists x", handler);
//   host.route("POST", "/x", {"Creates an x", request_schema, response_schema}, handler);
// Since ABI 1.4 the chained calls below describe what the handler really
// reads and answers; the host merges them into the document, and the
// contract test holds the shipped agents to them:
//   RouteDoc{"Creates an x", request_schema}
//       .id("createX")
//       .header("Idempotency-Key", "the same key answers the first x again")
//       .responds(201, "Created", x_schema)
//       .responds(400, "Invalid body");  // 4xx/5xx without a schema: the error body
// Without responds() the route documents a 200 with `response_schema`.
struct RouteDoc {
  RouteDoc(const char* summary_text) : summary(summary_text) {}  // NOLINT: implicit on purpose
  RouteDoc(std::string summary_text, nlohmann::json request = nullptr,
           nlohmann::json response = nullptr)
      : summary(std::move(summary_text)),
        request_schema(std::move(request)),
        response_schema(std::move(response)) {}

  // operationId: unique in the host's document, e.g. "createTask".
  RouteDoc& id(std::string operation_id) {
    openapi["operationId"] = std::move(operation_id);
    return *this;
  }
  // A longer text than the summary (Markdown).
  RouteDoc& describe(std::string text) {
    openapi["description"] = std::move(text);
    return *this;
  }
  // A query parameter the handler reads.
  RouteDoc& query(std::string name, nlohmann::json schema, std::string description,
                  bool required = false) {
    return parameter("query", std::move(name), std::move(schema), std::move(description), required);
  }
  // A request header the handler reads (a string unless `schema` says otherwise).
  RouteDoc& header(std::string name, std::string description, bool required = false,
                   nlohmann::json schema = {{"type", "string"}}) {
    return parameter("header", std::move(name), std::move(schema), std::move(description),
                     required);
  }
  // A `{name}` path segment more precisely than the default (any string).
  RouteDoc& path_param(std::string name, nlohmann::json schema, std::string description) {
    return parameter("path", std::move(name), std::move(schema), std::move(description), true);
  }
  // Another content type of the request body (request_schema is JSON's).
  RouteDoc& accepts(const std::string& content_type, nlohmann::json schema = nullptr) {
    auto& media = openapi["requestBody"]["content"][content_type];
    media = nlohmann::json::object();
    if (!schema.is_null()) media["schema"] = std::move(schema);
    return *this;
  }
  // A status the handler answers. Call again with another `content_type` for
  // a status with several representations.
  RouteDoc& responds(int status, std::string description, nlohmann::json schema = nullptr,
                     const std::string& content_type = "application/json") {
    auto& response = openapi["responses"][std::to_string(status)];
    response["description"] = std::move(description);
    if (!schema.is_null()) response["content"][content_type]["schema"] = std::move(schema);
    return *this;
  }

  std::string summary;
  nlohmann::json request_schema = nullptr;
  nlohmann::json response_schema = nullptr;
  // The rest of the OpenAPI Operation Object (ah_route.openapi_json).
  nlohmann::json openapi = nlohmann::json::object();

 private:
  RouteDoc& parameter(const char* in, std::string name, nlohmann::json schema,
                      std::string description, bool required) {
    nlohmann::json entry = {{"name", std::move(name)}, {"in", in}, {"schema", std::move(schema)}};
    if (!description.empty()) entry["description"] = std::move(description);
    if (required) entry["required"] = true;
    openapi["parameters"].push_back(std::move(entry));
    return *this;
  }
};

using Handler = std::function<Response(const Request&)>;
// A handler that answers through its Responder, now or later (Host::route_async).
using AsyncHandler = std::function<void(const Request&, Responder)>;

// Where the host runs a route's handler (abi.h, AH_ROUTE_NON_BLOCKING).
enum class RouteMode {
  // On the host's handler pool: the handler may wait (SQL writes, agent
  // calls, outbound HTTP, the LLM). The default; right for almost every route.
  may_block,
  // On the network thread that read the request, saving a thread hand-off:
  // only for handlers that compute their answer from the request and memory.
  non_blocking,
};

enum class Health { ok = AH_HEALTH_OK, degraded = AH_HEALTH_DEGRADED, failing = AH_HEALTH_FAILING };

struct HealthReport {
  Health state = Health::ok;
  nlohmann::json detail = nlohmann::json::object();
};

// ---------------------------------------------------------------------------
// Metrics handles (cheap to copy; valid while the plugin lives)
// ---------------------------------------------------------------------------
class Counter {
 public:
  Counter() = default;
  Counter(const ah_host_api* api, ah_metric* m) : api_(api), m_(m) {}
  void inc(double by = 1) const {
    if (m_) api_->metric_add(m_, by);
  }

 private:
  const ah_host_api* api_ = nullptr;
  ah_metric* m_ = nullptr;
};

class Gauge {
 public:
  Gauge() = default;
  Gauge(const ah_host_api* api, ah_metric* m) : api_(api), m_(m) {}
  void set(double value) const {
    if (m_) api_->metric_set(m_, value);
  }
  void add(double by) const {
    if (m_) api_->metric_add(m_, by);
  }

 private:
  const ah_host_api* api_ = nullptr;
  ah_metric* m_ = nullptr;
};

class Histogram {
 public:
  Histogram() = default;
  Histogram(const ah_host_api* api, ah_metric* m) : api_(api), m_(m) {}
  void observe(double value) const {
    if (m_) api_->metric_observe(m_, value);
  }

 private:
  const ah_host_api* api_ = nullptr;
  ah_metric* m_ = nullptr;
};

// ---------------------------------------------------------------------------
// SQL
// ---------------------------------------------------------------------------

// Statements inside one transaction; see Sql::transaction.
class Transaction {
 public:
  Transaction(const ah_host_api* api, ah_sql_tx* tx) : api_(api), tx_(tx) {}
  // Runs one statement with $1.. parameters; returns the rows (array of objects).
  nlohmann::json query(std::string_view sql,
                       const nlohmann::json& params = nlohmann::json::array()) {
    detail::StringSink rows, error;
    const std::string params_text = params.dump();
    ah_status status = api_->sql_tx_query(tx_, detail::view(sql), detail::view(params_text),
                                          rows.get(), error.get());
    if (status != AH_OK) throw Error(status, error.text());
    return rows.text().empty() ? nlohmann::json::array() : nlohmann::json::parse(rows.text());
  }
  // A write whose parameters are already JSON text (a JSON array, or empty
  // for none); rows are discarded. Lets a plugin render its statements before
  // the transaction, off the thread that commits. The host need not wait for
  // its answer (on PostgreSQL it goes with the next query or the COMMIT), so
  // a failure may be thrown by a later call or fail the transaction after
  // the body returned: do not catch it to carry on.
  void execute(std::string_view sql, std::string_view params_json) {
    detail::StringSink error;
    ah_status status =
        api_->sql_tx_query(tx_, detail::view(sql), detail::view(params_json), nullptr, error.get());
    if (status != AH_OK) throw Error(status, error.text());
  }

 private:
  const ah_host_api* api_;
  ah_sql_tx* tx_;
};

// The engine behind a plugin's database (see sql_dialect in abi.h).
enum class SqlDialect { sqlite, postgres };

// One schema migration. Most are portable SQL (one text, used as it is on
// both engines); where DDL differs (triggers, identity columns) give one text
// per engine. Keep each text unchanged once released: the host refuses a
// database whose applied migration no longer matches its text.
struct Migration {
  Migration(std::string portable_sql) : sqlite(portable_sql), postgres(std::move(portable_sql)) {}
  Migration(const char* portable_sql) : Migration(std::string(portable_sql)) {}
  Migration(std::string sqlite_sql, std::string postgres_sql)
      : sqlite(std::move(sqlite_sql)), postgres(std::move(postgres_sql)) {}
  std::string sqlite;
  std::string postgres;
};

// The plugin's own database: a SQLite file by default, or the plugin's schema
// in PostgreSQL when the host is configured so (every replica then shares it).
// Write portable SQL: $1-style parameters, ON CONFLICT upserts, RETURNING,
// COALESCE, ids made by the plugin, times as integer milliseconds in BIGINT
// columns; see docs/plugin-guide.md, "Portable SQL".
class Sql {
 public:
  Sql(const ah_host_api* api, ah_host* host) : api_(api), host_(host) {}

  // Applies migrations in order, each once per database, in the text of this
  // database's dialect. Call from the constructor.
  void migrate(const std::vector<Migration>& migrations) {
    const bool postgres = dialect() == SqlDialect::postgres;
    nlohmann::json texts = nlohmann::json::array();
    for (const auto& migration : migrations)
      texts.push_back(postgres ? migration.postgres : migration.sqlite);
    detail::StringSink error;
    const std::string text = texts.dump();
    ah_status status = api_->sql_migrate(host_, detail::view(text), error.get());
    if (status != AH_OK) throw Error(status, error.text());
  }
  // A list of portable texts kept in a std::vector<std::string> (a template,
  // so that a braced list always means the Migration overload).
  template <typename Text, std::enable_if_t<std::is_same_v<Text, std::string>, int> = 0>
  void migrate(const std::vector<Text>& migrations) {
    migrate(std::vector<Migration>(migrations.begin(), migrations.end()));
  }

  SqlDialect dialect() const {
    detail::StringSink out;
    ah_status status = api_->sql_dialect(host_, out.get());
    if (status != AH_OK) throw Error(status, out.text());
    return out.text() == "postgres" ? SqlDialect::postgres : SqlDialect::sqlite;
  }

  // One autocommit statement; returns the rows.
  nlohmann::json query(std::string_view sql,
                       const nlohmann::json& params = nlohmann::json::array()) {
    detail::StringSink rows, error;
    const std::string params_text = params.dump();
    ah_status status = api_->sql_query(host_, detail::view(sql), detail::view(params_text),
                                       rows.get(), error.get());
    if (status != AH_OK) throw Error(status, error.text());
    return rows.text().empty() ? nlohmann::json::array() : nlohmann::json::parse(rows.text());
  }

  // Runs `body` in one transaction: it commits when `body` returns, rolls back
  // when it throws (the exception is rethrown here, HttpError included). The
  // host may run `body` on another thread, batched with other transactions.
  template <typename Body>
  void transaction(Body&& body) {
    struct Context {
      const ah_host_api* api;
      Body* body;
      std::exception_ptr thrown;
    } context{api_, &body, nullptr};
    auto trampoline = [](void* user, ah_sql_tx* tx, ah_sink* error) -> ah_status {
      auto* ctx = static_cast<Context*>(user);
      return run_body(ctx->api, tx, *ctx->body, ctx->thrown, error);
    };
    detail::StringSink error;
    ah_status status = api_->sql_transaction(host_, trampoline, &context, error.get());
    if (context.thrown) std::rethrow_exception(context.thrown);
    if (status != AH_OK) throw Error(status, error.text());
  }

  // The same without waiting: queues `body` and returns at once. Once the
  // transaction has committed or rolled back, `done(std::exception_ptr)` is
  // called with null (committed, durable) or the failure: what `body` threw,
  // or an Error from the store. `body` runs on the host's writer thread and
  // may run more than once (a batch can be retried without it), so it must
  // not consume its captures. `done` runs on the writer thread too: it must
  // not block (answer a Responder, count, wake a worker). Both may be
  // move-only; both are destroyed after `done` returns.
  template <typename Body, typename Done>
  void transaction_async(Body body, Done done) {
    struct Context {
      const ah_host_api* api;
      Body body;
      Done done;
      std::exception_ptr thrown;
    };
    auto context = std::make_unique<Context>(Context{api_, std::move(body), std::move(done), {}});
    auto trampoline = [](void* user, ah_sql_tx* tx, ah_sink* error) -> ah_status {
      auto* ctx = static_cast<Context*>(user);
      return run_body(ctx->api, tx, ctx->body, ctx->thrown, error);
    };
    auto finished = [](void* user, ah_status status, ah_str error) {
      std::unique_ptr<Context> ctx(static_cast<Context*>(user));
      std::exception_ptr failure;
      if (status != AH_OK)
        failure = ctx->thrown
                      ? ctx->thrown
                      : std::make_exception_ptr(Error(status, std::string(detail::view(error))));
      try {
        ctx->done(failure);
      } catch (...) {
        // `done` must not throw; nothing here could report it.
      }
    };
    detail::StringSink error;
    Context* raw = context.get();
    const ah_status status =
        api_->sql_transaction_async(host_, trampoline, raw, finished, raw, error.get());
    if (status != AH_OK) throw Error(status, error.text());
    context.release();  // `finished` owns it now
  }

 private:
  // Runs one try of a body: what it throws is kept in `thrown` (rethrown to
  // the caller or handed to `done`) and its message written to `error`.
  template <typename Body>
  static ah_status run_body(const ah_host_api* api, ah_sql_tx* tx, Body& body,
                            std::exception_ptr& thrown, ah_sink* error) {
    thrown = nullptr;  // a retried body starts afresh
    try {
      Transaction transaction(api, tx);
      body(transaction);
      return AH_OK;
    } catch (const std::exception& e) {
      thrown = std::current_exception();
      detail::write(error, e.what());
    } catch (...) {
      thrown = std::current_exception();
      detail::write(error, "unknown exception in transaction body");
    }
    return AH_ERR_INTERNAL;
  }

  const ah_host_api* api_;
  ah_host* host_;
};

// ---------------------------------------------------------------------------
// Host: every service the host offers, in C++ form
// ---------------------------------------------------------------------------
class Host {
 public:
  using JobFn = std::function<void(std::chrono::system_clock::time_point fire_time)>;

  Host(const ah_host_api* api, ah_host* host) : api_(api), host_(host), sql_(api, host) {}
  Host(const Host&) = delete;
  Host& operator=(const Host&) = delete;

  // {"service","plugin","prefix","data_dir","instance","host_abi_minor"}
  nlohmann::json environment() const {
    detail::StringSink out;
    api_->environment(host_, out.get());
    return nlohmann::json::parse(out.text());
  }

  // --- routes ---
  void route(std::string_view method, std::string_view path, RouteDoc doc, Handler handler,
             RouteMode mode = RouteMode::may_block) {
    handlers_.push_back(std::make_unique<BoundHandler>(BoundHandler{api_, std::move(handler)}));
    add_route(method, path, doc, &Host::dispatch, handlers_.back().get(), mode);
  }

  // A route whose handler answers through a Responder, possibly after it has
  // returned: typically it validates the request, queues the write with
  // sql().transaction_async and answers from `done`, so no thread waits for
  // the commit. What the handler throws before answering is answered as by
  // route(). Copy what `done` needs: the Request is gone once the handler
  // returns. A handler that only defers to transaction_async never blocks:
  // give it RouteMode::non_blocking.
  void route_async(std::string_view method, std::string_view path, RouteDoc doc,
                   AsyncHandler handler, RouteMode mode = RouteMode::may_block) {
    async_handlers_.push_back(
        std::make_unique<BoundAsyncHandler>(BoundAsyncHandler{api_, std::move(handler)}));
    add_route(method, path, doc, &Host::dispatch_async, async_handlers_.back().get(), mode);
  }

  // --- logs ---
  void log(ah_log_level level, std::string_view message,
           const nlohmann::json& fields = nlohmann::json()) const {
    if (!api_->log_enabled(host_, level)) return;
    const std::string text = fields.is_object() ? fields.dump() : std::string();
    api_->log(host_, level, detail::view(message), detail::view(text));
  }
  void debug(std::string_view m, const nlohmann::json& f = {}) const { log(AH_LOG_DEBUG, m, f); }
  void info(std::string_view m, const nlohmann::json& f = {}) const { log(AH_LOG_INFO, m, f); }
  void warn(std::string_view m, const nlohmann::json& f = {}) const { log(AH_LOG_WARN, m, f); }
  void error(std::string_view m, const nlohmann::json& f = {}) const { log(AH_LOG_ERROR, m, f); }

  // --- metrics (name without the agent_<plugin>_ prefix the host adds) ---
  Counter counter(std::string_view name, std::string_view help,
                  const nlohmann::json& labels = nlohmann::json::object()) {
    return Counter(api_, metric(AH_METRIC_COUNTER, name, help, labels, {}));
  }
  Gauge gauge(std::string_view name, std::string_view help,
              const nlohmann::json& labels = nlohmann::json::object()) {
    return Gauge(api_, metric(AH_METRIC_GAUGE, name, help, labels, {}));
  }
  Histogram histogram(std::string_view name, std::string_view help,
                      const nlohmann::json& labels = nlohmann::json::object(),
                      const std::vector<double>& buckets = {}) {
    return Histogram(api_, metric(AH_METRIC_HISTOGRAM, name, help, labels, buckets));
  }

  // --- storage ---
  Sql& sql() { return sql_; }

  // --- jobs ---
  // Recurring job on a 5-field cron expression; empty zone = the host's zone.
  void cron(std::string_view name, std::string_view cron, JobFn job, std::string_view zone = {}) {
    ah_status status;
    detail::StringSink error;
    status = api_->schedule_cron(host_, detail::view(name), detail::view(cron), detail::view(zone),
                                 &Host::run_job, keep_job(std::move(job)), error.get());
    if (status != AH_OK) throw Error(status, error.text());
  }
  // One-shot job after `delay`.
  void once(std::string_view name, std::chrono::milliseconds delay, JobFn job) {
    detail::StringSink error;
    ah_status status =
        api_->schedule_once(host_, detail::view(name), static_cast<uint64_t>(delay.count()),
                            &Host::run_job, keep_job(std::move(job)), error.get());
    if (status != AH_OK) throw Error(status, error.text());
  }

  // --- calls ---
  // Calls another agent's route (in-process when co-located, else HTTP to the
  // peer). Throws Error when no answer came (down, timeout, unknown agent);
  // any HTTP status is a result.
  HttpResult call_agent(std::string_view agent, const Call& call) {
    return send(call, agent, {}, api_->agent_call);
  }
  // Outbound HTTP(S) to an absolute URL.
  HttpResult http(std::string_view url, const Call& call) {
    return send(call, {}, url, api_->http_request);
  }

  // --- secrets ---
  // The value of a mounted secret file ("<secret>/<key>"), or nullopt when absent.
  std::optional<std::string> secret(std::string_view name) const {
    detail::StringSink value, error;
    ah_status status = api_->secret_read(host_, detail::view(name), value.get(), error.get());
    if (status == AH_ERR_NOT_FOUND) return std::nullopt;
    if (status != AH_OK) throw Error(status, error.text());
    return std::move(value.text());
  }

  // --- documents ---
  // One YAML document as JSON, read as the host reads its config (see
  // yaml_to_json in abi.h: bounded aliases and depth, UTF-8 only). Throws
  // Error(AH_ERR_INVALID_ARGUMENT) whose message starts `origin:line:column:`.
  nlohmann::json parse_yaml(std::string_view yaml, std::string_view origin = "document") const {
    detail::StringSink out, error;
    const ah_status status =
        api_->yaml_to_json(host_, detail::view(yaml), detail::view(origin), out.get(), error.get());
    if (status != AH_OK) throw Error(status, error.text());
    return nlohmann::json::parse(out.text());
  }

  // --- schedules ---
  // What is wrong with a cron expression or an IANA time zone, as cron()
  // would refuse it (see cron_check in abi.h); nullopt when it is fine.
  std::optional<std::string> cron_problem(std::string_view cron) const {
    detail::StringSink error;
    if (api_->cron_check(host_, detail::view(cron), error.get()) == AH_OK) return std::nullopt;
    return std::move(error.text());
  }
  std::optional<std::string> time_zone_problem(std::string_view time_zone) const {
    detail::StringSink error;
    if (api_->time_zone_check(host_, detail::view(time_zone), error.get()) == AH_OK)
      return std::nullopt;
    return std::move(error.text());
  }

  // --- LLM ---
  // One completion; see llm_generate in abi.h for the request and answer shapes.
  nlohmann::json llm_generate(const nlohmann::json& request) {
    detail::StringSink out, error;
    const std::string text = request.dump();
    ah_status status = api_->llm_generate(host_, detail::view(text), out.get(), error.get());
    if (status != AH_OK) throw Error(status, error.text());
    return nlohmann::json::parse(out.text());
  }

  const ah_host_api* api() const { return api_; }
  ah_host* handle() const { return host_; }

 private:
  ah_metric* metric(ah_metric_kind kind, std::string_view name, std::string_view help,
                    const nlohmann::json& labels, const std::vector<double>& buckets) {
    detail::StringSink error;
    const std::string labels_text = labels.empty() ? std::string() : labels.dump();
    ah_metric* m =
        api_->metric(host_, kind, detail::view(name), detail::view(help), detail::view(labels_text),
                     buckets.empty() ? nullptr : buckets.data(), buckets.size(), error.get());
    if (!m) throw Error(AH_ERR_INVALID_ARGUMENT, error.text());
    return m;
  }

  void* keep_job(JobFn job) {
    std::lock_guard<std::mutex> lock(jobs_mutex_);
    jobs_.push_back(std::make_unique<JobFn>(std::move(job)));
    return jobs_.back().get();
  }

  static ah_status run_job(void* user, int64_t fire_time_ms, ah_sink* error) {
    try {
      (*static_cast<JobFn*>(user))(
          std::chrono::system_clock::time_point(std::chrono::milliseconds(fire_time_ms)));
      return AH_OK;
    } catch (const std::exception& e) {
      detail::write(error, e.what());
    } catch (...) {
      detail::write(error, "unknown exception in job");
    }
    return AH_ERR_INTERNAL;
  }

  void add_route(std::string_view method, std::string_view path, const RouteDoc& doc,
                 ah_route_handler handler, void* user, RouteMode mode) {
    const std::string request_schema =
        doc.request_schema.is_null() ? "" : doc.request_schema.dump();
    const std::string response_schema =
        doc.response_schema.is_null() ? "" : doc.response_schema.dump();
    const std::string openapi = doc.openapi.empty() ? "" : doc.openapi.dump();
    ah_route route{};
    route.struct_size = sizeof(ah_route);
    route.method = detail::view(method);
    route.path = detail::view(path);
    route.summary = detail::view(doc.summary);
    route.request_schema_json = detail::view(request_schema);
    route.response_schema_json = detail::view(response_schema);
    route.handler = handler;
    route.user = user;
    route.flags = mode == RouteMode::non_blocking ? AH_ROUTE_NON_BLOCKING : 0u;
    route.openapi_json = detail::view(openapi);
    detail::StringSink error;
    ah_status status = api_->route_add(host_, &route, error.get());
    if (status != AH_OK) throw Error(status, error.text());
  }

  // A handler with the table it answers through (the C handler gets only `user`).
  struct BoundHandler {
    const ah_host_api* api;
    Handler handler;
  };
  struct BoundAsyncHandler {
    const ah_host_api* api;
    AsyncHandler handler;
  };
  static ah_status dispatch(void* user, const ah_request* raw, ah_response* out, ah_sink* error);
  static ah_status dispatch_async(void* user, const ah_request* raw, ah_response* out,
                                  ah_sink* error);

  using CallFn = ah_status (*)(ah_host*, const ah_http_call*, ah_http_result_fn, void*, ah_sink*);
  HttpResult send(const Call& call, std::string_view agent, std::string_view url, CallFn fn) const {
    std::vector<ah_pair> headers;
    headers.reserve(call.headers.size());
    for (const auto& [name, value] : call.headers)
      headers.push_back(ah_pair{detail::view(name), detail::view(value)});
    ah_http_call raw{};
    raw.struct_size = sizeof(ah_http_call);
    raw.agent = detail::view(agent);
    raw.url = detail::view(url);
    raw.method = detail::view(call.method);
    raw.path = detail::view(call.path);
    raw.headers = headers.data();
    raw.header_count = headers.size();
    raw.body = detail::view(call.body);
    raw.timeout_ms = static_cast<uint32_t>(call.timeout.count());
    HttpResult result;
    auto collect = [](void* user, const ah_http_result* r) {
      auto* out = static_cast<HttpResult*>(user);
      out->status = r->status;
      for (size_t i = 0; i < r->header_count; ++i)
        out->headers.emplace_back(detail::view(r->headers[i].name),
                                  detail::view(r->headers[i].value));
      out->body.assign(detail::view(r->body));
    };
    detail::StringSink error;
    ah_status status = fn(host_, &raw, collect, &result, error.get());
    if (status != AH_OK) throw Error(status, error.text());
    return result;
  }

  const ah_host_api* api_;
  ah_host* host_;
  Sql sql_;
  std::deque<std::unique_ptr<BoundHandler>> handlers_;
  std::deque<std::unique_ptr<BoundAsyncHandler>> async_handlers_;
  std::mutex jobs_mutex_;
  std::deque<std::unique_ptr<JobFn>> jobs_;
};

// ---------------------------------------------------------------------------
// Plugin base class
// ---------------------------------------------------------------------------
class Plugin {
 public:
  explicit Plugin(Host& host) : host_(host) {}
  virtual ~Plugin() = default;
  Plugin(const Plugin&) = delete;
  Plugin& operator=(const Plugin&) = delete;

  // Begin background work. Routes are live once this returns.
  virtual void start() {}
  // A new, validated config section. Throw to refuse it (the old one stays).
  virtual void reload(const nlohmann::json& /*config*/) {}
  // Stop background work; HTTP traffic has already drained.
  virtual void stop() {}
  virtual HealthReport health() { return {}; }

 protected:
  Host& host() { return host_; }

 private:
  Host& host_;
};

// ---------------------------------------------------------------------------
// Error answers: the shape the host uses for its own errors
// ---------------------------------------------------------------------------

// {"error":{...},"request_id":"..."}: whoever refuses a request, host or plugin,
// sync or async route, the client reads one shape and can quote the id.
inline Response error_response(const HttpError& error, std::string_view request_id) {
  json body = error.body();
  body["request_id"] = std::string(request_id);
  return Response::json(body, error.status());
}

// What a handler that let an Error(AH_ERR_UNAVAILABLE) escape answers: its
// database or another agent is out of reach for now (a restart, a failover),
// so 503 with Retry-After tells clients and proxies to try again rather than
// report a failure. The cause stays out of the answer (it names servers).
inline Response unavailable_response(std::string_view request_id) {
  Response response = error_response(
      HttpError(503, "unavailable",
                "a service this agent needs (its database or another agent) is unavailable; "
                "retry shortly"),
      request_id);
  response.headers.emplace_back("Retry-After", "1");
  return response;
}

// ---------------------------------------------------------------------------
// Implementation details
// ---------------------------------------------------------------------------
inline void answer(const ah_host_api* api, ah_response* out, const Response& response) {
  api->response_set_status(out, response.status);
  for (const auto& [name, value] : response.headers)
    api->response_add_header(out, detail::view(name), detail::view(value));
  api->response_set_body(out, detail::view(response.body), detail::view(response.content_type));
}

inline ah_status Host::dispatch(void* user, const ah_request* raw, ah_response* out,
                                ah_sink* error) {
  const auto* bound = static_cast<const BoundHandler*>(user);
  const Request request(raw);
  try {
    answer(bound->api, out, bound->handler(request));
    return AH_OK;
  } catch (const HttpError& e) {
    answer(bound->api, out, error_response(e, request.request_id()));
    return AH_OK;
  } catch (const Error& e) {
    if (e.status() == AH_ERR_UNAVAILABLE) {
      answer(bound->api, out, unavailable_response(request.request_id()));
      return AH_OK;
    }
    detail::write(error, e.what());
  } catch (const std::exception& e) {
    detail::write(error, e.what());
  } catch (...) {
    detail::write(error, "unknown exception in handler");
  }
  return AH_ERR_INTERNAL;
}

inline ah_status Host::dispatch_async(void* user, const ah_request* raw, ah_response* out,
                                      ah_sink* error) {
  const auto* bound = static_cast<const BoundAsyncHandler*>(user);
  ah_response* deferred = bound->api->response_defer(out);
  if (!deferred) {
    detail::write(error, "the host refused to defer this response");
    return AH_ERR_INTERNAL;
  }
  const Request request(raw);
  const Responder responder(bound->api, deferred, request.request_id());
  try {
    bound->handler(request, responder);
  } catch (...) {
    responder.fail(std::current_exception());
  }
  return AH_OK;
}

inline bool Responder::send(const Response& response) const {
  if (state_->answered.exchange(true)) return false;
  answer(state_->api, state_->deferred, response);
  state_->api->response_finish(state_->deferred, AH_OK, {nullptr, 0});
  return true;
}

inline bool Responder::fail(std::exception_ptr error) const {
  try {
    std::rethrow_exception(error);
  } catch (const HttpError& e) {
    return send(error_response(e, request_id_));
  } catch (const Error& e) {
    if (e.status() == AH_ERR_UNAVAILABLE) return send(unavailable_response(request_id_));
    return state_->fail_with(e.what());
  } catch (const std::exception& e) {
    return state_->fail_with(e.what());
  } catch (...) {
    return state_->fail_with("unknown exception in handler");
  }
}

// ---------------------------------------------------------------------------
// The bridge from the C descriptor to a Plugin subclass (used by AGENT_HOST_PLUGIN)
// ---------------------------------------------------------------------------
namespace detail {

template <typename P>
struct Instance {
  Instance(const ah_host_api* api, ah_host* handle) : host(api, handle) {}
  Host host;
  std::unique_ptr<P> plugin;  // declared after host: destroyed first
};

// Runs `fn`, turning any exception into an error status with its message.
template <typename Fn>
ah_status guarded(ah_sink* error, Fn&& fn) {
  try {
    fn();
    return AH_OK;
  } catch (const Error& e) {
    write(error, e.what());
    return e.status() == AH_OK ? AH_ERR_INTERNAL : e.status();
  } catch (const std::exception& e) {
    write(error, e.what());
  } catch (...) {
    write(error, "unknown exception");
  }
  return AH_ERR_INTERNAL;
}

inline nlohmann::json parse_config(ah_str text) {
  return text.size ? nlohmann::json::parse(view(text)) : nlohmann::json::object();
}

template <typename P>
struct Adapter {
  static Instance<P>* self(ah_plugin_instance* raw) { return reinterpret_cast<Instance<P>*>(raw); }

  static ah_plugin_instance* create(const ah_host_api* api, ah_host* handle, ah_str config,
                                    ah_sink* error) {
    std::unique_ptr<Instance<P>> instance;
    ah_status status = guarded(error, [&] {
      instance = std::make_unique<Instance<P>>(api, handle);
      instance->plugin = std::make_unique<P>(instance->host, parse_config(config));
    });
    if (status != AH_OK) return nullptr;
    return reinterpret_cast<ah_plugin_instance*>(instance.release());
  }
  static ah_status start(ah_plugin_instance* raw, ah_sink* error) {
    return guarded(error, [&] { self(raw)->plugin->start(); });
  }
  static ah_status reload(ah_plugin_instance* raw, ah_str config, ah_sink* error) {
    return guarded(error, [&] { self(raw)->plugin->reload(parse_config(config)); });
  }
  static void stop(ah_plugin_instance* raw) {
    StringSink ignored;
    guarded(ignored.get(), [&] { self(raw)->plugin->stop(); });
  }
  static void destroy(ah_plugin_instance* raw) { delete self(raw); }
  static ah_health_state health(ah_plugin_instance* raw, ah_sink* detail_json) {
    HealthReport report;
    StringSink error;
    if (guarded(error.get(), [&] { report = self(raw)->plugin->health(); }) != AH_OK) {
      write(detail_json, nlohmann::json{{"error", error.text()}}.dump());
      return AH_HEALTH_FAILING;
    }
    if (!report.detail.is_null()) write(detail_json, report.detail.dump());
    return static_cast<ah_health_state>(report.state);
  }

  static ah_plugin_descriptor describe(const char* name, const char* version, const char* prefix,
                                       const char* description, const char* config_schema) {
    ah_plugin_descriptor d{};
    d.abi_major = AH_ABI_MAJOR;
    d.abi_minor = AH_ABI_MINOR;
    d.struct_size = sizeof(ah_plugin_descriptor);
    d.name = name;
    d.version = version;
    d.default_prefix = prefix;
    d.description = description;
    d.config_schema_json = config_schema;
    d.create = &create;
    d.start = &start;
    d.reload = &reload;
    d.stop = &stop;
    d.destroy = &destroy;
    d.health = &health;
    return d;
  }
};

}  // namespace detail

}  // namespace agent_host

// Registers `Class` (constructible from (agent_host::Host&, const nlohmann::json&))
// as this library's plugin. Exactly once per plugin library, at namespace scope.
//   name         unique, [a-z][a-z0-9-]*       version  the plugin's own version
//   prefix       default route prefix, "/name"  description  one line
//   config_schema  JSON Schema of the plugin's config section (string literal)
#define AGENT_HOST_PLUGIN(Class, name, version, prefix, description, config_schema)                \
  extern "C" AH_EXPORT const ah_plugin_descriptor* agent_host_plugin_entry(void) {                 \
    static const ah_plugin_descriptor descriptor = ::agent_host::detail::Adapter<Class>::describe( \
        name, version, prefix, description, config_schema);                                        \
    return &descriptor;                                                                            \
  }

#endif  // AGENT_HOST_SDK_HPP
