// Writes a plugin project: the templates, rendered, into a new folder.
#pragma once

#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

#include "scaffold/placeholders.hpp"

namespace agent_host::scaffold {

// A project that was not written; what() names the path and why.
class ScaffoldError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Why `destination` cannot receive a project (it is a non-empty folder, or not
// a folder), or an empty string when it is absent or an empty folder. Checked
// before anything is written, so a refusal leaves the disk as it was.
std::string destination_problem(const std::filesystem::path& destination);

// Renders every file under `templates` to the same relative path under
// `destination`, creating folders as needed. Returns the files written,
// relative to `destination`, sorted. Throws ScaffoldError when the destination
// has a problem or a file cannot be read or written.
std::vector<std::filesystem::path> write_project(const std::filesystem::path& templates,
                                                 const std::filesystem::path& destination,
                                                 const std::vector<Placeholder>& placeholders);

}  // namespace agent_host::scaffold
