// JSON Logic (jsonlogic.com): the standard operators, evaluated against a JSON
// document. Debian ships no C++ implementation, so this is a small one of our own.
// Pure functions: no I/O, no code execution, bounded recursion.
#pragma once

#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>

#include "problems.hpp"

namespace workflow::json_logic {

using json = nlohmann::json;

// A rule that cannot be evaluated (unknown operator, wrong arity, too deep).
class LogicError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Evaluates `rule` against `data`. Throws LogicError.
json apply(const json& rule, const json& data);

// JSON Logic truthiness: false, null, 0, "", [] are false; everything else true.
bool truthy(const json& value);

// Adds a problem for every unknown operator or malformed operation in `rule`.
void check(const json& rule, const std::string& path, Problems& problems);

// Every path read through {"var": ...} with a literal path (for reference checks).
void collect_vars(const json& rule, std::vector<std::string>& out);

}  // namespace workflow::json_logic
