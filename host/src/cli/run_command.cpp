#include <malloc.h>
#include <signal.h>
#include <unistd.h>

#include <cstdlib>
#include <future>
#include <iostream>
#include <thread>

#include "cli/commands.hpp"
#include "cli/config_watcher.hpp"
#include "config/host_config.hpp"
#include "http_server/http_server.hpp"
#include "logging/logging.hpp"
#include "runtime/runtime.hpp"
#include "runtime/storage.hpp"
#include "scheduler/cron_expression.hpp"
#include "store/postgres_database.hpp"

namespace agent_host::cli {
namespace {

void log(ah_log_level level, const std::string& message,
         const nlohmann::json& fields = nlohmann::json::object()) {
  logging::Logging::log(level, "host", message, fields.empty() ? std::string() : fields.dump());
}

logging::LogOptions log_options(const config::HostConfig& config) {
  logging::LogOptions options;
  options.service = config.service;
  options.level = config.log.level;
  options.format = config.log.format;
  options.file_path = config.log.file.path;
  options.retention_days = config.log.file.retention_days;
  options.max_size_mb = config.log.file.max_size_mb;
  return options;
}

// Signals are handled synchronously by the main thread (sigwait); every other
// thread inherits this mask and never sees them.
sigset_t block_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  signal(SIGPIPE, SIG_IGN);
  return set;
}

// False when the new config needs a restart: the caller drains and exits.
bool reload(runtime::Runtime& runtime, const std::string& config_file) {
  try {
    config::HostConfig next = config::load_host_config(config_file);
    runtime.reload(next);
    logging::Logging::configure(log_options(runtime.config()));
  } catch (const config::ConfigError& e) {
    runtime.host_metrics().config_reload(false);
    log(AH_LOG_ERROR, "config reload refused; the running config stays", {{"error", e.what()}});
  } catch (const runtime::RestartRequired&) {
    return false;  // Runtime::reload has logged which keys changed
  } catch (const std::exception&) {
    // Runtime::reload has logged and counted it.
  }
  return true;
}

// Waits until no request is in flight and none has started for a quiet
// moment: a server thread busy with a slow request holds the requests queued
// behind it on its connections, and they start only when it returns. Closing
// at the first zero would drop them. False when the grace ended first.
bool drain(runtime::Runtime& runtime, std::chrono::milliseconds grace) {
  constexpr std::chrono::milliseconds kQuiet(100);
  runtime.set_draining();
  const auto deadline = std::chrono::steady_clock::now() + grace;
  auto seen = runtime.requests_started();
  auto quiet_since = std::chrono::steady_clock::now();
  for (auto now = quiet_since; now < deadline; now = std::chrono::steady_clock::now()) {
    const auto started = runtime.requests_started();
    if (runtime.in_flight() > 0 || started != seen) {
      seen = started;
      quiet_since = now;
    } else if (now - quiet_since >= kQuiet) {
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  // Requests started by the grace's end (clients kept sending) get a bounded
  // margin to finish; later arrivals do not extend it, and only a handler that
  // outlives it is abandoned. The stop takes at most grace + kStopMargin.
  constexpr std::chrono::milliseconds kStopMargin(2000);
  const auto started_by_grace = runtime.requests_started();
  const auto finished_those = [&] {
    return runtime.in_flight() == 0 ||
           runtime.requests_started() - runtime.in_flight() >= started_by_grace;
  };
  const auto margin_end = std::chrono::steady_clock::now() + kStopMargin;
  while (!finished_those() && std::chrono::steady_clock::now() < margin_end)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  if (finished_those()) return true;
  log(AH_LOG_ERROR, "drain grace period ended with requests in flight; exiting without them",
      {{"in_flight", runtime.in_flight()},
       {"grace_ms", grace.count()},
       {"margin_ms", kStopMargin.count()},
       {"fix", "raise http.drain_timeout_ms, or find the handler that does not return"}});
  return false;
}

void log_listening(const config::HostConfig& config, const http_server::HttpServer& server) {
  const std::string host = config.http.public_url.empty()
                               ? "http://127.0.0.1:" + std::to_string(server.port())
                               : config.http.public_url;
  log(AH_LOG_INFO, "listening",
      {{"http_port", server.port()},
       {"metrics_port", server.metrics_port()},
       {"health", host + "/health"},
       {"docs", host + "/docs"},
       {"metrics", "http://127.0.0.1:" + std::to_string(server.metrics_port()) + "/metrics"}});
}

// Reloads on SIGHUP until a stop signal, or a reload that needs a restart;
// returns the exit code.
int serve_until_stopped(const sigset_t& signals, runtime::Runtime& runtime,
                        const std::string& config_file) {
  while (true) {
    int signal_number = 0;
    if (sigwait(&signals, &signal_number) != 0) continue;
    if (signal_number != SIGHUP) {
      log(AH_LOG_INFO, "draining", {{"signal", signal_number == SIGTERM ? "SIGTERM" : "SIGINT"}});
      return 0;
    }
    log(AH_LOG_INFO, "reloading config", {{"config", config_file}});
    if (!reload(runtime, config_file)) {
      log(AH_LOG_INFO, "draining", {{"reason", "config change needs a restart"}});
      return kExitRestartForConfig;
    }
    malloc_trim(0);
  }
}

}  // namespace

int run(const std::string& config_file) {
  const sigset_t signals = block_signals();
  // Beside config and plugin loading; the future waits for it when it goes.
  auto time_zones = std::async(std::launch::async, scheduler::load_time_zone_database);
  config::HostConfig config;
  try {
    config = config::load_host_config(config_file);
  } catch (const config::ConfigError& e) {
    std::cerr << e.what() << "\n";
    return 1;
  }
  logging::Logging::configure(log_options(config));
  log(AH_LOG_INFO, "starting",
      {{"version", version()}, {"config", config_file}, {"service", config.service}});
  if (config.auth.api_keys_file.empty())
    log(AH_LOG_WARN,
        "authentication is off: no auth.api_keys_file is configured; every plugin route is open");

  runtime::RuntimeOptions options;
  options.config_file = config_file;
  options.version = version();
  auto runtime = std::make_unique<runtime::Runtime>(config, std::move(options));
  try {
    runtime->start();
  } catch (const std::exception& e) {
    log(AH_LOG_ERROR, "startup refused", {{"error", e.what()}});
    logging::Logging::flush();
    std::cerr << e.what() << "\n";
    return 1;
  }
  http_server::HttpServer server(*runtime);
  try {
    server.start();
  } catch (const std::exception& e) {
    log(AH_LOG_ERROR, "startup refused", {{"error", e.what()}});
    logging::Logging::flush();
    std::cerr << e.what() << "\n";
    runtime->stop();
    return 1;
  }
  log_listening(config, server);

  // Start-up parses YAML, schemas and migrations into short-lived trees; hand
  // the freed heap pages back so an idle pod's RSS is what it really keeps
  // (~0.4 MiB with every plugin loaded).
  malloc_trim(0);

  const pid_t self = getpid();
  ConfigWatcher watcher(config_file, [self] { kill(self, SIGHUP); });

  const int exit_code = serve_until_stopped(signals, *runtime, config_file);
  server.begin_drain();
  if (!drain(*runtime, std::chrono::milliseconds(runtime->config().http.drain_timeout_ms))) {
    // Stopping would join the thread that is still in a plugin's handler, and
    // unloading that plugin under it is undefined: leave as a SIGKILL would.
    logging::Logging::flush();
    std::_Exit(kExitDrainTimedOut);
  }
  server.shutdown();
  runtime->stop();
  log(AH_LOG_INFO, "stopped", {{"exit_code", exit_code}});
  logging::Logging::flush();
  return exit_code;
}

namespace {

// Connects as each enabled plugin would; prints the verdict per plugin.
bool check_storage_connection(const config::HostConfig& config) {
  if (config.storage.backend != "postgres") return true;
  bool ok = true;
  for (const auto& section : config.plugins) {
    if (!section.enabled) continue;
    const auto settings =
        runtime::postgres_settings(config, runtime::schema_of_plugin(section.name));
    const store::Outcome outcome = store::check_postgres_connection(settings);
    if (outcome.ok()) {
      std::cout << section.name << ": " << store::pg_target(settings) << ", schema "
                << settings.schema << ": connected\n";
    } else {
      std::cerr << section.name << ": " << outcome.error << "\n";
      ok = false;
    }
  }
  return ok;
}

}  // namespace

int check_config(const std::string& config_file, bool connect) {
  try {
    config::HostConfig config = config::load_host_config(config_file);
    runtime::RuntimeOptions options;
    options.config_file = config_file;
    options.version = version();
    options.check_secret_mounts = connect;
    runtime::Runtime runtime(config, std::move(options));
    const auto problems = runtime.check_plugins();
    if (!problems.empty()) {
      for (const auto& problem : problems) std::cerr << problem << "\n";
      return 1;
    }
    std::string enabled;
    for (const auto& section : config.plugins)
      if (section.enabled) enabled += (enabled.empty() ? "" : ", ") + section.name;
    if (connect && !check_storage_connection(config)) return 1;
    std::cout << config_file << ": ok (service " << config.service << "; plugins: " << enabled
              << "; storage " << config.storage.backend << ")\n";
    return 0;
  } catch (const std::exception& e) {
    std::cerr << e.what() << "\n";
    return 1;
  }
}

}  // namespace agent_host::cli
