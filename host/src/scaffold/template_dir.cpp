#include "scaffold/template_dir.hpp"

namespace agent_host::scaffold {
namespace {

// A folder holding a project's top-level CMakeLists.txt is taken as templates.
bool holds_templates(const std::filesystem::path& dir) {
  std::error_code error;
  return std::filesystem::is_regular_file(dir / "CMakeLists.txt", error);
}

std::vector<std::filesystem::path> candidates(const TemplateSources& sources) {
  if (!sources.option.empty()) return {sources.option};
  if (!sources.environment.empty()) return {sources.environment};
  if (sources.executable.empty()) return {};
  return {templates_beside(sources.executable)};
}

}  // namespace

std::filesystem::path templates_beside(const std::filesystem::path& executable) {
  return (executable.parent_path() / ".." / "share" / "agent-host" / "scaffold").lexically_normal();
}

TemplateSearch find_templates(const TemplateSources& sources) {
  TemplateSearch search;
  for (const auto& dir : candidates(sources)) {
    search.looked_in.push_back(dir);
    if (holds_templates(dir)) {
      search.found = dir;
      break;
    }
  }
  return search;
}

}  // namespace agent_host::scaffold
