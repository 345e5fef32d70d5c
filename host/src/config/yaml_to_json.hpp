#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace agent_host::config {

// Parses one YAML document into JSON. Plain scalars are typed by the YAML 1.2
// core schema (true/false → bool, integers, floats, null/~/empty → null);
// quoted scalars and `!!str` stay strings. Throws ConfigError naming `file`,
// line and column for a syntax error, a duplicate key, a non-scalar key or a
// second document in the same file.
nlohmann::json yaml_to_json(const std::string& text, const std::string& file);

}  // namespace agent_host::config
