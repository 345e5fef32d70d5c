// Reads a workflow definition document written in YAML or JSON into JSON.
#pragma once

#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string_view>

namespace workflow {

// A document that is not valid YAML/JSON; the message names line and column.
class DocumentError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// JSON when the text starts with '{' (after blanks), YAML otherwise. Plain YAML
// scalars are typed the YAML 1.2 core way (null, true/false, numbers); quoted
// ones stay strings.
nlohmann::json parse_document(std::string_view text);

}  // namespace workflow
