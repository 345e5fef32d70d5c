// Step inputs templated from the run's data: "{{ steps.fetch.output.body.id }}".
// Only paths: no expressions, no code. A string that is exactly one template
// takes the referenced JSON value (any type); templates inside a longer string
// are interpolated as text.
#pragma once

#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <vector>

#include "problems.hpp"

namespace workflow::templating {

using json = nlohmann::json;

class TemplateError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// One "{{ a.b[0].c }}" occurrence: its path segments and where it was found.
struct Reference {
  std::vector<std::string> segments;  // {"a", "b", "0", "c"}
  std::string text;                   // "a.b[0].c"
  std::string location;               // definition path of the string holding it
};

// Finds every template in the strings of `value`; syntax errors become problems.
std::vector<Reference> scan(const json& value, const std::string& path, Problems& problems);

// Replaces every template in `value` with data from `context`. Throws
// TemplateError naming the template when a path does not resolve.
json render(const json& value, const json& context);

// True when `value` holds no template at all (rendering would return it as is).
bool is_static(const json& value);

}  // namespace workflow::templating
