// agent_host/host.hpp — every service the host offers a plugin, in C++ form:
// routes, logs, metrics, storage, jobs, calls to other agents and URLs,
// secrets, YAML documents, schedule checks and the LLM.
#ifndef AGENT_HOST_HOST_HPP
#define AGENT_HOST_HOST_HPP

#include <agent_host/detail/c_bridge.hpp>
#include <agent_host/error.hpp>
#include <agent_host/http.hpp>
#include <agent_host/metrics.hpp>
#include <agent_host/sql.hpp>
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace agent_host {

// How much a log line matters. The host drops lines below its configured
// level (log.level) before the plugin formats them.
enum class LogLevel {
  trace = AH_LOG_TRACE,
  debug = AH_LOG_DEBUG,
  info = AH_LOG_INFO,
  warn = AH_LOG_WARN,
  error = AH_LOG_ERROR,
};

// The level's name as the host's JSON logs spell it ("info", "warn"...).
inline std::string_view to_string(LogLevel level) {
  switch (level) {
    case LogLevel::trace:
      return "trace";
    case LogLevel::debug:
      return "debug";
    case LogLevel::info:
      return "info";
    case LogLevel::warn:
      return "warn";
    case LogLevel::error:
      return "error";
  }
  return "info";
}

namespace detail {
template <typename P>
struct Instance;
}  // namespace detail

class Host {
 public:
  using JobFn = std::function<void(std::chrono::system_clock::time_point fire_time)>;

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

  // A route whose handler answers through a DeferredResponse, possibly after it has
  // returned: typically it validates the request, queues the write with
  // sql().transaction_async and answers from `done`, so no thread waits for
  // the commit. What the handler throws before answering is answered as by
  // route(). Copy what `done` needs: the Request is gone once the handler
  // returns. A handler that only defers to transaction_async never blocks:
  // give it RouteMode::non_blocking.
  void route_deferred(std::string_view method, std::string_view path, RouteDoc doc,
                      DeferredHandler handler, RouteMode mode = RouteMode::may_block) {
    deferred_handlers_.push_back(
        std::make_unique<BoundDeferredHandler>(BoundDeferredHandler{api_, std::move(handler)}));
    add_route(method, path, doc, &Host::dispatch_deferred, deferred_handlers_.back().get(), mode);
  }

  // --- logs ---
  void log(LogLevel level, std::string_view message,
           const nlohmann::json& fields = nlohmann::json()) const {
    const auto c_level = static_cast<ah_log_level>(level);
    if (!api_->log_enabled(host_, c_level)) return;
    const std::string text = fields.is_object() ? fields.dump() : std::string();
    api_->log(host_, c_level, detail::view(message), detail::view(text));
  }
  void debug(std::string_view m, const nlohmann::json& f = {}) const { log(LogLevel::debug, m, f); }
  void info(std::string_view m, const nlohmann::json& f = {}) const { log(LogLevel::info, m, f); }
  void warn(std::string_view m, const nlohmann::json& f = {}) const { log(LogLevel::warn, m, f); }
  void error(std::string_view m, const nlohmann::json& f = {}) const { log(LogLevel::error, m, f); }

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
    if (status != AH_OK) throw Error(detail::status_of(status), error.text());
  }
  // One-shot job after `delay`.
  void once(std::string_view name, std::chrono::milliseconds delay, JobFn job) {
    detail::StringSink error;
    ah_status status =
        api_->schedule_once(host_, detail::view(name), static_cast<uint64_t>(delay.count()),
                            &Host::run_job, keep_job(std::move(job)), error.get());
    if (status != AH_OK) throw Error(detail::status_of(status), error.text());
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
    if (status != AH_OK) throw Error(detail::status_of(status), error.text());
    return std::move(value.text());
  }

  // --- documents ---
  // One YAML document as JSON, read as the host reads its config (see
  // yaml_to_json in abi.h: bounded aliases and depth, UTF-8 only). Throws
  // Error(Status::invalid_argument) whose message starts `origin:line:column:`.
  nlohmann::json parse_yaml(std::string_view yaml, std::string_view origin = "document") const {
    detail::StringSink out, error;
    const ah_status status =
        api_->yaml_to_json(host_, detail::view(yaml), detail::view(origin), out.get(), error.get());
    if (status != AH_OK) throw Error(detail::status_of(status), error.text());
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
    if (status != AH_OK) throw Error(detail::status_of(status), error.text());
    return nlohmann::json::parse(out.text());
  }

 private:
  template <typename P>
  friend struct detail::Instance;
  Host(const ah_host_api* api, ah_host* host) : api_(api), host_(host), sql_(api, host) {}

  ah_metric* metric(ah_metric_kind kind, std::string_view name, std::string_view help,
                    const nlohmann::json& labels, const std::vector<double>& buckets) {
    detail::StringSink error;
    const std::string labels_text = labels.empty() ? std::string() : labels.dump();
    ah_metric* m =
        api_->metric(host_, kind, detail::view(name), detail::view(help), detail::view(labels_text),
                     buckets.empty() ? nullptr : buckets.data(), buckets.size(), error.get());
    if (!m) throw Error(Status::invalid_argument, error.text());
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
    route.flags = (mode == RouteMode::non_blocking ? AH_ROUTE_NON_BLOCKING : 0u) |
                  (doc.api_key_required ? 0u : AH_ROUTE_NO_API_KEY);
    route.openapi_json = detail::view(openapi);
    detail::StringSink error;
    ah_status status = api_->route_add(host_, &route, error.get());
    if (status != AH_OK) throw Error(detail::status_of(status), error.text());
  }

  // A handler with the table it answers through (the C handler gets only `user`).
  struct BoundHandler {
    const ah_host_api* api;
    Handler handler;
  };
  struct BoundDeferredHandler {
    const ah_host_api* api;
    DeferredHandler handler;
  };
  static ah_status dispatch(void* user, const ah_request* raw, ah_response* out, ah_sink* error);
  static ah_status dispatch_deferred(void* user, const ah_request* raw, ah_response* out,
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
    if (status != AH_OK) throw Error(detail::status_of(status), error.text());
    return result;
  }

  const ah_host_api* api_;
  ah_host* host_;
  Sql sql_;
  std::deque<std::unique_ptr<BoundHandler>> handlers_;
  std::deque<std::unique_ptr<BoundDeferredHandler>> deferred_handlers_;
  std::mutex jobs_mutex_;
  std::deque<std::unique_ptr<JobFn>> jobs_;
};

inline ah_status Host::dispatch(void* user, const ah_request* raw, ah_response* out,
                                ah_sink* error) {
  const auto* bound = static_cast<const BoundHandler*>(user);
  const Request request(raw);
  try {
    detail::answer(bound->api, out, bound->handler(request));
    return AH_OK;
  } catch (const HttpError& e) {
    detail::answer(bound->api, out, error_response(e, request.request_id()));
    return AH_OK;
  } catch (const Error& e) {
    if (e.status() == Status::unavailable) {
      detail::answer(bound->api, out, unavailable_response(request.request_id()));
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

inline ah_status Host::dispatch_deferred(void* user, const ah_request* raw, ah_response* out,
                                         ah_sink* error) {
  const auto* bound = static_cast<const BoundDeferredHandler*>(user);
  ah_response* deferred = bound->api->response_defer(out);
  if (!deferred) {
    detail::write(error, "the host refused to defer this response");
    return AH_ERR_INTERNAL;
  }
  const Request request(raw);
  const DeferredResponse response(bound->api, deferred, request.request_id());
  try {
    bound->handler(request, response);
  } catch (...) {
    response.fail(std::current_exception());
  }
  return AH_OK;
}

}  // namespace agent_host

#endif  // AGENT_HOST_HOST_HPP
