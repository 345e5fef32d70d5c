// Which plugin code a config section names, and whether the section is valid
// for it: the plugins compiled into the process, then the plugin files.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "config/host_config.hpp"
#include "config/plugin_section.hpp"
#include "config/value_formats.hpp"
#include "loader/plugin_library.hpp"
#include "runtime/plugin_slot.hpp"

namespace agent_host::runtime {

class Runtime;
class SecretStore;

struct CatalogOptions {
  std::string config_file;  // for messages
  std::vector<loader::PluginCode> static_plugins;
  std::vector<std::string> plugin_dirs;  // empty: the default directories
  // Whether a config value of format "secret" must name a mounted secret.
  bool check_secret_mounts = true;
};

class PluginCatalog {
 public:
  PluginCatalog(CatalogOptions options, const SecretStore& secrets)
      : options_(std::move(options)), secrets_(secrets) {}

  // A slot (not created) for the section, or null with the reasons in `problems`.
  std::shared_ptr<PluginSlot> make_slot(Runtime& runtime, const config::PluginSection& section,
                                        std::vector<std::string>& problems);
  // Peers' base URLs: the configured URL plus the agent's default prefix,
  // which the plugin file tells (the same image serves every pod).
  std::map<std::string, std::string> peer_bases(const config::HostConfig& config);

 private:
  const loader::PluginCode* find_code(const std::string& name, std::string& why);
  std::string not_found(const std::string& name) const;
  config::FormatChecks value_checks() const;
  std::optional<std::string> secret_problem(const std::string& name) const;

  CatalogOptions options_;
  const SecretStore& secrets_;
  std::optional<loader::Scan> scan_;  // plugin files, scanned once on first need
};

}  // namespace agent_host::runtime
