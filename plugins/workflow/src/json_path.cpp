#include "json_path.hpp"

namespace workflow::json_path {

json::json_pointer pointer_of(const std::vector<std::string>& segments) {
  json::json_pointer pointer;
  for (const auto& segment : segments) pointer /= segment;
  return pointer;
}

std::vector<std::string> split_dotted(const std::string& path) {
  std::vector<std::string> segments;
  if (path.empty()) return segments;
  size_t start = 0;
  for (size_t dot; (dot = path.find('.', start)) != std::string::npos; start = dot + 1)
    segments.push_back(path.substr(start, dot - start));
  segments.push_back(path.substr(start));
  return segments;
}

const json* find(const json& root, const json::json_pointer& pointer) {
  try {
    return root.contains(pointer) ? &root.at(pointer) : nullptr;
  } catch (const json::exception&) {
    return nullptr;  // an index too large for size_t
  }
}

size_t resolved_prefix(const json& root, const std::vector<std::string>& segments) {
  json::json_pointer prefix;
  size_t resolved = 0;
  for (const auto& segment : segments) {
    prefix /= segment;
    if (!find(root, prefix)) break;
    ++resolved;
  }
  return resolved;
}

}  // namespace workflow::json_path
