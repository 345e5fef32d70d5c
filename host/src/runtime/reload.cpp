// Applying a new configuration to a running host: what can change live is
// applied; anything else asks the process to drain and exit (RestartRequired).

#include "runtime/host_log.hpp"
#include "runtime/runtime.hpp"

namespace agent_host::runtime {
namespace {

// Keys a running process cannot change: listening sockets, data location,
// code, keys, timers, the LLM client (docs/configuration.md, Reloading).
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

std::string join(const std::vector<std::string>& items, const char* separator = "\n") {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : separator) + item;
  return out;
}

// Gives each plugin its new config; when one refuses, the ones done get
// their previous config back.
void reload_plugins(
    const std::vector<std::pair<std::shared_ptr<PluginSlot>, nlohmann::json>>& to_reload) {
  std::vector<std::pair<std::shared_ptr<PluginSlot>, nlohmann::json>> reloaded;
  try {
    for (auto& [slot, config] : to_reload) {
      nlohmann::json previous = slot->config();
      slot->reload(config);
      reloaded.emplace_back(slot, std::move(previous));
    }
  } catch (const std::exception& e) {
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
}

}  // namespace

// What a new config changes in the running plugin set.
struct Runtime::ReloadPlan {
  std::vector<std::string> problems;
  std::vector<std::string> plugin_changes;  // enabled, disabled, moved: need a restart
  std::vector<std::pair<std::shared_ptr<PluginSlot>, nlohmann::json>> to_reload;  // new config
};

Runtime::ReloadPlan Runtime::plan_reload(const PluginSnapshot& current,
                                         const config::HostConfig& next) {
  ReloadPlan plan;
  bool any_enabled = false;
  for (const auto& section : next.plugins) {
    if (!section.enabled) continue;
    any_enabled = true;
    std::shared_ptr<PluginSlot> existing = current.find(section.name);
    // Validates the section; the candidate itself is never created.
    auto candidate = catalog_.make_slot(*this, section, plan.problems);
    if (!candidate) continue;
    if (!existing)
      plan.plugin_changes.push_back(section.name + " enabled");
    else if (existing->prefix() != candidate->prefix())
      plan.plugin_changes.push_back(section.name + " moved to " + candidate->prefix());
    else if (candidate->config() != existing->config())
      plan.to_reload.emplace_back(existing, candidate->config());
  }
  for (const auto& slot : current.plugins) {
    bool still_enabled = false;
    for (const auto& section : next.plugins)
      still_enabled |= section.enabled && section.name == slot->name();
    if (!still_enabled) plan.plugin_changes.push_back(slot->name() + " disabled");
  }
  if (!any_enabled)
    plan.problems.push_back(config_file_ + ": plugins: the new config enables no plugin");
  return plan;
}

void Runtime::reload(const config::HostConfig& next) {
  std::lock_guard<std::mutex> lock(lifecycle_mutex_);
  try {
    auto current = plugins_.current();
    if (!current) throw RuntimeError("the host is not running; nothing to reload");
    ReloadPlan plan = plan_reload(*current, next);
    if (!plan.problems.empty()) throw RuntimeError(join(plan.problems));

    // A new plugin set or a section read only at start would leave a hybrid
    // (new plugins without the volumes, routes or settings of their role):
    // the process exits after draining and starts again with the new file.
    auto restart_keys = restart_only_changes(config_, next);
    if (!plan.plugin_changes.empty())
      restart_keys.push_back("plugins (" + join(plan.plugin_changes, ", ") + ")");
    if (!restart_keys.empty()) {
      host_log(AH_LOG_WARN, "config change needs a restart: draining and exiting",
               {{"keys", restart_keys}});
      throw RestartRequired(config_file_ + ": changed " + join(restart_keys, "; ") +
                            ", which cannot change in a running process");
    }
    reload_plugins(plan.to_reload);

    // What changes live: plugin sections, peers (which reach requests through
    // the new snapshot) and log settings; every other key is equal by now.
    config_.plugins = next.plugins;
    config_.peers = next.peers;
    config_.peer_timeout_ms = next.peer_timeout_ms;
    config_.log = next.log;
    config_.raw = next.raw;

    auto snap = snapshot_of(current->plugins);
    plugins_.publish(snap);
    host_metrics_->config_reload(true);
    host_log(AH_LOG_INFO, "config reloaded",
             {{"reloaded", plan.to_reload.size()}, {"plugins", snap->plugins.size()}});
  } catch (const RestartRequired&) {
    throw;
  } catch (const std::exception& e) {
    host_metrics_->config_reload(false);
    host_log(AH_LOG_ERROR, "config reload refused; the running config stays",
             {{"error", e.what()}});
    throw RuntimeError(e.what());
  }
}

}  // namespace agent_host::runtime
