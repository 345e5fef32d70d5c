// Watches the folder holding the config file. Kubernetes updates a mounted
// ConfigMap by swapping a `..data` symlink in that folder, so a watch on the
// file itself would miss it; the folder sees every update.
#pragma once

#include <filesystem>
#include <functional>
#include <memory>

namespace agent_host::cli {

class ConfigWatcher {
 public:
  // `changed` runs on the watcher's thread when the file's content changed.
  ConfigWatcher(std::filesystem::path file, std::function<void()> changed);
  ~ConfigWatcher();
  ConfigWatcher(const ConfigWatcher&) = delete;
  ConfigWatcher& operator=(const ConfigWatcher&) = delete;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace agent_host::cli
