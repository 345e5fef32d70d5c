// Report documents on the reports volume: <root>/<id>/report.<extension>.
#pragma once

#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace reporting {

class ReportFiles {
 public:
  explicit ReportFiles(std::filesystem::path root);

  // Creates the root folder; throws std::runtime_error naming it when it cannot.
  void ensure_root() const;
  // Writes every document (format name → text), each through a temporary file
  // and a rename so a reader never sees half a report. Returns format → bytes.
  nlohmann::json write(const std::string& id,
                       const std::map<std::string, std::string>& documents) const;
  // The document, or nullopt when the file is missing.
  std::optional<std::string> read(const std::string& id, const std::string& format) const;
  // Removes the report's folder; missing is fine.
  void remove(const std::string& id) const;

  const std::filesystem::path& root() const { return root_; }

 private:
  std::filesystem::path file(const std::string& id, const std::string& format) const;
  std::filesystem::path root_;
};

// Report ids are generated ("20240506T090000Z-1a2b3c4d"); anything else is
// refused before it can name a path.
bool valid_report_id(const std::string& id);

}  // namespace reporting
