#include <iomanip>
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/commands.hpp"
#include "config/host_config.hpp"
#include "loader/plugin_library.hpp"

namespace agent_host::cli {
namespace {

// Scripts check a plugin folder with this command: a folder whose every file
// was refused is a failure, as is an empty one; some refusals beside loadable
// plugins are reported but leave the exit code 0.
int exit_code(const loader::Scan& scan) {
  return scan.plugins.empty() ? 1 : 0;
}

}  // namespace

int list_plugins(const std::vector<std::string>& directories, const std::string& config_file,
                 bool as_json) {
  std::vector<std::filesystem::path> dirs(directories.begin(), directories.end());
  if (dirs.empty() && !config_file.empty()) {
    try {
      const auto config = config::load_host_config(config_file);
      dirs.assign(config.plugin_dirs.begin(), config.plugin_dirs.end());
    } catch (const std::exception& e) {
      std::cerr << e.what() << "\n";
      return 1;
    }
  }
  if (dirs.empty()) dirs = loader::default_plugin_directories();
  const loader::Scan scan = loader::scan_plugin_directories(dirs);
  if (as_json) {
    nlohmann::json out = {{"plugins", nlohmann::json::array()}, {"refused", scan.refused}};
    for (const auto& code : scan.plugins) {
      const auto& d = *code.descriptor;
      out["plugins"].push_back(
          {{"name", d.name},
           {"version", d.version ? d.version : ""},
           {"abi", std::to_string(d.abi_major) + "." + std::to_string(d.abi_minor)},
           {"prefix", d.default_prefix},
           {"description", d.description ? d.description : ""},
           {"file", code.origin}});
    }
    std::cout << out.dump(2) << "\n";
    return exit_code(scan);
  }
  std::cout << std::left << std::setw(16) << "NAME" << std::setw(10) << "VERSION" << std::setw(6)
            << "ABI" << std::setw(12) << "PREFIX"
            << "FILE\n";
  for (const auto& code : scan.plugins) {
    const auto& d = *code.descriptor;
    std::cout << std::setw(16) << d.name << std::setw(10) << (d.version ? d.version : "")
              << std::setw(6) << (std::to_string(d.abi_major) + "." + std::to_string(d.abi_minor))
              << std::setw(12) << d.default_prefix << code.origin << "\n";
  }
  if (scan.plugins.empty()) {
    std::cout << "(no plugins found in";
    for (const auto& dir : dirs) std::cout << " " << dir.string();
    std::cout << ")\n";
  }
  for (const auto& refused : scan.refused) std::cerr << "refused: " << refused << "\n";
  return exit_code(scan);
}

}  // namespace agent_host::cli
