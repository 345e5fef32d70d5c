#include "loader/descriptor_check.hpp"

#include <cstddef>

#include "text/plugin_name.hpp"

namespace agent_host::loader {
namespace {

std::string version_text(uint32_t major, uint32_t minor) {
  return std::to_string(major) + "." + std::to_string(minor);
}

const std::string kHostAbi = version_text(AH_ABI_MAJOR, AH_ABI_MINOR);
// What to rebuild against, named as the packages and --version name it: the
// SDK ships with the product, whose version is not the ABI's.
const std::string kThisSdk =
    std::string("the SDK of Agent Host ") + AH_VERSION + " (ABI " + kHostAbi + ")";

}  // namespace

void check_descriptor(const ah_plugin_descriptor* d, const std::string& origin) {
  if (d == nullptr)
    throw PluginRefused(origin + ": the entry symbol returned no descriptor; return a static " +
                        "ah_plugin_descriptor (AGENT_HOST_PLUGIN does)");
  const std::string plugin_abi = version_text(d->abi_major, d->abi_minor);
  if (d->abi_major != AH_ABI_MAJOR)
    throw PluginRefused(origin + ": plugin ABI " + plugin_abi + " is incompatible with host ABI " +
                        kHostAbi + " (different major); rebuild the plugin against " + kThisSdk);
  if (d->abi_minor > AH_ABI_MINOR)
    throw PluginRefused(origin + ": plugin ABI " + plugin_abi + " is newer than host ABI " +
                        kHostAbi + "; upgrade agent-host or rebuild the plugin against " +
                        kThisSdk);
  if (d->struct_size < offsetof(ah_plugin_descriptor, health) + sizeof(d->health))
    throw PluginRefused(origin + ": descriptor struct_size " + std::to_string(d->struct_size) +
                        " is smaller than ABI " + plugin_abi + " defines; rebuild the plugin");
  const std::string name = d->name ? d->name : "";
  if (const std::string problem = text::plugin_name_problem(name); !problem.empty())
    throw PluginRefused(origin + ": invalid plugin name \"" + name + "\": " + problem);
  if (!d->default_prefix || d->default_prefix[0] != '/')
    throw PluginRefused(origin + ": plugin \"" + name +
                        "\" has no default prefix starting with '/' (e.g. \"/" + name + "\")");
  if (!d->create || !d->start || !d->reload || !d->stop || !d->destroy || !d->health)
    throw PluginRefused(origin + ": plugin \"" + name +
                        "\" leaves a lifecycle function NULL; every one of create, start, reload, "
                        "stop, destroy and health must be set");
}

}  // namespace agent_host::loader
