// Reads a workflow definition document written in YAML or JSON into JSON.
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string_view>

namespace workflow {

// A document that is not valid YAML/JSON; the message names line and column.
class DocumentError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Turns YAML text into JSON, throwing with a message that names the place:
// the host's reader (agent_host::Host::parse_yaml) in the plugin.
using YamlReader = std::function<nlohmann::json(std::string_view yaml)>;

// JSON when the text starts with '{' (after blanks), read with the SDK's
// bounded parse_json; YAML otherwise, read by `yaml`.
nlohmann::json parse_document(std::string_view text, const YamlReader& yaml);

}  // namespace workflow
