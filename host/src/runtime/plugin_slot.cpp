#include "runtime/plugin_slot.hpp"

#include <cstddef>
#include <stdexcept>
#include <thread>

#include "logging/logging.hpp"
#include "runtime/host_api.hpp"
#include "runtime/host_endpoints.hpp"
#include "runtime/runtime.hpp"
#include "runtime/storage.hpp"

namespace agent_host::runtime {
namespace {

bool is_method(const std::string& m) {
  return m == "GET" || m == "POST" || m == "PUT" || m == "PATCH" || m == "DELETE" || m == "HEAD" ||
         m == "OPTIONS";
}

nlohmann::json parse_schema(ah_str text) {
  if (text.size == 0) return nullptr;
  return nlohmann::json::parse(to_view(text), nullptr, false);
}

}  // namespace

PluginSlot::PluginSlot(Runtime& runtime, loader::PluginCode code, std::string prefix,
                       nlohmann::json config)
    : runtime_(runtime),
      handle_{this},
      code_(std::move(code)),
      name_(code_.descriptor->name),
      prefix_(std::move(prefix)),
      version_(code_.descriptor->version ? code_.descriptor->version : "unknown"),
      config_(std::move(config)) {}

PluginSlot::~PluginSlot() {
  destroy();
}

void PluginSlot::create() {
  SinkString error;
  const std::string config_text = config_.dump();
  instance_ = descriptor().create(host_api_table(), &handle_,
                                  ah_str{config_text.data(), config_text.size()}, error.get());
  if (!instance_)
    throw std::runtime_error(code_.origin + ": plugin \"" + name_ + "\" refused to start (init): " +
                             (error.text().empty() ? "no reason given" : error.text()));
}

void PluginSlot::start() {
  SinkString error;
  if (descriptor().start(instance_, error.get()) != AH_OK)
    throw std::runtime_error(code_.origin + ": plugin \"" + name_ + "\" failed to start: " +
                             (error.text().empty() ? "no reason given" : error.text()));
  routes_open_ = false;
  started_ = true;
}

void PluginSlot::reload(const nlohmann::json& config) {
  SinkString error;
  const std::string text = config.dump();
  if (descriptor().reload(instance_, ah_str{text.data(), text.size()}, error.get()) != AH_OK)
    throw std::runtime_error("plugin \"" + name_ + "\" refused the new config: " +
                             (error.text().empty() ? "no reason given" : error.text()));
  config_ = config;
}

void PluginSlot::stop() {
  if (!instance_ || stopped_) return;
  stopped_ = true;
  started_ = false;
  descriptor().stop(instance_);
}

void PluginSlot::destroy() {
  if (!instance_) return;
  stop();
  wait_for_deferred_responses();
  // Transactions queued with sql_transaction_async call back into the plugin.
  // Waited for without the lock: a `done` may queue the next transaction.
  store::Database* database = nullptr;
  {
    std::lock_guard<std::mutex> lock(database_mutex_);
    database = database_.get();
  }
  if (database) database->wait_idle();
  descriptor().destroy(instance_);
  instance_ = nullptr;
}

void PluginSlot::deferred_finished() {
  std::size_t count = deferred_.load(std::memory_order_relaxed);
  while (count > 1)  // not the last: nobody to wake
    if (deferred_.compare_exchange_weak(count, count - 1, std::memory_order_release)) return;
  // The last one is counted down under the lock, so destroy() cannot see zero
  // and free this slot before the notification is done with it.
  std::lock_guard<std::mutex> lock(deferred_mutex_);
  if (deferred_.fetch_sub(1, std::memory_order_acq_rel) == 1) all_deferred_finished_.notify_all();
}

void PluginSlot::wait_for_deferred_responses() {
  {
    std::unique_lock<std::mutex> lock(deferred_mutex_);
    all_deferred_finished_.wait_for(
        lock, std::chrono::milliseconds(runtime_.config().http.drain_timeout_ms),
        [this] { return deferred_.load(std::memory_order_acquire) == 0; });
  }
  if (const std::size_t left = deferred_.load(std::memory_order_acquire); left > 0)
    logging::Logging::log(
        AH_LOG_ERROR, "host", "plugin never finished deferred responses",
        nlohmann::json{{"plugin", name_},
                       {"unfinished", left},
                       {"fix", "call response_finish exactly once for every response_defer"}}
            .dump());
}

namespace {
// A plugin built against ABI 1.0 passes a struct without `flags`.
bool route_flag(const ah_route& route, uint32_t flag) {
  const bool has_flags = route.struct_size >= offsetof(ah_route, flags) + sizeof(route.flags);
  return has_flags && (route.flags & flag) != 0;
}

// ABI 1.4's openapi_json; a plugin built before passes a struct without it.
// Text that is not a JSON object is the plugin's bug: refused, not dropped.
bool openapi_fragment(const ah_route& route, nlohmann::json& fragment, std::string& error) {
  const bool has_field =
      route.struct_size >= offsetof(ah_route, openapi_json) + sizeof(route.openapi_json);
  if (!has_field || route.openapi_json.size == 0) return true;
  fragment = nlohmann::json::parse(to_view(route.openapi_json), nullptr, false);
  if (fragment.is_object()) return true;
  error = "route openapi_json must be a JSON object (an OpenAPI Operation Object)";
  return false;
}
}  // namespace

ah_status PluginSlot::add_route(const ah_route& route, std::string& error) {
  if (!routes_open_) {
    error = "routes can only be added while the plugin is created or started";
    return AH_ERR_UNSUPPORTED;
  }
  if (!route.handler) {
    error = "route has no handler";
    return AH_ERR_INVALID_ARGUMENT;
  }
  std::string method = to_string(route.method);
  for (auto& c : method) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (!is_method(method)) {
    error = "route method \"" + method + "\" is not one of GET, POST, PUT, PATCH, DELETE";
    return AH_ERR_INVALID_ARGUMENT;
  }
  Route entry{method,
              router::RoutePattern(),
              to_string(route.summary),
              parse_schema(route.request_schema_json),
              parse_schema(route.response_schema_json),
              nullptr,
              route.handler,
              route.user,
              nullptr,
              route_flag(route, AH_ROUTE_NON_BLOCKING),
              route_flag(route, AH_ROUTE_NO_API_KEY)};
  if (!openapi_fragment(route, entry.openapi, error)) return AH_ERR_INVALID_ARGUMENT;
  try {
    entry.pattern = router::RoutePattern::parse(to_view(route.path));
  } catch (const router::RoutePatternError& e) {
    error = e.what();
    return AH_ERR_INVALID_ARGUMENT;
  }
  if (entry.pattern.text() == kHealthPath) {
    error = std::string(kHealthPath) + " is the host's under every prefix (" + prefix_ +
            std::string(kHealthPath) + " answers the host's /health); choose another path";
    return AH_ERR_CONFLICT;
  }
  for (const auto& existing : routes_)
    if (existing.method == method && existing.pattern.same_shape(entry.pattern)) {
      error = method + " " + entry.pattern.text() + " is already registered (as " +
              existing.pattern.text() + ")";
      return AH_ERR_CONFLICT;
    }
  entry.series = &runtime_.host_metrics().route(
      name_, router::public_path(prefix_, entry.pattern.text()), method);
  routes_.push_back(std::move(entry));
  return AH_OK;
}

ah_status PluginSlot::add_job(Job job, std::string& error) {
  std::lock_guard<std::mutex> lock(jobs_mutex_);
  if (job.name.empty()) {
    error = "a job needs a name";
    return AH_ERR_INVALID_ARGUMENT;
  }
  if (jobs_.count(job.name) && !jobs_[job.name].cron.empty()) {
    error = "job \"" + job.name + "\" is already registered by plugin \"" + name_ + "\"";
    return AH_ERR_CONFLICT;
  }
  jobs_[job.name] = std::move(job);
  return AH_OK;
}

bool PluginSlot::find_job(const std::string& name, Job& job) const {
  std::lock_guard<std::mutex> lock(jobs_mutex_);
  auto it = jobs_.find(name);
  if (it == jobs_.end()) return false;
  job = it->second;
  return true;
}

std::vector<Job> PluginSlot::jobs() const {
  std::lock_guard<std::mutex> lock(jobs_mutex_);
  std::vector<Job> list;
  for (const auto& [name, job] : jobs_) list.push_back(job);
  return list;
}

store::Database& PluginSlot::database() {
  std::lock_guard<std::mutex> lock(database_mutex_);
  if (!database_) database_ = open_plugin_database(runtime_.config(), name_);
  return *database_;
}

bool PluginSlot::storage_reachable(std::string& why) const {
  std::lock_guard<std::mutex> lock(database_mutex_);
  why.clear();
  return !database_ || database_->reachable(why);
}

}  // namespace agent_host::runtime
