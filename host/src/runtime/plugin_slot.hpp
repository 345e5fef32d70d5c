// One plugin instance inside the host: its code, config, routes, jobs and
// database. Its address is the `ah_host*` the plugin receives.
#pragma once

#include <agent_host/abi.h>

#include <atomic>
#include <condition_variable>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "loader/plugin_library.hpp"
#include "metrics/host_metrics.hpp"
#include "router/route_pattern.hpp"
#include "runtime/deferred_response.hpp"
#include "runtime/http_types.hpp"
#include "store/database.hpp"

namespace agent_host::runtime {
class Runtime;
class PluginSlot;
}  // namespace agent_host::runtime

// The opaque handles of abi.h, defined by the host.
struct ah_host {
  agent_host::runtime::PluginSlot* slot;
};

namespace agent_host::runtime {

struct Route {
  std::string method;
  router::RoutePattern pattern;
  std::string summary;
  nlohmann::json request_schema;
  nlohmann::json response_schema;
  // ah_route.openapi_json (ABI 1.4): the rest of the OpenAPI operation; null when absent.
  nlohmann::json openapi;
  ah_route_handler handler;
  void* user;
  metrics::RouteSeries* series;
  // AH_ROUTE_NON_BLOCKING: runs on the network thread instead of the handler pool.
  bool non_blocking = false;
  // AH_ROUTE_NO_API_KEY (ABI 1.5): answered without an API key when auth is on.
  bool without_api_key = false;
};

struct Job {
  std::string name;
  std::string cron;  // empty for one-shot jobs
  std::string zone;
  ah_job_fn fn;
  void* user;
};

class PluginSlot {
 public:
  PluginSlot(Runtime& runtime, loader::PluginCode code, std::string prefix, nlohmann::json config);
  ~PluginSlot();
  PluginSlot(const PluginSlot&) = delete;
  PluginSlot& operator=(const PluginSlot&) = delete;

  ah_host* handle() { return &handle_; }
  Runtime& runtime() { return runtime_; }
  const std::string& name() const { return name_; }
  const std::string& prefix() const { return prefix_; }
  const std::string& version() const { return version_; }
  const loader::PluginCode& code() const { return code_; }
  const ah_plugin_descriptor& descriptor() const { return *code_.descriptor; }
  const nlohmann::json& config() const { return config_; }
  void set_config(nlohmann::json config) { config_ = std::move(config); }
  ah_plugin_instance* instance() const { return instance_; }

  // Lifecycle; each throws std::runtime_error naming the plugin and its file.
  void create();
  void start();
  void reload(const nlohmann::json& config);
  void stop();     // idempotent
  void destroy();  // idempotent

  // Routes may be added until start() returns; they are immutable afterwards,
  // so request threads read them without locking.
  ah_status add_route(const ah_route& route, std::string& error);
  const std::vector<Route>& routes() const { return routes_; }

  ah_status add_job(Job job, std::string& error);
  bool find_job(const std::string& name, Job& job) const;
  std::vector<Job> jobs() const;

  // The plugin's database, opened on first use (<data_dir>/<plugin>.db).
  store::Database& database();
  // False while the plugin's database (once opened) cannot be reached; `why` says so.
  bool storage_reachable(std::string& why) const;

  bool started() const { return started_; }

  // Responses deferred by this plugin's handlers and not finished yet:
  // destroy() waits for them, so no answer outlives the plugin's code.
  void deferred_started() { deferred_.fetch_add(1, std::memory_order_relaxed); }
  void deferred_finished();

 private:
  Runtime& runtime_;
  ah_host handle_;
  loader::PluginCode code_;
  std::string name_;
  std::string prefix_;
  std::string version_;
  nlohmann::json config_;
  ah_plugin_instance* instance_ = nullptr;
  std::atomic<bool> routes_open_{true};
  std::atomic<bool> started_{false};
  bool stopped_ = false;
  std::vector<Route> routes_;
  mutable std::mutex jobs_mutex_;
  std::map<std::string, Job> jobs_;
  mutable std::mutex database_mutex_;
  std::unique_ptr<store::Database> database_;
  std::atomic<std::size_t> deferred_{0};
  // Wakes destroy() when the last deferred response finishes.
  std::mutex deferred_mutex_;
  std::condition_variable all_deferred_finished_;

  void wait_for_deferred_responses();
};

// Collects what a C callee writes into a sink.
class SinkString {
 public:
  SinkString()
      : sink_{&text_, [](void* s, const char* d, size_t n) {
                static_cast<std::string*>(s)->append(d, n);
              }} {}
  SinkString(const SinkString&) = delete;
  SinkString& operator=(const SinkString&) = delete;
  ah_sink* get() { return &sink_; }
  std::string& text() { return text_; }

 private:
  std::string text_;
  ah_sink sink_;
};

inline void sink_write(ah_sink* sink, const std::string& text) {
  if (sink && sink->append) sink->append(sink->state, text.data(), text.size());
}

inline std::string to_string(ah_str s) {
  return std::string(s.data ? s.data : "", s.size);
}
inline std::string_view to_view(ah_str s) {
  return {s.data ? s.data : "", s.size};
}

}  // namespace agent_host::runtime
