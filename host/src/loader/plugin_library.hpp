// Loading plugin files with Boost.DLL.
#pragma once

#include <agent_host/abi.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "loader/descriptor_check.hpp"

namespace boost::dll {
class shared_library;
}

namespace agent_host::loader {

// A plugin ready to instantiate. `library` keeps the code mapped: whoever may
// still call into the plugin holds a copy of this shared_ptr. Plugins compiled
// into the process (the fake host) have no library.
struct PluginCode {
  std::shared_ptr<boost::dll::shared_library> library;
  const ah_plugin_descriptor* descriptor = nullptr;
  std::string origin;  // the file, or "<static>"
  std::string name() const { return descriptor->name; }
};

// Loads one file. Throws PluginRefused with one line naming the file, what is
// wrong (not a shared library, no entry symbol, ABI mismatch, ...) and the fix.
PluginCode load_plugin_file(const std::filesystem::path& file);

struct Scan {
  std::vector<PluginCode> plugins;   // usable, unique by name, in directory order
  std::vector<std::string> refused;  // one line per refused file
};

// Loads every *.so file in `directories` (missing directories are skipped). A
// second file with a name already found is refused, naming both files.
Scan scan_plugin_directories(const std::vector<std::filesystem::path>& directories);

// Default plugin directories: the running binary's folder and the system one.
std::vector<std::filesystem::path> default_plugin_directories();

}  // namespace agent_host::loader
