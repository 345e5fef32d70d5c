// The formats a report is stored in, and how requests name them.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace reporting {

struct Format {
  std::string name;          // "markdown", "html", "json", "csv" (config and index)
  std::string extension;     // file name extension
  std::string content_type;  // what GET answers with
};

const std::vector<Format>& all_formats();
// By config name or a common alias ("md", "htm"); nullopt when unknown.
std::optional<Format> format_named(const std::string& name);

// Picks the stored format that best satisfies an Accept header (q-values,
// type/* and */* wildcards). Empty or absent Accept → json when stored, else
// the first stored. nullopt when nothing stored is acceptable.
std::optional<Format> negotiate(const std::string& accept, const std::vector<std::string>& stored);

}  // namespace reporting
