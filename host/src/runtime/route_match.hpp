// Which plugin and which of its routes a request path names.
#pragma once

#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "router/route_pattern.hpp"
#include "runtime/plugin_slot.hpp"

namespace agent_host::runtime {

// The plugin whose prefix is the longest one `path` lies under, or null.
PluginSlot* plugin_for(const std::vector<std::shared_ptr<PluginSlot>>& plugins,
                       const std::string& path);

// The path as the plugin's routes see it: below its prefix, "/" at the prefix.
std::string_view path_below_prefix(const std::string& path, const PluginSlot& slot);

// The route for `method` whose pattern matches `relative` with the most
// literal segments (HEAD is served by GET routes), its captures in `params`.
const Route* match_route(const PluginSlot& slot, const std::string& method,
                         std::string_view relative, router::Params& params);

// The methods some route of the plugin serves on `relative` (404 versus 405).
std::set<std::string> allowed_methods(const PluginSlot& slot, std::string_view relative);

}  // namespace agent_host::runtime
