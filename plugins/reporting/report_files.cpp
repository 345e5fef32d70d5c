#include "report_files.hpp"

#include <fstream>
#include <regex>
#include <sstream>
#include <stdexcept>
#include <system_error>

#include "formats.hpp"

namespace reporting {

ReportFiles::ReportFiles(std::filesystem::path root) : root_(std::move(root)) {}

std::filesystem::path ReportFiles::file(const std::string& id, const std::string& format) const {
  const auto known = format_named(format);
  if (!known) throw std::invalid_argument("unknown report format '" + format + "'");
  return root_ / id / ("report." + known->extension);
}

std::optional<std::string> ReportFiles::read(const std::string& id,
                                             const std::string& format) const {
  std::ifstream in(file(id, format), std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

void ReportFiles::remove(const std::string& id) const {
  std::error_code ignored;  // already gone is the goal
  std::filesystem::remove_all(root_ / id, ignored);
}

bool valid_report_id(const std::string& id) {
  static const std::regex pattern("^[0-9]{8}T[0-9]{6}Z-[0-9a-f]{8}$");
  return std::regex_match(id, pattern);
}

}  // namespace reporting
