// Loads the example workflow templates shipped in a folder at start.
#pragma once

#include <agent_host/sdk.hpp>
#include <string>

#include "registry.hpp"

namespace workflow {

// Stores every *.yaml, *.yml and *.json file of `folder` (sorted by name) as a
// definition; unchanged ones are left alone. A missing folder is logged and
// skipped. Throws std::runtime_error naming the file and every problem when one
// is invalid, so a broken template stops the start instead of vanishing.
void load_templates(const std::string& folder, Registry& registry, agent_host::Host& host);

}  // namespace workflow
