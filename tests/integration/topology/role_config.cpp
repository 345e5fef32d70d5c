#include "role_config.hpp"

#include <fstream>
#include <sstream>
#include <stdexcept>

#include "config/yaml_to_json.hpp"

#ifndef AH_SOURCE_DIR
#error "AH_SOURCE_DIR must name the source tree (for configs/)"
#endif

namespace agent_host::test {
namespace {

std::string read_text(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + file.string());
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

void write_text(const std::filesystem::path& file, const std::string& text) {
  std::filesystem::create_directories(file.parent_path());
  std::ofstream(file) << text;
}

// The role's plugin section, which must exist and be enabled.
nlohmann::json& role_plugin(nlohmann::json& config, const std::string& role,
                            const std::string& file) {
  if (!config.contains("plugins") || !config["plugins"].contains(role))
    throw std::runtime_error(file + ": plugins." + role + " is missing; a role config enables " +
                             "its own plugin");
  auto& section = config["plugins"][role];
  if (!section.value("enabled", true))
    throw std::runtime_error(file + ": plugins." + role + ".enabled is false");
  if (!section.contains("config") || section["config"].is_null())
    section["config"] = nlohmann::json::object();
  return section["config"];
}

}  // namespace

nlohmann::json read_role_config(const std::string& role) {
  const auto file = std::filesystem::path(AH_SOURCE_DIR) / "configs" / (role + ".yaml");
  return config::yaml_to_json(read_text(file), file.string());
}

nlohmann::json all_in_one_test_config() {
  nlohmann::json config = read_role_config("all-in-one");
  for (const char* listener : {"http", "metrics"}) {
    config[listener]["address"] = "127.0.0.1";
    config[listener]["port"] = 0;
  }
  config.erase("storage");      // the test default: a data folder of its own
  config.erase("secrets_dir");  // no secrets: the LLM note replaces the summary
  config.erase("plugin_dirs");  // the build's plugins
  // Relative to the working directory as shipped (the repository root).
  config["plugins"]["workflow"]["config"]["definitions_dir"] =
      (std::filesystem::path(AH_SOURCE_DIR) / "configs" / "workflows").string();
  return config;
}

nlohmann::json one_machine_config(const std::string& role, const RoleFolders& folders,
                                  const LoopbackNetwork& network) {
  const std::string file = "configs/" + role + ".yaml";
  nlohmann::json config = read_role_config(role);

  // Pods have their own IPs; processes on one machine need their own ports.
  for (const char* listener : {"http", "metrics"}) {
    config[listener]["address"] = "127.0.0.1";
    config[listener]["port"] = 0;
  }
  config["storage"]["data_dir"] = folders.data_dir.string();
  config["secrets_dir"] = folders.secrets_dir.string();
  if (config.contains("auth") && config["auth"].contains("api_keys_file"))
    config["auth"]["api_keys_file"] = (folders.secrets_dir / "api-keys" / "api-keys").string();
  if (config.contains("log") && config["log"].contains("file"))
    config["log"]["file"]["path"] = (folders.log_dir / (role + ".log")).string();
  if (config.contains("peers"))
    for (auto& url : config["peers"]) url = network.services_url;

  auto& plugin = role_plugin(config, role, file);
  if (plugin.contains("redis")) plugin["redis"]["url"] = network.redis_url;
  if (plugin.contains("reports_dir")) plugin["reports_dir"] = folders.reports_dir.string();
  return config;
}

std::string write_dev_secrets(const std::filesystem::path& secrets_dir, const std::string& llm_url,
                              const std::string& llm_model) {
  const std::string key = "topology-test-key-0123456789abcdef";
  write_text(secrets_dir / "api-keys" / "api-keys", key + "\n");
  write_text(secrets_dir / "api-keys" / "webhook-secret", "topology-test-webhook-secret\n");
  write_text(secrets_dir / "llm-config" / "url", llm_url);
  write_text(secrets_dir / "llm-config" / "model", llm_model);
  return key;
}

}  // namespace agent_host::test
