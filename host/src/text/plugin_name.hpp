#pragma once

#include <string>
#include <string_view>

namespace agent_host::text {

// The one rule for plugin names (the loader's descriptors, the config's
// plugins and peers, `agent-host new-plugin`): 1-63 characters of a-z, 0-9
// and '-', starting with a letter. Empty when `name` follows it, otherwise
// which part it breaks.
std::string plugin_name_problem(std::string_view name);

}  // namespace agent_host::text
