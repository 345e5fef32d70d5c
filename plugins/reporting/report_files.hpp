// Report documents of earlier versions on the reports volume:
// <root>/<id>/report.<extension>. New reports keep their documents in the
// database (ReportIndex); these are still served and removed.
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
