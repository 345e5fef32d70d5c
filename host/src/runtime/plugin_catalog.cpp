#include "runtime/plugin_catalog.hpp"

#include "runtime/host_log.hpp"
#include "runtime/secret_store.hpp"
#include "scheduler/cron_expression.hpp"

namespace agent_host::runtime {

const loader::PluginCode* PluginCatalog::find_code(const std::string& name, std::string& why) {
  for (const auto& code : options_.static_plugins)
    if (code.name() == name) return &code;
  if (!scan_) {
    std::vector<std::filesystem::path> dirs(options_.plugin_dirs.begin(),
                                            options_.plugin_dirs.end());
    if (dirs.empty()) dirs = loader::default_plugin_directories();
    scan_ = loader::scan_plugin_directories(dirs);
    for (const auto& refused : scan_->refused)
      host_log(AH_LOG_WARN, "plugin file refused", {{"reason", refused}});
  }
  for (const auto& code : scan_->plugins)
    if (code.name() == name) return &code;
  why = not_found(name);
  return nullptr;
}

std::string PluginCatalog::not_found(const std::string& name) const {
  std::string known;
  for (const auto& code : scan_->plugins) known += (known.empty() ? "" : ", ") + code.name();
  std::string why = "no plugin named \"" + name +
                    "\" in the plugin directories (found: " + (known.empty() ? "none" : known) +
                    "); check plugin_dirs or the plugin name";
  for (const auto& refused : scan_->refused)
    if (refused.find("\"" + name + "\"") != std::string::npos ||
        refused.find(name) != std::string::npos)
      why += "; refused: " + refused;
  return why;
}

// The formats plugin schemas may name (config/value_formats.hpp). A value of
// format "secret" names a mounted secret ("<secret>/<key>") the plugin needs
// to start, so a missing one is refused before any plugin starts, in the words
// of the secret store (path and fix), by check-config --connect and start alike.
config::FormatChecks PluginCatalog::value_checks() const {
  config::FormatChecks checks = {
      {"cron", [](const std::string& value) { return scheduler::cron_problem(value); }},
      {"time-zone", [](const std::string& value) { return scheduler::time_zone_problem(value); }},
      {"uri", config::uri_problem}};
  if (options_.check_secret_mounts)
    checks["secret"] = [this](const std::string& name) { return secret_problem(name); };
  return checks;
}

std::optional<std::string> PluginCatalog::secret_problem(const std::string& name) const {
  std::string value, error;
  if (secrets_.read(name, value, error) != AH_OK) return error;
  if (value.empty()) return "secret \"" + name + "\" is empty; put the value into the Secret's key";
  return std::nullopt;
}

std::shared_ptr<PluginSlot> PluginCatalog::make_slot(Runtime& runtime,
                                                     const config::PluginSection& section,
                                                     std::vector<std::string>& problems) {
  std::string why;
  const loader::PluginCode* code = find_code(section.name, why);
  if (!code) {
    problems.push_back(options_.config_file + ": plugins." + section.name + ": " + why);
    return nullptr;
  }
  const auto schema_text = code->descriptor->config_schema_json;
  nlohmann::json schema =
      schema_text ? nlohmann::json::parse(schema_text, nullptr, false) : nlohmann::json();
  nlohmann::json section_config =
      section.config.is_null() ? nlohmann::json::object() : section.config;
  auto section_problems = config::validate_plugin_section(schema, section_config, section.name);
  if (section_problems.empty())
    section_problems = config::check_formats(schema, section_config,
                                             "plugins." + section.name + ".config", value_checks());
  for (const auto& problem : section_problems)
    problems.push_back(config::format_problem(problem, options_.config_file));
  if (!section_problems.empty()) return nullptr;
  std::string prefix = section.prefix.empty() ? code->descriptor->default_prefix : section.prefix;
  if (prefix.size() > 1 && prefix.back() == '/') prefix.pop_back();
  return std::make_shared<PluginSlot>(runtime, *code, prefix, section_config);
}

std::map<std::string, std::string> PluginCatalog::peer_bases(const config::HostConfig& config) {
  std::map<std::string, std::string> bases;
  for (const auto& [agent, url] : config.peers) {
    std::string base = url;
    while (!base.empty() && base.back() == '/') base.pop_back();
    const auto scheme = base.find("://");
    const bool has_path =
        scheme != std::string::npos && base.find('/', scheme + 3) != std::string::npos;
    if (!has_path) {
      std::string ignored;
      const loader::PluginCode* code = find_code(agent, ignored);
      base += code ? std::string(code->descriptor->default_prefix) : "/" + agent;
    }
    bases[agent] = base;
  }
  return bases;
}

}  // namespace agent_host::runtime
