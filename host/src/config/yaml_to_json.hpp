#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace agent_host::config {

// The deepest nesting a YAML document may have (the SDK's limit for JSON).
constexpr int kYamlMaxDepth = 128;

// Parses one YAML document into JSON. Plain scalars are typed by the YAML 1.2
// core schema (true/false → bool, integers, floats, null/~/empty → null);
// quoted scalars and `!!str` stay strings. Throws ConfigError naming `file`,
// line and column for a syntax error, a duplicate key, a non-scalar key or a
// second document in the same file, and for a document whose aliases expand
// past a budget of about 16 bytes of values per byte of text, that nests
// deeper than kYamlMaxDepth, or that is not valid UTF-8.
nlohmann::json yaml_to_json(const std::string& text, const std::string& file);

}  // namespace agent_host::config
