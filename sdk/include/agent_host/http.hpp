// agent_host/http.hpp — HTTP as a plugin sees it: the request, the response
// (now, or deferred until after the handler returned), outbound calls and
// their results, and the documentation of a route for /openapi.json.
#ifndef AGENT_HOST_HTTP_HPP
#define AGENT_HOST_HTTP_HPP

#include <agent_host/detail/c_bridge.hpp>
#include <agent_host/error.hpp>
#include <agent_host/json.hpp>
#include <atomic>
#include <chrono>
#include <exception>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace agent_host {

// Read-only view of an incoming request; valid during the handler call only.
class Request {
 public:
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

  using Pairs = std::vector<std::pair<std::string_view, std::string_view>>;
  // Every header (lower-case names), in the order the client sent them.
  Pairs headers() const { return all(raw_->headers, raw_->header_count); }
  // Every `{name}` segment of the matched route.
  Pairs path_params() const { return all(raw_->path_params, raw_->path_param_count); }
  // Every query parameter (decoded), repeated ones as often as sent.
  Pairs query_params() const { return all(raw_->query_params, raw_->query_param_count); }

 private:
  friend class Host;
  explicit Request(const ah_request* raw) : raw_(raw) {}
  static Pairs all(const ah_pair* pairs, size_t count) {
    Pairs out;
    out.reserve(count);
    for (size_t i = 0; i < count; ++i)
      out.emplace_back(detail::view(pairs[i].name), detail::view(pairs[i].value));
    return out;
  }
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

// The answer to a request that its handler gives after returning (a route
// added with Host::route_deferred; abi.h response_defer): the handler keeps
// this, starts the work (typically Sql::transaction_async) and sends from its
// completion. Cheap to copy: copies share one answer. Callable from any
// thread; only the first answer counts (later ones return false). When the
// last copy goes away unanswered, the client gets a 500 and the host logs the
// route, so a forgotten answer never leaves a client waiting.
class DeferredResponse {
 public:
  bool send(const Response& response) const;
  // Answers for a failure: an HttpError becomes its JSON answer, an
  // Error(Status::unavailable) a 503 with Retry-After, anything else a 500
  // with the message logged (not shown to the client).
  bool fail(std::exception_ptr error) const;
  bool sent() const { return state_->sent.load(); }

 private:
  friend class Host;
  // `request_id` (Request::request_id()) goes into the error bodies fail() makes.
  DeferredResponse(const ah_host_api* api, ah_response* deferred, std::string_view request_id)
      : state_(std::make_shared<State>(api, deferred)), request_id_(request_id) {}

  struct State {
    State(const ah_host_api* a, ah_response* d) : api(a), deferred(d) {}
    ~State() { fail_with("the handler dropped its DeferredResponse without answering"); }
    // A 500 for the client, `message` for the host's log; false when answered already.
    bool fail_with(std::string_view message) {
      if (sent.exchange(true)) return false;
      api->response_finish(deferred, AH_ERR_INTERNAL, {message.data(), message.size()});
      return true;
    }
    State(const State&) = delete;
    State& operator=(const State&) = delete;
    const ah_host_api* api;
    ah_response* deferred;
    std::atomic<bool> sent{false};
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

  // Answered without an API key even when authentication is on (ABI 1.5,
  // AH_ROUTE_NO_API_KEY): only for what a browser must load before its user
  // can enter a key, such as a web page and its static files. Never for data.
  RouteDoc& without_api_key() {
    api_key_required = false;
    return *this;
  }

  std::string summary;
  nlohmann::json request_schema = nullptr;
  nlohmann::json response_schema = nullptr;
  // The rest of the OpenAPI Operation Object (ah_route.openapi_json).
  nlohmann::json openapi = nlohmann::json::object();
  bool api_key_required = true;

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
// A handler that answers through its DeferredResponse, now or after it has
// returned (Host::route_deferred).
using DeferredHandler = std::function<void(const Request&, DeferredResponse)>;

// Where the host runs a route's handler (abi.h, AH_ROUTE_NON_BLOCKING).
enum class RouteMode {
  // On the host's handler pool: the handler may wait (SQL writes, agent
  // calls, outbound HTTP, the LLM). The default; right for almost every route.
  may_block,
  // On the network thread that read the request, saving a thread hand-off:
  // only for handlers that compute their answer from the request and memory.
  non_blocking,
};

// {"error":{...},"request_id":"..."}: whoever refuses a request, host or plugin,
// sync or deferred response, the client reads one shape and can quote the id.
inline Response error_response(const HttpError& error, std::string_view request_id) {
  json body = error.body();
  body["request_id"] = std::string(request_id);
  return Response::json(body, error.status());
}

// What a handler that let an Error(Status::unavailable) escape answers: its
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

namespace detail {
inline void answer(const ah_host_api* api, ah_response* out, const Response& response) {
  api->response_set_status(out, response.status);
  for (const auto& [name, value] : response.headers)
    api->response_add_header(out, view(name), view(value));
  api->response_set_body(out, view(response.body), view(response.content_type));
}
}  // namespace detail

inline bool DeferredResponse::send(const Response& response) const {
  if (state_->sent.exchange(true)) return false;
  detail::answer(state_->api, state_->deferred, response);
  state_->api->response_finish(state_->deferred, AH_OK, {nullptr, 0});
  return true;
}

inline bool DeferredResponse::fail(std::exception_ptr error) const {
  try {
    std::rethrow_exception(error);
  } catch (const HttpError& e) {
    return send(error_response(e, request_id_));
  } catch (const Error& e) {
    if (e.status() == Status::unavailable) return send(unavailable_response(request_id_));
    return state_->fail_with(e.what());
  } catch (const std::exception& e) {
    return state_->fail_with(e.what());
  } catch (...) {
    return state_->fail_with("unknown exception in handler");
  }
}

}  // namespace agent_host

#endif  // AGENT_HOST_HTTP_HPP
