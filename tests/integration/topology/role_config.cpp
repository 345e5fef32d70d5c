#include "role_config.hpp"

#include <cstdio>
#include <cstdlib>
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

std::string run_output(const std::string& command) {
  std::string output;
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  if (!pipe) throw std::runtime_error("cannot run " + command);
  char buffer[4096];
  while (size_t n = fread(buffer, 1, sizeof(buffer), pipe)) output.append(buffer, n);
  const int status = pclose(pipe);
  if (status != 0) throw std::runtime_error(command + " failed:\n" + output);
  return output;
}

std::string kubectl() {
  if (const char* path = std::getenv("AH_KUBECTL")) return path;
  const auto source = std::filesystem::path(AH_SOURCE_DIR);
  const auto tools = source / "build" / "tools";
  run_output((source / "tools" / "fetch-helm.sh").string() + " " + tools.string());
  return (tools / "kubectl").string();
}

nlohmann::json rendered_role_config(const std::string& role, const std::string& overlay_name) {
  const auto overlay = std::filesystem::path(AH_SOURCE_DIR) / "deploy" / "k8s" / "overlays" /
                       (overlay_name.empty() ? role : overlay_name);
  const std::string rendered = run_output(kubectl() + " kustomize " + overlay.string());
  // One YAML document per object, each starting at a "---" line after the first.
  size_t start = 0;
  while (start < rendered.size()) {
    size_t end = rendered.find("\n---\n", start);
    if (end == std::string::npos) end = rendered.size();
    const auto object = config::yaml_to_json(rendered.substr(start, end - start), overlay.string());
    const std::string name = object.value("/metadata/name"_json_pointer, "");
    if (object.value("kind", "") == "ConfigMap" && name.rfind("agent-host-config", 0) == 0) {
      const std::string where = "ConfigMap " + name + " rendered from " + overlay.string();
      return config::yaml_to_json(object.at("data").at("config.yaml").get<std::string>(), where);
    }
    start = end + 5;
  }
  throw std::runtime_error("no ConfigMap agent-host-config in the render of " + overlay.string());
}

std::map<std::string, std::string> pod_environment(const std::string& proxy_url) {
  return {{"http_proxy", proxy_url}, {"no_proxy", "127.0.0.1,localhost"}};
}

nlohmann::json one_machine_config(const std::string& role, const RoleFolders& folders,
                                  const LoopbackNetwork& network, const std::string& overlay) {
  const std::string file = "the rendered ConfigMap of " + role;
  nlohmann::json config = rendered_role_config(role, overlay);

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

  auto& plugin = role_plugin(config, role, file);
  if (plugin.contains("redis") && !network.redis_url.empty())
    plugin["redis"]["url"] = network.redis_url;
  // The image's copy of configs/workflows: the shipped templates.
  if (plugin.contains("definitions_dir"))
    plugin["definitions_dir"] =
        (std::filesystem::path(AH_SOURCE_DIR) / "configs" / "workflows").string();
  if (plugin.contains("reports_dir")) plugin["reports_dir"] = folders.reports_dir.string();
  return config;
}

std::string write_dev_secrets(const std::filesystem::path& secrets_dir, const std::string& llm_url,
                              const std::string& llm_model) {
  const std::string key = "topology-test-key-0123456789abcdef";
  write_text(secrets_dir / "api-keys" / "api-keys", key + "\n");
  write_text(secrets_dir / "api-keys" / "webhook-secret", kDevWebhookSecret + std::string("\n"));
  write_text(secrets_dir / "llm-config" / "url", llm_url);
  write_text(secrets_dir / "llm-config" / "model", llm_model);
  write_text(secrets_dir / "redis-secret" / "password", kDevRedisPassword);
  return key;
}

}  // namespace agent_host::test
