// Where `agent-host new-plugin` finds the plugin project templates.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace agent_host::scaffold {

// What may name the templates folder, strongest first.
struct TemplateSources {
  std::string option;                // --templates DIR
  std::string environment;           // AH_SCAFFOLD_DIR
  std::filesystem::path executable;  // the running agent-host, when known
};

struct TemplateSearch {
  std::optional<std::filesystem::path> found;
  std::vector<std::filesystem::path> looked_in;  // every folder tried, in order
};

// The first folder named by --templates, else AH_SCAFFOLD_DIR, else the one
// beside the executable (<exe dir>/../share/agent-host/scaffold: /usr/bin and
// /usr/share installed, <build>/bin and <build>/share in a build tree). A
// folder named explicitly is the only one tried: a typo there must not
// silently pick up other templates.
TemplateSearch find_templates(const TemplateSources& sources);

// The folder an SDK install puts the templates in, relative to the executable's folder.
std::filesystem::path templates_beside(const std::filesystem::path& executable);

}  // namespace agent_host::scaffold
