#include "runtime/route_match.hpp"

namespace agent_host::runtime {
namespace {

bool path_under_prefix(const std::string& path, const std::string& prefix) {
  if (path.compare(0, prefix.size(), prefix) != 0) return false;
  return path.size() == prefix.size() || path[prefix.size()] == '/';
}

}  // namespace

PluginSlot* plugin_for(const std::vector<std::shared_ptr<PluginSlot>>& plugins,
                       const std::string& path) {
  PluginSlot* slot = nullptr;
  for (const auto& candidate : plugins)
    if (path_under_prefix(path, candidate->prefix()) &&
        (!slot || candidate->prefix().size() > slot->prefix().size()))
      slot = candidate.get();
  return slot;
}

std::string_view path_below_prefix(const std::string& path, const PluginSlot& slot) {
  if (path.size() == slot.prefix().size()) return "/";
  return std::string_view(path).substr(slot.prefix().size());
}

// Candidates are tried against a per-thread scratch list, so only the winner's
// captures are copied into `params` (the request path allocates once, not per
// candidate). Nothing here calls out, so the scratch list is never shared.
const Route* match_route(const PluginSlot& slot, const std::string& method,
                         std::string_view relative, router::Params& params) {
  thread_local router::Params scratch;
  const Route* best = nullptr;
  for (const auto& route : slot.routes()) {
    if (route.method != method && !(method == "HEAD" && route.method == "GET")) continue;
    if (best && route.pattern.literal_count() <= best->pattern.literal_count()) continue;
    scratch.clear();
    if (route.pattern.match(relative, scratch)) best = &route;
  }
  if (best) {
    params.clear();
    best->pattern.match(relative, params);
  }
  return best;
}

std::set<std::string> allowed_methods(const PluginSlot& slot, std::string_view relative) {
  std::set<std::string> allowed;
  router::Params params;
  for (const auto& route : slot.routes()) {
    params.clear();
    if (route.pattern.match(relative, params)) allowed.insert(route.method);
  }
  return allowed;
}

}  // namespace agent_host::runtime
