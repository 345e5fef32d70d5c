// The started plugins as requests see them: an immutable snapshot, replaced
// as a whole (start, reload, stop). A request keeps the snapshot, and so the
// plugins' code, it started with.
#pragma once

#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "runtime/plugin_slot.hpp"

namespace agent_host::runtime {

struct PluginSnapshot {
  std::vector<std::shared_ptr<PluginSlot>> plugins;  // start order
  // /openapi.json, built on the first request for it rather than at start.
  struct OpenApi {
    std::once_flag built;
    std::string text;
  };
  std::unique_ptr<OpenApi> openapi = std::make_unique<OpenApi>();
  std::map<std::string, std::string> peers;  // agent -> base URL including its prefix
  std::chrono::milliseconds peer_timeout{10000};

  // The started plugin named `name`, or null.
  std::shared_ptr<PluginSlot> find(const std::string& name) const;
};

class PluginSet {
 public:
  // Null while the host is starting or after it stopped.
  std::shared_ptr<const PluginSnapshot> current() const;
  // The snapshot once the host serves plugins, waiting up to `patience` while
  // it is starting; null when it is stopped or still starting after that.
  std::shared_ptr<const PluginSnapshot> served(std::chrono::milliseconds patience) const;
  void publish(std::shared_ptr<const PluginSnapshot> next);
  // For good: wakes every served() wait; the snapshot is null from now on.
  void close();

 private:
  mutable std::mutex mutex_;
  std::shared_ptr<const PluginSnapshot> snapshot_;
  bool closed_ = false;
  // Signalled by publish(): agent calls made while the host is still starting
  // (a plugin's workers resuming runs) wait for the plugins to be served.
  mutable std::condition_variable published_;
};

}  // namespace agent_host::runtime
