// Applying a new configuration to a running host without a restart.
#include <thread>

#include "logging/logging.hpp"
#include "runtime/runtime.hpp"

namespace agent_host::runtime {
namespace {

void host_log(ah_log_level level, const std::string& message, const nlohmann::json& fields) {
  if (logging::Logging::enabled(level))
    logging::Logging::log(level, "host", message, fields.dump());
}

// Keys a running process cannot change: listening sockets, data location, code, keys.
std::vector<std::string> restart_only_changes(const config::HostConfig& a,
                                              const config::HostConfig& b) {
  std::vector<std::string> keys;
  auto check = [&](const char* key, const nlohmann::json::json_pointer& pointer) {
    const auto& x = a.raw.contains(pointer) ? a.raw.at(pointer) : nlohmann::json();
    const auto& y = b.raw.contains(pointer) ? b.raw.at(pointer) : nlohmann::json();
    if (x != y) keys.emplace_back(key);
  };
  check("service", "/service"_json_pointer);
  check("http", "/http"_json_pointer);
  check("metrics", "/metrics"_json_pointer);
  check("auth", "/auth"_json_pointer);
  check("storage", "/storage"_json_pointer);
  check("plugin_dirs", "/plugin_dirs"_json_pointer);
  check("secrets_dir", "/secrets_dir"_json_pointer);
  check("scheduler", "/scheduler"_json_pointer);
  check("llm", "/llm"_json_pointer);
  return keys;
}

std::string join(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& line : lines) out += (out.empty() ? "" : "\n") + line;
  return out;
}

}  // namespace

void Runtime::retire(std::vector<std::shared_ptr<PluginSlot>> slots) {
  for (auto& slot : slots) {
    scheduler_->remove_owner(slot->name());
    // Requests that started before the switch still hold the old snapshot.
    const auto deadline =
        std::chrono::steady_clock::now() + std::chrono::milliseconds(config_.http.drain_timeout_ms);
    while (slot.use_count() > 1 && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    slot->stop();
    slot->destroy();
    metrics_.remove_plugin(slot->name());
    host_log(AH_LOG_INFO, "plugin disabled", {{"name", slot->name()}});
  }
}

void Runtime::reload(const config::HostConfig& next) {
  std::lock_guard<std::mutex> lock(lifecycle_mutex_);
  try {
    auto current = snapshot();
    if (!current) throw RuntimeError("the host is not running; nothing to reload");
    std::vector<std::string> problems;
    std::vector<std::pair<std::shared_ptr<PluginSlot>, nlohmann::json>> to_reload;
    std::vector<std::shared_ptr<PluginSlot>> to_add, kept, to_remove;
    for (const auto& section : next.plugins) {
      if (!section.enabled) continue;
      std::shared_ptr<PluginSlot> existing;
      for (const auto& slot : current->plugins)
        if (slot->name() == section.name) existing = slot;
      auto candidate = make_slot(section, problems);
      if (!candidate) continue;
      if (existing && existing->prefix() == candidate->prefix()) {
        if (candidate->config() != existing->config())
          to_reload.emplace_back(existing, candidate->config());
        continue;  // the candidate was never created: dropping it costs nothing
      }
      to_add.push_back(std::move(candidate));
    }
    for (const auto& slot : current->plugins) {
      bool still_enabled = false;
      for (const auto& section : next.plugins)
        if (section.enabled && section.name == slot->name()) {
          bool replaced = false;
          for (const auto& added : to_add) replaced |= added->name() == slot->name();
          still_enabled = !replaced;
        }
      (still_enabled ? kept : to_remove).push_back(slot);
    }
    if (kept.empty() && to_add.empty())
      problems.push_back(options_.config_file + ": plugins: the new config enables no plugin");
    if (!problems.empty()) throw RuntimeError(join(problems));

    std::vector<std::pair<std::shared_ptr<PluginSlot>, nlohmann::json>> reloaded;
    std::vector<std::shared_ptr<PluginSlot>> added;
    try {
      for (auto& [slot, config] : to_reload) {
        nlohmann::json previous = slot->config();
        slot->reload(config);
        reloaded.emplace_back(slot, std::move(previous));
      }
      for (auto& slot : to_add) {
        slot->create();
        slot->start();
        added.push_back(slot);
      }
    } catch (const std::exception& e) {
      for (auto& slot : added) slot->destroy();
      for (auto& [slot, previous] : reloaded) {
        try {
          slot->reload(previous);
        } catch (const std::exception& revert) {
          host_log(AH_LOG_ERROR, "could not restore a plugin's previous config",
                   {{"plugin", slot->name()}, {"error", revert.what()}});
        }
      }
      throw RuntimeError(e.what());
    }

    // Request threads read only the snapshot, so the running config changes
    // only in parts no request reads: plugin sections, peers (which reach
    // requests through the new snapshot) and log settings. What needs a
    // restart is kept, and the log says so.
    const auto restart_keys = restart_only_changes(config_, next);
    if (!restart_keys.empty())
      host_log(AH_LOG_WARN, "config keys changed that need a restart to take effect",
               {{"keys", restart_keys}});
    config_.plugins = next.plugins;
    config_.peers = next.peers;
    config_.peer_timeout_ms = next.peer_timeout_ms;
    config_.log = next.log;
    nlohmann::json raw = next.raw;
    for (const auto& key : restart_keys)
      raw[key] = config_.raw.contains(key) ? config_.raw[key] : nlohmann::json();
    config_.raw = std::move(raw);

    auto snap = std::make_shared<Snapshot>();
    snap->plugins = kept;
    snap->plugins.insert(snap->plugins.end(), added.begin(), added.end());
    snap->peers = peer_bases(config_);
    snap->peer_timeout = std::chrono::milliseconds(config_.peer_timeout_ms);
    publish(snap);
    current.reset();
    host_metrics_->set_plugins_loaded(static_cast<double>(snap->plugins.size()));
    retire(std::move(to_remove));
    host_metrics_->config_reload(true);
    host_log(AH_LOG_INFO, "config reloaded",
             {{"reloaded", to_reload.size()},
              {"enabled", added.size()},
              {"plugins", snap->plugins.size()}});
  } catch (const std::exception& e) {
    host_metrics_->config_reload(false);
    host_log(AH_LOG_ERROR, "config reload refused; the running config stays",
             {{"error", e.what()}});
    throw RuntimeError(e.what());
  }
}

}  // namespace agent_host::runtime
