#include "shipped_config.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "config/yaml_to_json.hpp"

namespace agent_host::test {

nlohmann::json all_in_one_test_config() {
  const auto source = std::filesystem::path(AH_SOURCE_DIR);
  const auto file = source / "configs" / "all-in-one.yaml";
  std::ifstream in(file, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + file.string());
  std::ostringstream text;
  text << in.rdbuf();
  nlohmann::json config = config::yaml_to_json(text.str(), file.string());
  for (const char* listener : {"http", "metrics"}) {
    config[listener]["address"] = "127.0.0.1";
    config[listener]["port"] = 0;
  }
  config.erase("storage");      // the test default: a data folder of its own
  config.erase("secrets_dir");  // no secrets: the LLM note replaces the summary
  config.erase("plugin_dirs");  // the build's plugins
  // Relative to the working directory as shipped (the repository root).
  config["plugins"]["workflow"]["config"]["definitions_dir"] =
      (source / "configs" / "workflows").string();
  return config;
}

}  // namespace agent_host::test
