#include "loader/plugin_library.hpp"

#include <algorithm>
#include <boost/dll/shared_library.hpp>
#include <map>
#include <system_error>

#include "loader/elf_check.hpp"

namespace agent_host::loader {

PluginCode load_plugin_file(const std::filesystem::path& file) {
  const std::string origin = file.string();
  std::error_code exists_error;
  if (!std::filesystem::is_regular_file(file, exists_error))
    throw PluginRefused(origin + ": no such plugin file; check plugin_dirs in the config");
  check_elf_file(file);
  auto library = std::make_shared<boost::dll::shared_library>();
  std::error_code load_error;
  // rtld_local: two plugins may carry the same internal symbols without clashing.
  library->load(file, load_error,
                boost::dll::load_mode::rtld_now | boost::dll::load_mode::rtld_local);
  if (load_error)
    throw PluginRefused(origin + ": cannot be loaded as a shared library (" + load_error.message() +
                        "); is it a plugin built with the SDK?");
  if (!library->has(AH_PLUGIN_ENTRY_SYMBOL))
    throw PluginRefused(origin + ": no entry symbol \"" AH_PLUGIN_ENTRY_SYMBOL
                                 "\"; add AGENT_HOST_PLUGIN(...) to one source file of the plugin");
  auto& entry = library->get<const ah_plugin_descriptor*()>(AH_PLUGIN_ENTRY_SYMBOL);
  PluginCode code{library, entry(), origin};
  check_descriptor(code.descriptor, origin);
  return code;
}

std::vector<std::filesystem::path> default_plugin_directories() {
  std::vector<std::filesystem::path> dirs;
  std::error_code error;
  const auto self = std::filesystem::read_symlink("/proc/self/exe", error);
  if (!error) {
    dirs.push_back(self.parent_path());
    // An installed tree: <prefix>/bin/agent-host and <prefix>/lib/agent-host/plugins.
    dirs.push_back(self.parent_path().parent_path() / "lib" / "agent-host" / "plugins");
  }
  dirs.emplace_back("/usr/lib/agent-host/plugins");
  return dirs;
}

Scan scan_plugin_directories(const std::vector<std::filesystem::path>& directories) {
  Scan scan;
  std::map<std::string, std::string> seen;  // name -> file
  std::vector<std::filesystem::path> scanned;
  for (const auto& dir : directories) {
    std::error_code error;
    if (!std::filesystem::is_directory(dir, error)) continue;
    // The same folder named twice (e.g. /usr/bin/../lib/... and /usr/lib/...) is read once.
    const auto canonical = std::filesystem::canonical(dir, error);
    if (error || std::find(scanned.begin(), scanned.end(), canonical) != scanned.end()) continue;
    scanned.push_back(canonical);
    std::vector<std::filesystem::path> files;
    for (const auto& entry : std::filesystem::directory_iterator(dir, error))
      if (entry.path().extension() == ".so") files.push_back(entry.path());
    std::sort(files.begin(), files.end());
    for (const auto& file : files) {
      try {
        PluginCode code = load_plugin_file(file);
        auto [it, inserted] = seen.emplace(code.name(), code.origin);
        if (!inserted) {
          scan.refused.push_back(code.origin + ": duplicate plugin name \"" + code.name() +
                                 "\", already provided by " + it->second +
                                 "; remove one of the two files");
          continue;
        }
        scan.plugins.push_back(std::move(code));
      } catch (const PluginRefused& refused) {
        scan.refused.emplace_back(refused.what());
      }
    }
  }
  return scan;
}

}  // namespace agent_host::loader
