#include <cstdlib>
#include <ostream>

#include "cli/commands.hpp"
#include "scaffold/project_writer.hpp"
#include "scaffold/template_dir.hpp"
#include "text/plugin_name.hpp"

namespace agent_host::cli {
namespace {

constexpr const char* kCommand = "agent-host new-plugin: ";

// The loader's rule, so a generated plugin is never one the host refuses.
bool refuse_invalid_name(const std::string& name, std::ostream& err) {
  const std::string problem = text::plugin_name_problem(name);
  if (problem.empty()) return false;
  err << kCommand << '"' << name << "\" is not a valid plugin name: " << problem
      << ". Plugin names use lower-case letters, digits and '-', starting with a letter, at "
         "most 63 characters (e.g. demo-notes).\n";
  return true;
}

scaffold::TemplateSearch search_templates(const std::string& templates_option) {
  const char* environment = std::getenv("AH_SCAFFOLD_DIR");
  std::error_code error;
  return scaffold::find_templates({templates_option, environment ? environment : "",
                                   std::filesystem::read_symlink("/proc/self/exe", error)});
}

void report_missing_templates(const scaffold::TemplateSearch& search, std::ostream& err) {
  err << kCommand << "no plugin project templates found; looked in:";
  for (const auto& dir : search.looked_in) err << " " << dir.string();
  err << ". Install the agent-host-sdk package (it puts them in share/agent-host/scaffold "
         "beside the host's bin/), or name them with --templates DIR or AH_SCAFFOLD_DIR.\n";
}

void report_written(const std::filesystem::path& destination,
                    const std::vector<std::filesystem::path>& files, std::ostream& out) {
  out << "wrote " << files.size() << " files into " << destination.string() << ":\n";
  for (const auto& file : files) out << "  " << file.string() << "\n";
  const std::string dir = destination.string();
  out << "build and test it against the installed SDK (see its README.md):\n"
      << "  cmake -S " << dir << " -B " << dir
      << "/build   # plus -DCMAKE_PREFIX_PATH=<SDK prefix> unless it is /usr\n"
      << "  cmake --build " << dir << "/build && ctest --test-dir " << dir << "/build\n";
}

}  // namespace

int new_plugin(const NewPluginRequest& request, std::ostream& out, std::ostream& err) {
  if (refuse_invalid_name(request.name, err)) return kExitRefused;
  const std::filesystem::path destination =
      request.directory.empty() ? request.name : request.directory;
  if (const std::string problem = scaffold::destination_problem(destination); !problem.empty()) {
    err << kCommand << problem << "\n";
    return kExitRefused;
  }
  const scaffold::TemplateSearch search = search_templates(request.templates);
  if (!search.found) {
    report_missing_templates(search, err);
    return 1;
  }
  try {
    const auto files = scaffold::write_project(*search.found, destination,
                                               scaffold::placeholders_for(request.name));
    report_written(destination, files, out);
    return 0;
  } catch (const std::exception& e) {
    err << kCommand << e.what() << "\n";
    return 1;
  }
}

}  // namespace agent_host::cli
