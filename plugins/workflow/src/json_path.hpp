// The one way workflow reads a value at a path inside a JSON document (template
// references, JSON Logic's var): object keys and array indexes, walked by
// nlohmann::json_pointer.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace workflow::json_path {

using json = nlohmann::json;

// {"a", "b", "0"} -> /a/b/0 (segments are taken literally, '/' and '~' included).
json::json_pointer pointer_of(const std::vector<std::string>& segments);

// "a.b.0" -> {"a", "b", "0"}; "" -> {} (the document itself).
std::vector<std::string> split_dotted(const std::string& path);

// The value at `pointer`, or nullptr when a segment is absent (a missing key, an
// index that is not a plain decimal or past the end, a step into a scalar).
const json* find(const json& root, const json::json_pointer& pointer);

// How many leading segments resolve, to say where a path stops matching.
size_t resolved_prefix(const json& root, const std::vector<std::string>& segments);

}  // namespace workflow::json_path
