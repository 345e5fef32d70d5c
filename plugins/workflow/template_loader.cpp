#include "template_loader.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "document.hpp"

namespace workflow {

void load_templates(const std::string& folder, Registry& registry, agent_host::Host& host) {
  namespace fs = std::filesystem;
  std::error_code error;
  if (folder.empty()) return;
  if (!fs::is_directory(folder, error)) {
    host.warn(
        "workflow templates folder not found; no templates loaded",
        {{"definitions_dir", folder}, {"hint", "set plugins.workflow.config.definitions_dir"}});
    return;
  }
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(folder, error)) {
    const std::string ext = entry.path().extension().string();
    if (entry.is_regular_file() && (ext == ".yaml" || ext == ".yml" || ext == ".json"))
      files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  for (const auto& file : files) {
    std::ifstream in(file);
    std::stringstream text;
    text << in.rdbuf();
    try {
      const std::string origin = file.filename().string();
      Registered registered = registry.put(parse_document(
          text.str(), [&](std::string_view yaml) { return host.parse_yaml(yaml, origin); }));
      host.info(registered.created ? "workflow template stored" : "workflow template unchanged",
                {{"file", file.filename().string()},
                 {"workflow", registered.definition->name},
                 {"version", *registered.definition->version}});
    } catch (const InvalidDefinition& e) {
      std::string message = "workflow template " + file.string() + " is invalid:";
      for (const auto& p : e.problems().items()) message += "\n  " + p.path + ": " + p.message;
      throw std::runtime_error(message);
    } catch (const std::exception& e) {
      throw std::runtime_error("workflow template " + file.string() + ": " + e.what());
    }
  }
}

}  // namespace workflow
