// The host runtime: everything agent-host does except the network listener and
// the command line. It owns the plugins and every service they use, and answers
// requests given as HttpRequest, so the HTTP server, in-process agent calls and
// the SDK's fake host all go through the same code.
#pragma once

#include <agent_host/abi.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "config/host_config.hpp"
#include "http_client/client.hpp"
#include "loader/plugin_library.hpp"
#include "metrics/host_metrics.hpp"
#include "metrics/metrics.hpp"
#include "runtime/api_keys.hpp"
#include "runtime/dispatcher.hpp"
#include "runtime/host_endpoints.hpp"
#include "runtime/http_types.hpp"
#include "runtime/outbound_calls.hpp"
#include "runtime/outside_world.hpp"
#include "runtime/plugin_catalog.hpp"
#include "runtime/plugin_jobs.hpp"
#include "runtime/plugin_set.hpp"
#include "runtime/plugin_slot.hpp"

namespace agent_host::runtime {

// A refused start or reload; what() lists every problem, one per line.
class RuntimeError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A valid new config that changes what a running process cannot (the plugin
// set or a section read only at start): the caller drains and exits, and the
// process manager (the kubelet) starts it again with the new file.
class RestartRequired : public RuntimeError {
 public:
  using RuntimeError::RuntimeError;
};

struct RuntimeOptions {
  std::string config_file;  // for messages
  std::string version = "0.0.0";
  // The services that reach outside the process; null ones are the real ones.
  OutsideWorld outside;
  // Plugins compiled into the process (fake host), looked up before files.
  std::vector<loader::PluginCode> static_plugins;
  // Whether a config value of format "secret" must name a mounted secret.
  // check-config without --connect runs where the Secrets are not mounted.
  bool check_secret_mounts = true;
};

// The runtime's parts, each with one job (docs/architecture.md, "The runtime"):
// PluginCatalog finds and validates plugin code, PluginSet holds the started
// plugins' snapshot, Dispatcher answers requests (HostEndpoints the host's
// own), PluginJobs and OutboundCalls serve plugins' jobs and calls, and
// OutsideWorld's services touch the world. Runtime owns them and runs the
// lifecycle: start, reload, stop.
class Runtime {
 public:
  using RecurringJob = runtime::RecurringJob;

  Runtime(config::HostConfig config, RuntimeOptions options);
  ~Runtime();
  Runtime(const Runtime&) = delete;
  Runtime& operator=(const Runtime&) = delete;

  // Finds, validates, creates and starts every enabled plugin, then opens the
  // routes. Throws RuntimeError listing every refused plugin or section.
  void start();
  // The problems start() would report about plugins, their config sections
  // and prefixes (and, when secret mounts are checked, the API keys file),
  // without creating any plugin (check-config).
  std::vector<std::string> check_plugins();
  // Readiness off, then stop and destroy plugins in reverse order. Idempotent.
  void stop();

  // Answers one request: host endpoints, then plugin routes. Never throws.
  // `done` gets the response exactly once: before this returns, or later
  // from another thread when the handler deferred it (abi.h response_defer).
  void dispatch(HttpRequest& request, Completion done) { dispatcher_.dispatch(request, done); }
  // The same, waiting for the response (agent calls, the fake host).
  HttpResponse dispatch(HttpRequest& request) { return dispatcher_.dispatch(request); }
  // Whether the network thread that read `request` may answer it itself: host
  // endpoints (except /jobs, which runs a job), 404/405, and plugin routes
  // flagged AH_ROUTE_NON_BLOCKING. Everything else belongs on the handler pool.
  bool answers_inline(const HttpRequest& request) const {
    return dispatcher_.answers_inline(request);
  }

  // Validates and applies a new configuration. On any problem the running
  // configuration stays and RuntimeError says why (and the failure is counted).
  // A valid config that changes the plugin set or a key that cannot change
  // live throws RestartRequired, and nothing is applied.
  void reload(const config::HostConfig& next);

  // The host's JSON answer to a request refused before dispatch (malformed,
  // too large, too slow: the HTTP server's checks), with a fresh request id,
  // counted in the request metrics under route "unparsed". Any thread.
  HttpResponse refuse(int status, const std::string& code, const std::string& message,
                      const std::string& field, const std::string& method) {
    return dispatcher_.refuse(status, code, message, field, method);
  }

  void set_draining() { draining_ = true; }
  bool draining() const { return draining_; }
  bool ready() const;
  nlohmann::json health() const;
  const config::HostConfig& config() const { return config_; }
  const std::string& version() const { return version_; }
  metrics::Metrics& metrics() { return metrics_; }
  metrics::HostMetrics& host_metrics() { return *host_metrics_; }
  std::size_t in_flight() const { return dispatcher_.in_flight(); }
  // Requests dispatched since start: lets a drain notice a request that was
  // queued behind a slow one on the same server thread.
  std::uint64_t requests_started() const { return dispatcher_.requests_started(); }

  // Jobs, for the jobs endpoint, `agent-host jobs` and the fake host.
  std::vector<std::string> job_names(const std::string& plugin) const {
    return jobs_.names(plugin);
  }
  // Every recurring job the started plugins registered, in start order
  // (agent-host jobs: what Kubernetes CronJobs must run when the scheduler is off).
  std::vector<RecurringJob> recurring_jobs() const { return jobs_.recurring(); }
  // Runs a job now, on this thread. False + error when unknown or failed.
  bool run_job(const std::string& plugin, const std::string& job,
               std::chrono::system_clock::time_point fire_time, std::string& error) {
    return jobs_.run(plugin, job, fire_time, error);
  }

  // --- what the C API table (host_api.cpp) reaches a plugin's services through ---
  PluginJobs& jobs() { return jobs_; }
  OutboundCalls& outbound() { return outbound_; }
  const OutsideWorld& outside() const { return outside_; }
  std::string environment_json(const PluginSlot& slot) const;

 private:
  // `given` with every service left null replaced by the real one.
  OutsideWorld with_real_services(OutsideWorld given);
  // The API keys file, read into api_keys_; a problem instead when it cannot be.
  void read_api_keys(std::vector<std::string>& problems);
  // Every enabled plugin's slot, not created yet, with what start() refuses.
  std::vector<std::shared_ptr<PluginSlot>> plan_slots(std::vector<std::string>& problems);
  // plan_slots and the API keys; throws listing every problem.
  std::vector<std::shared_ptr<PluginSlot>> slots_to_start();
  std::shared_ptr<PluginSnapshot> snapshot_of(std::vector<std::shared_ptr<PluginSlot>> plugins);
  struct ReloadPlan;
  ReloadPlan plan_reload(const PluginSnapshot& current, const config::HostConfig& next);

  config::HostConfig config_;
  std::string config_file_;
  bool check_secret_mounts_;
  std::string version_;
  metrics::Metrics metrics_;
  std::unique_ptr<metrics::HostMetrics> host_metrics_;
  ApiKeys api_keys_;
  http::Client http_client_;
  OutsideWorld outside_;
  PluginSet plugins_;
  PluginCatalog catalog_;
  PluginJobs jobs_;
  HostEndpoints endpoints_;
  Dispatcher dispatcher_;
  OutboundCalls outbound_;
  std::string instance_;  // host name

  std::mutex lifecycle_mutex_;  // start / reload / stop
  std::atomic<bool> started_{false};
  std::atomic<bool> draining_{false};
  std::atomic<bool> stopped_{false};
};

}  // namespace agent_host::runtime
