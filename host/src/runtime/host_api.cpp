// Each function here adapts one ABI call to the runtime. None may throw: the
// caller is C.
#include "runtime/host_api.hpp"

#include <exception>
#include <nlohmann/json.hpp>

#include "config/config_error.hpp"
#include "config/yaml_to_json.hpp"
#include "logging/logging.hpp"
#include "runtime/plugin_slot.hpp"
#include "runtime/runtime.hpp"
#include "scheduler/cron_expression.hpp"
#include "store/database.hpp"

namespace agent_host::runtime {
namespace {

PluginSlot& slot_of(ah_host* host) {
  return *host->slot;
}

// Runs fn, turning any exception into AH_ERR_INTERNAL with its message.
template <typename Fn>
ah_status shielded(ah_sink* error, Fn&& fn) {
  try {
    return fn();
  } catch (const std::exception& e) {
    sink_write(error, e.what());
  } catch (...) {
    sink_write(error, "unknown error in the host");
  }
  return AH_ERR_INTERNAL;
}

ah_status finish(const store::Outcome& outcome, const std::string& rows, ah_sink* rows_out,
                 ah_sink* error) {
  if (!outcome.ok()) {
    sink_write(error, outcome.error);
    return outcome.status;
  }
  sink_write(rows_out, rows);
  return AH_OK;
}

void deliver(const HttpResponse& response, ah_http_result_fn done, void* user) {
  std::vector<ah_pair> headers;
  headers.reserve(response.headers.size() + 1);
  for (const auto& [name, value] : response.headers)
    headers.push_back({{name.data(), name.size()}, {value.data(), value.size()}});
  static const std::string kContentType = "content-type";
  if (!response.content_type.empty())
    headers.push_back({{kContentType.data(), kContentType.size()},
                       {response.content_type.data(), response.content_type.size()}});
  ah_http_result result{};
  result.struct_size = sizeof(ah_http_result);
  result.status = response.status;
  result.headers = headers.data();
  result.header_count = headers.size();
  result.body = {response.body.data(), response.body.size()};
  done(user, &result);
}

// Name/value views handed to a plugin: on the stack for the usual handful,
// on the heap only for long lists.
class PairList {
 public:
  template <typename Pairs>
  explicit PairList(const Pairs& pairs) {
    if (pairs.size() > kInline) heap_.reserve(pairs.size());
    for (const auto& [name, value] : pairs) {
      const ah_pair pair{{name.data(), name.size()}, {value.data(), value.size()}};
      if (heap_.capacity() > 0)
        heap_.push_back(pair);
      else
        inline_[size_++] = pair;
    }
  }
  PairList(const PairList&) = delete;  // data() may point into this object
  PairList& operator=(const PairList&) = delete;

  const ah_pair* data() const { return heap_.empty() ? inline_ : heap_.data(); }
  size_t size() const { return heap_.empty() ? size_ : heap_.size(); }

 private:
  static constexpr size_t kInline = 16;
  ah_pair inline_[kInline]{};
  size_t size_ = 0;
  std::vector<ah_pair> heap_;
};

void api_environment(ah_host* host, ah_sink* out) {
  try {
    PluginSlot& slot = slot_of(host);
    sink_write(out, slot.runtime().environment_json(slot));
  } catch (...) {
  }
}

ah_status api_route_add(ah_host* host, const ah_route* route, ah_sink* error) {
  return shielded(error, [&] {
    std::string message;
    const ah_status status = slot_of(host).add_route(*route, message);
    if (status != AH_OK) sink_write(error, slot_of(host).name() + ": " + message);
    return status;
  });
}

void api_response_set_status(ah_response* response, int32_t status) {
  response->response->status = status;
}

void api_response_add_header(ah_response* response, ah_str name, ah_str value) {
  try {
    std::string lower = to_string(name);
    for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (lower == "content-type")
      response->response->content_type = to_string(value);
    else
      response->response->headers.emplace_back(std::move(lower), to_string(value));
  } catch (...) {
  }
}

void api_response_set_body(ah_response* response, ah_str body, ah_str content_type) {
  try {
    response->response->body.assign(to_view(body));
    if (content_type.size) response->response->content_type = to_string(content_type);
  } catch (...) {
  }
}

ah_response* api_response_defer(ah_response* response) {
  if (!response) return nullptr;
  try {
    return DeferredResponse::defer(*response);
  } catch (...) {
    return nullptr;  // out of memory: the handler's failure is answered now instead
  }
}

void api_response_finish(ah_response* deferred, ah_status status, ah_str error) {
  if (deferred && deferred->deferred) DeferredResponse::finish(deferred, status, to_view(error));
}

void api_log(ah_host* host, ah_log_level level, ah_str message, ah_str fields_json) {
  try {
    PluginSlot& slot = slot_of(host);
    slot.runtime().outside().log->write(slot.name(), level, to_view(message), to_view(fields_json));
  } catch (...) {
  }
}

int32_t api_log_enabled(ah_host* host, ah_log_level level) {
  return slot_of(host).runtime().outside().log->enabled(level) ? 1 : 0;
}

ah_metric* api_metric(ah_host* host, ah_metric_kind kind, ah_str name, ah_str help,
                      ah_str labels_json, const double* buckets, size_t bucket_count,
                      ah_sink* error) {
  try {
    PluginSlot& slot = slot_of(host);
    std::string message;
    ah_metric* metric = slot.runtime().metrics().plugin_metric(slot.name(), kind, to_view(name),
                                                               to_view(help), to_view(labels_json),
                                                               buckets, bucket_count, message);
    if (!metric) sink_write(error, message);
    return metric;
  } catch (const std::exception& e) {
    sink_write(error, e.what());
    return nullptr;
  }
}

void api_metric_add(ah_metric* metric, double value) {
  if (!metric) return;
  if (metric->counter && value >= 0) metric->counter->Increment(value);
  if (metric->gauge) metric->gauge->Increment(value);
}
void api_metric_set(ah_metric* metric, double value) {
  if (metric && metric->gauge) metric->gauge->Set(value);
}
void api_metric_observe(ah_metric* metric, double value) {
  if (metric && metric->histogram) metric->histogram->Observe(value);
}

ah_status api_sql_migrate(ah_host* host, ah_str migrations_json, ah_sink* error) {
  return shielded(error, [&] {
    const auto parsed = nlohmann::json::parse(to_view(migrations_json), nullptr, false);
    if (!parsed.is_array()) {
      sink_write(error, "migrations must be a JSON array of SQL strings");
      return AH_ERR_INVALID_ARGUMENT;
    }
    std::vector<std::string> migrations;
    for (const auto& item : parsed) {
      if (!item.is_string()) {
        sink_write(error, "migration " + std::to_string(migrations.size()) + " is not a string");
        return AH_ERR_INVALID_ARGUMENT;
      }
      migrations.push_back(item.get<std::string>());
    }
    const store::Outcome outcome = slot_of(host).database().migrate(migrations);
    if (!outcome.ok()) sink_write(error, outcome.error);
    return outcome.status;
  });
}

ah_status api_sql_query(ah_host* host, ah_str sql, ah_str params_json, ah_sink* rows,
                        ah_sink* error) {
  return shielded(error, [&] {
    std::string out;
    const auto outcome = slot_of(host).database().query(to_view(sql), to_view(params_json), out);
    return finish(outcome, out, rows, error);
  });
}

// A plugin's C transaction body as the store runs it.
store::TransactionBody plugin_body(ah_sql_tx_fn body, void* user) {
  return [body, user](store::Transaction& tx) {
    SinkString body_error;
    store::Outcome result;
    result.status = body(user, reinterpret_cast<ah_sql_tx*>(&tx), body_error.get());
    result.error = std::move(body_error.text());
    return result;
  };
}

ah_status api_sql_transaction(ah_host* host, ah_sql_tx_fn body, void* user, ah_sink* error) {
  return shielded(error, [&] {
    const auto outcome = slot_of(host).database().transaction(plugin_body(body, user));
    if (!outcome.ok()) sink_write(error, outcome.error);
    return outcome.status;
  });
}

ah_status api_sql_transaction_async(ah_host* host, ah_sql_tx_fn body, void* body_user,
                                    ah_sql_done_fn done, void* done_user, ah_sink* error) {
  if (!body || !done) {
    sink_write(error, "sql_transaction_async needs a body and a done callback");
    return AH_ERR_INVALID_ARGUMENT;
  }
  return shielded(error, [&] {
    slot_of(host).database().transaction_async(
        plugin_body(body, body_user), [done, done_user](store::Outcome outcome) {
          done(done_user, outcome.status, ah_str{outcome.error.data(), outcome.error.size()});
        });
    return AH_OK;
  });
}

ah_status api_sql_tx_query(ah_sql_tx* tx, ah_str sql, ah_str params_json, ah_sink* rows,
                           ah_sink* error) {
  return shielded(error, [&] {
    auto& transaction = *reinterpret_cast<store::Transaction*>(tx);
    std::string out;
    const auto outcome = rows == nullptr
                             ? transaction.execute(to_view(sql), to_view(params_json))
                             : transaction.query(to_view(sql), to_view(params_json), out);
    return finish(outcome, out, rows, error);
  });
}

ah_status api_schedule_cron(ah_host* host, ah_str name, ah_str cron, ah_str zone, ah_job_fn job,
                            void* user, ah_sink* error) {
  return shielded(error, [&] {
    PluginSlot& slot = slot_of(host);
    std::string message;
    const ah_status status = slot.runtime().jobs().schedule(
        slot, Job{to_string(name), to_string(cron), to_string(zone), job, user},
        std::chrono::milliseconds(0), message);
    if (status != AH_OK) sink_write(error, slot.name() + ": " + message);
    return status;
  });
}

ah_status api_schedule_once(ah_host* host, ah_str name, uint64_t delay_ms, ah_job_fn job,
                            void* user, ah_sink* error) {
  return shielded(error, [&] {
    PluginSlot& slot = slot_of(host);
    std::string message;
    const ah_status status =
        slot.runtime().jobs().schedule(slot, Job{to_string(name), {}, {}, job, user},
                                       std::chrono::milliseconds(delay_ms), message);
    if (status != AH_OK) sink_write(error, slot.name() + ": " + message);
    return status;
  });
}

template <typename Call>
ah_status outbound(ah_http_result_fn done, void* user, ah_sink* error, Call&& call) {
  return shielded(error, [&] {
    HttpResponse response;
    std::string message;
    const ah_status status = call(response, message);
    if (status != AH_OK) {
      sink_write(error, logging::Logging::redact(std::move(message)));
      return status;
    }
    deliver(response, done, user);
    return AH_OK;
  });
}

ah_status api_agent_call(ah_host* host, const ah_http_call* call, ah_http_result_fn done,
                         void* user, ah_sink* error) {
  return outbound(done, user, error, [&](HttpResponse& response, std::string& message) {
    PluginSlot& slot = slot_of(host);
    return slot.runtime().outbound().agent_call(slot, *call, response, message);
  });
}

ah_status api_http_request(ah_host* host, const ah_http_call* call, ah_http_result_fn done,
                           void* user, ah_sink* error) {
  return outbound(done, user, error, [&](HttpResponse& response, std::string& message) {
    return slot_of(host).runtime().outbound().http_request(*call, response, message);
  });
}

ah_status api_secret_read(ah_host* host, ah_str name, ah_sink* value, ah_sink* error) {
  return shielded(error, [&] {
    std::string text, message;
    const ah_status status =
        slot_of(host).runtime().outside().secrets->read(to_string(name), text, message);
    if (status != AH_OK) {
      sink_write(error, message);
      return status;
    }
    sink_write(value, text);
    return AH_OK;
  });
}

ah_status api_llm_generate(ah_host* host, ah_str request_json, ah_sink* response_json,
                           ah_sink* error) {
  return shielded(error, [&] {
    std::string out, message;
    const ah_status status =
        slot_of(host).runtime().outside().llm->generate(to_string(request_json), out, message);
    if (status != AH_OK) {
      sink_write(error, logging::Logging::redact(std::move(message)));
      return status;
    }
    sink_write(response_json, out);
    return AH_OK;
  });
}

ah_status api_yaml_to_json(ah_host*, ah_str yaml, ah_str origin, ah_sink* out_json,
                           ah_sink* error) {
  return shielded(error, [&] {
    try {
      sink_write(out_json, config::yaml_to_json(to_string(yaml), to_string(origin)).dump());
      return AH_OK;
    } catch (const config::ConfigError& e) {
      sink_write(error, e.what());
      return AH_ERR_INVALID_ARGUMENT;
    }
  });
}

ah_status api_cron_check(ah_host*, ah_str cron, ah_sink* error) {
  return shielded(error, [&] {
    try {
      scheduler::CronExpression::parse(to_view(cron));
      return AH_OK;
    } catch (const scheduler::CronError& e) {
      sink_write(error, e.what());
      return AH_ERR_INVALID_ARGUMENT;
    }
  });
}

ah_status api_time_zone_check(ah_host*, ah_str time_zone, ah_sink* error) {
  return shielded(error, [&] {
    try {
      scheduler::find_zone(to_view(time_zone));
      return AH_OK;
    } catch (const std::invalid_argument& e) {
      sink_write(error, e.what());
      return AH_ERR_INVALID_ARGUMENT;
    }
  });
}

ah_status api_sql_dialect(ah_host* host, ah_sink* out) {
  return shielded(out, [&] {
    sink_write(out, slot_of(host).runtime().config().storage.backend);
    return AH_OK;
  });
}

const ah_host_api kTable = {
    AH_ABI_MAJOR,
    AH_ABI_MINOR,
    sizeof(ah_host_api),
    api_environment,
    api_route_add,
    api_response_set_status,
    api_response_add_header,
    api_response_set_body,
    api_log,
    api_log_enabled,
    api_metric,
    api_metric_add,
    api_metric_set,
    api_metric_observe,
    api_sql_migrate,
    api_sql_query,
    api_sql_transaction,
    api_sql_tx_query,
    api_schedule_cron,
    api_schedule_once,
    api_agent_call,
    api_http_request,
    api_secret_read,
    api_llm_generate,
    api_response_defer,
    api_response_finish,
    api_sql_transaction_async,
    api_yaml_to_json,
    api_cron_check,
    api_time_zone_check,
    api_sql_dialect,
};

}  // namespace

const ah_host_api* host_api_table() {
  return &kTable;
}

ah_status call_route_handler(const Route& route, const HttpRequest& request,
                             const router::Params& path_params, const router::Params& query,
                             HandlerCall& call, HttpResponse& response, std::string& error) {
  const PairList headers(request.headers), path_param_list(path_params);
  const PairList query_params(query);
  const std::string& route_text = route.pattern.text();
  ah_request raw{};
  raw.struct_size = sizeof(ah_request);
  raw.method = {request.method.data(), request.method.size()};
  raw.path = {request.path.data(), request.path.size()};
  raw.route = {route_text.data(), route_text.size()};
  raw.query = {request.query.data(), request.query.size()};
  raw.headers = headers.data();
  raw.header_count = headers.size();
  raw.path_params = path_param_list.data();
  raw.path_param_count = path_param_list.size();
  raw.query_params = query_params.data();
  raw.query_param_count = query_params.size();
  raw.body = {request.body.data(), request.body.size()};
  raw.request_id = {request.request_id.data(), request.request_id.size()};
  raw.in_process = request.in_process ? 1 : 0;

  ah_response out{&response, &call, nullptr};
  SinkString handler_error;
  ah_status status = AH_ERR_INTERNAL;
  try {
    status = route.handler(route.user, &raw, &out, handler_error.get());
  } catch (...) {
    handler_error.text() =
        "an exception escaped the plugin's handler (the SDK should have caught it)";
  }
  if (status != AH_OK) error = std::move(handler_error.text());
  return status;
}

}  // namespace agent_host::runtime
