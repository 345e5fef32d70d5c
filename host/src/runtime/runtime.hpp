// The host runtime: everything agent-host does except the network listener and
// the command line. It owns the plugins and every service they use, and answers
// requests given as HttpRequest, so the HTTP server, in-process agent calls and
// the SDK's fake host all go through the same code.
#pragma once

#include <agent_host/abi.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <vector>

#include "config/host_config.hpp"
#include "config/value_formats.hpp"
#include "http_client/client.hpp"
#include "llm/ollama_client.hpp"
#include "loader/plugin_library.hpp"
#include "metrics/host_metrics.hpp"
#include "metrics/metrics.hpp"
#include "runtime/api_keys.hpp"
#include "runtime/http_types.hpp"
#include "runtime/plugin_slot.hpp"
#include "scheduler/scheduler.hpp"

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

// Replacements for the outside world (the fake host). Unset = the real thing.
struct OutsideWorld {
  // An agent call to an agent not loaded here (instead of HTTP to a peer).
  std::function<ah_status(const HttpRequest& request, const std::string& agent,
                          HttpResponse& response)>
      agent;
  // An outbound http_request.
  std::function<ah_status(const HttpRequest& request, const std::string& url,
                          HttpResponse& response)>
      http;
  // llm_generate; answer JSON or a status + message.
  std::function<ah_status(const nlohmann::json& request, nlohmann::json& response,
                          std::string& error)>
      llm;
  // Plugin log lines go here instead of the process log.
  std::function<void(const std::string& plugin, ah_log_level level, std::string_view message,
                     std::string_view fields_json)>
      log;
  std::map<std::string, std::string> secrets;  // used instead of files when not empty
  bool manual_jobs = false;                    // jobs fire only when run explicitly
};

struct RuntimeOptions {
  std::string config_file;  // for messages
  std::string version = "0.0.0";
  OutsideWorld outside;
  // Plugins compiled into the process (fake host), looked up before files.
  std::vector<loader::PluginCode> static_plugins;
  // Whether a config value of format "secret" must name a mounted secret.
  // check-config without --connect runs where the Secrets are not mounted.
  bool check_secret_mounts = true;
};

class Runtime {
 public:
  Runtime(config::HostConfig config, RuntimeOptions options);
  ~Runtime();
  Runtime(const Runtime&) = delete;
  Runtime& operator=(const Runtime&) = delete;

  // Finds, validates, creates and starts every enabled plugin, then opens the
  // routes. Throws RuntimeError listing every refused plugin or section.
  void start();
  // The problems start() would report about plugins and their config sections,
  // without creating any plugin (check-config).
  std::vector<std::string> check_plugins();
  // Readiness off, then stop and destroy plugins in reverse order. Idempotent.
  void stop();

  // Answers one request: host endpoints, then plugin routes. Never throws.
  // `done` gets the response exactly once: before this returns, or later
  // from another thread when the handler deferred it (abi.h response_defer).
  void dispatch(HttpRequest& request, Completion done);
  // The same, waiting for the response (agent calls, the fake host).
  HttpResponse dispatch(HttpRequest& request);
  // Whether the network thread that read `request` may answer it itself: host
  // endpoints (except /jobs, which runs a job), 404/405, and plugin routes
  // flagged AH_ROUTE_NON_BLOCKING. Everything else belongs on the handler pool.
  bool answers_inline(const HttpRequest& request) const;

  // Validates and applies a new configuration. On any problem the running
  // configuration stays and RuntimeError says why (and the failure is counted).
  // A valid config that changes the plugin set or a key that cannot change
  // live throws RestartRequired, and nothing is applied.
  void reload(const config::HostConfig& next);

  // The host's JSON answer to a request refused before dispatch (malformed,
  // too large, too slow: the HTTP server's checks), with a fresh request id,
  // counted in the request metrics under route "unparsed". Any thread.
  HttpResponse refuse(int status, const std::string& code, const std::string& message,
                      const std::string& field, const std::string& method);

  void set_draining() { draining_ = true; }
  bool ready() const;
  nlohmann::json health() const;
  const config::HostConfig& config() const { return config_; }
  metrics::Metrics& metrics() { return metrics_; }
  metrics::HostMetrics& host_metrics() { return *host_metrics_; }
  std::size_t in_flight() const { return in_flight_.load(); }
  // Requests dispatched since start: lets a drain notice a request that was
  // queued behind a slow one on the same server thread.
  std::uint64_t requests_started() const { return requests_started_.load(); }

  // Jobs, for the jobs endpoint and the fake host.
  std::vector<std::string> job_names(const std::string& plugin) const;
  // Every recurring job the started plugins registered, in start order
  // (agent-host jobs: what Kubernetes CronJobs must run when the scheduler is off).
  struct RecurringJob {
    std::string plugin, name, cron, zone;
  };
  std::vector<RecurringJob> recurring_jobs() const;
  // Runs a job now, on this thread. False + error when unknown or failed.
  bool run_job(const std::string& plugin, const std::string& job,
               std::chrono::system_clock::time_point fire_time, std::string& error);

  // --- services used by the C API table (host_api.cpp) ---
  ah_status agent_call(PluginSlot& caller, const ah_http_call& call, HttpResponse& response,
                       std::string& error);
  ah_status http_request(const ah_http_call& call, HttpResponse& response, std::string& error);
  ah_status read_secret(const std::string& name, std::string& value, std::string& error);
  ah_status llm_generate(const std::string& request_json, std::string& response_json,
                         std::string& error);
  ah_status schedule(PluginSlot& slot, Job job, std::chrono::milliseconds once_delay,
                     std::string& error);
  std::string environment_json(const PluginSlot& slot) const;
  const OutsideWorld& outside() const { return options_.outside; }
  const std::string& version() const { return options_.version; }

 private:
  // What requests see: the started plugins, by prefix. Replaced as a whole on
  // reload; a request keeps the snapshot (and the plugins' code) it started with.
  struct Snapshot {
    std::vector<std::shared_ptr<PluginSlot>> plugins;  // start order
    // /openapi.json, built on the first request for it rather than at start.
    struct OpenApi {
      std::once_flag built;
      std::string text;
    };
    std::unique_ptr<OpenApi> openapi = std::make_unique<OpenApi>();
    std::map<std::string, std::string> peers;  // agent -> base URL including its prefix
    std::chrono::milliseconds peer_timeout{10000};
  };

  // Host endpoint that runs a plugin's job: /jobs/{plugin}/{job}.
  static constexpr std::string_view kJobsPrefix = "/jobs/";

  std::shared_ptr<const Snapshot> snapshot() const;
  // The snapshot once the host serves plugins, waiting up to `patience` while it
  // is starting; null when it is stopped or still starting after that.
  std::shared_ptr<const Snapshot> served_snapshot(std::chrono::milliseconds patience) const;
  void publish(std::shared_ptr<const Snapshot> next);
  config::FormatChecks value_checks();
  std::optional<std::string> secret_problem(const std::string& name);
  std::shared_ptr<PluginSlot> make_slot(const config::PluginSection& section,
                                        std::vector<std::string>& problems);
  const loader::PluginCode* find_code(const std::string& name, std::string& why);
  // Peers' base URLs: the configured URL plus the agent's default prefix,
  // which the plugin file tells (the same image serves every pod).
  std::map<std::string, std::string> peer_bases(const config::HostConfig& config);
  // Gives the request an id: the client's X-Request-Id when usable, else ours.
  void assign_request_id(HttpRequest& request);
  // The plugin's response, or nullopt when its handler deferred it (the
  // DeferredResponse then took `done`).
  std::optional<HttpResponse> dispatch_plugin(const Snapshot& snap, HttpRequest& request,
                                              Completion& done,
                                              std::chrono::steady_clock::time_point began);
  // The end of every request, now or deferred: request id header, metrics,
  // the in-flight count.
  void conclude(HttpResponse& response, std::chrono::steady_clock::time_point began,
                const std::string& request_id, const std::string& method, bool in_process);
  void conclude(HttpResponse& response, const RequestFacts& facts);
  // Logs and counts a handler's failure; the 500 the client gets instead.
  HttpResponse handler_failed(PluginSlot& slot, const RequestFacts& facts, const std::string& error,
                              metrics::RouteSeries* series);
  friend class DeferredResponse;
  HttpResponse host_endpoint(const Snapshot& snap, HttpRequest& request, bool& handled);
  HttpResponse docs_file(const std::string& name, const HttpRequest& request) const;
  HttpResponse jobs_endpoint(const Snapshot& snap, const std::string& rest, HttpRequest& request);
  HttpResponse run_job_endpoint(const Snapshot& snap, const std::string& plugin,
                                const std::string& job, HttpRequest& request);
  std::string build_openapi(const Snapshot& snap) const;
  void configure_llm();
  void job_finished(const std::string& plugin, const std::string& job, bool ok, bool skipped,
                    const std::string& error, double seconds);

  config::HostConfig config_;
  RuntimeOptions options_;
  metrics::Metrics metrics_;
  std::unique_ptr<metrics::HostMetrics> host_metrics_;
  ApiKeys api_keys_;
  std::unique_ptr<http::Client> http_client_;
  std::unique_ptr<llm::OllamaClient> llm_;
  std::unique_ptr<scheduler::Scheduler> scheduler_;
  std::optional<loader::Scan> scan_;  // plugin files, scanned once on first need
  std::string instance_;              // host name

  mutable std::mutex snapshot_mutex_;
  std::shared_ptr<const Snapshot> snapshot_;
  // Signalled by publish(): agent calls made while the host is still starting
  // (a plugin's workers resuming runs) wait for the plugins to be served.
  mutable std::condition_variable published_;
  std::mutex lifecycle_mutex_;  // start / reload / stop
  std::atomic<bool> started_{false};
  std::atomic<bool> draining_{false};
  std::atomic<bool> stopped_{false};
  std::atomic<std::size_t> in_flight_{0};
  std::atomic<std::uint64_t> requests_started_{0};
  std::atomic<std::uint64_t> request_counter_{0};
  std::string request_id_prefix_;
};

}  // namespace agent_host::runtime
