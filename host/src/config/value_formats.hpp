// Values whose meaning a JSON Schema type cannot express (a cron expression,
// a time zone, a URL) are marked in a plugin's schema with "format"; the
// checkers that understand them live with the components that use the values
// (the scheduler, the HTTP client), and the runtime hands them in here, so
// check-config and start-up refuse the same values with the same words.
#pragma once

#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "config/problem.hpp"

namespace agent_host::config {

// What is wrong with a value, or nullopt when it is fine.
using FormatCheck = std::function<std::optional<std::string>(const std::string& value)>;
using FormatChecks = std::map<std::string, FormatCheck>;

// Every non-empty string in `document` whose schema names a format in
// `checks` is checked; the problems name the dotted path below `path`.
// Formats not in `checks` are left alone, as JSON Schema allows.
std::vector<Problem> check_formats(const nlohmann::json& schema, const nlohmann::json& document,
                                   const std::string& path, const FormatChecks& checks);

// The checks the host itself can make without other components: "uri" (a
// URL with a scheme, a host and, when given, a port from 1 to 65535).
std::optional<std::string> uri_problem(const std::string& value);

}  // namespace agent_host::config
