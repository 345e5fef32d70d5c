// A host config file: YAML to JSON (aliases, depth and UTF-8 bounded), then
// the host schema and its defaults. Every refusal is a ConfigError.
#include "config/config_error.hpp"
#include "config/host_config.hpp"
#include "config/yaml_to_json.hpp"
#include "fuzz_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace agent_host::config;
  try {
    const nlohmann::json document = yaml_to_json(std::string(agent_host::fuzz::text(data, size)),
                                                 "fuzz.yaml");
    (void)parse_host_config(document, "fuzz.yaml");
  } catch (const ConfigError&) {
  }
  return 0;
}
