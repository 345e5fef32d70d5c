#include "scaffold/project_writer.hpp"

#include <algorithm>
#include <fstream>

#include "files/regular_file.hpp"

namespace agent_host::scaffold {
namespace {

std::vector<std::filesystem::path> template_files(const std::filesystem::path& templates) {
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(templates))
    if (entry.is_regular_file()) files.push_back(entry.path().lexically_relative(templates));
  std::sort(files.begin(), files.end());
  return files;
}

// Templates are small source files; anything larger is not one of ours.
constexpr std::size_t kTemplateLimit = 1 << 20;

void write_text(const std::filesystem::path& file, const std::string& text) {
  std::filesystem::create_directories(file.parent_path());
  std::ofstream out(file, std::ios::binary);
  out << text;
  out.close();
  if (!out) throw ScaffoldError(file.string() + ": cannot write the file");
}

}  // namespace

std::string destination_problem(const std::filesystem::path& destination) {
  std::error_code error;
  const auto status = std::filesystem::status(destination, error);
  if (!std::filesystem::exists(status)) return "";
  if (!std::filesystem::is_directory(status))
    return destination.string() + " exists and is not a directory";
  if (!std::filesystem::is_empty(destination, error))
    return destination.string() +
           " is not empty; refusing to overwrite it (choose another --dir or remove it)";
  return "";
}

std::vector<std::filesystem::path> write_project(const std::filesystem::path& templates,
                                                 const std::filesystem::path& destination,
                                                 const std::vector<Placeholder>& placeholders) {
  if (const std::string problem = destination_problem(destination); !problem.empty())
    throw ScaffoldError(problem);
  const auto files = template_files(templates);
  for (const auto& file : files)
    write_text(destination / file,
               render(files::read_regular_file(templates / file, kTemplateLimit), placeholders));
  return files;
}

}  // namespace agent_host::scaffold
