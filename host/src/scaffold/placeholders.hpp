// The placeholders of the plugin project templates (sdk/scaffold/) and the
// values `agent-host new-plugin` puts in their place.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace agent_host::scaffold {

// Each placeholder is a valid C++ and CMake identifier, so the templates stay
// readable and clang-format can format them as code.
struct Placeholder {
  std::string token;
  std::string value;
};

// The forms of a valid plugin name, e.g. "demo-notes":
//   SCAFFOLD_PLUGIN_NAME  demo-notes              (plugin, prefix, CMake target)
//   SCAFFOLD_IDENTIFIER   demo_notes              (metric names, test target)
//   SCAFFOLD_NAMESPACE    demo_notes_plugin       (never a C++ keyword)
//   SCAFFOLD_CAMEL        DemoNotes               (class and operation ids)
std::vector<Placeholder> placeholders_for(const std::string& plugin_name);

// `text` with every placeholder replaced, in one left-to-right pass: a value
// is never scanned again, whatever it contains.
std::string render(std::string_view text, const std::vector<Placeholder>& placeholders);

}  // namespace agent_host::scaffold
