#include "config/value_formats.hpp"

namespace agent_host::config {
namespace {

void walk(const nlohmann::json& schema, const nlohmann::json& value, const std::string& path,
          const FormatChecks& checks, std::vector<Problem>& problems) {
  if (!schema.is_object()) return;
  if (value.is_string() && !value.get_ref<const std::string&>().empty()) {
    const auto format = schema.find("format");
    if (format != schema.end() && format->is_string()) {
      const auto check = checks.find(format->get<std::string>());
      if (check != checks.end())
        if (auto problem = check->second(value.get<std::string>()))
          problems.push_back({path, *problem, {}});
    }
  }
  if (value.is_object()) {
    const auto properties = schema.find("properties");
    const auto others = schema.find("additionalProperties");
    for (const auto& [key, member] : value.items()) {
      const std::string below = path.empty() ? key : path + "." + key;
      if (properties != schema.end() && properties->contains(key))
        walk((*properties)[key], member, below, checks, problems);
      else if (others != schema.end())
        walk(*others, member, below, checks, problems);
    }
  }
  if (value.is_array() && schema.contains("items")) {
    for (std::size_t i = 0; i < value.size(); ++i)
      walk(schema["items"], value[i], path + "[" + std::to_string(i) + "]", checks, problems);
  }
}

}  // namespace

std::vector<Problem> check_formats(const nlohmann::json& schema, const nlohmann::json& document,
                                   const std::string& path, const FormatChecks& checks) {
  std::vector<Problem> problems;
  walk(schema, document, path, checks, problems);
  return problems;
}

std::optional<std::string> uri_problem(const std::string& value) {
  const auto scheme_end = value.find("://");
  if (scheme_end == std::string::npos || scheme_end == 0)
    return "\"" + value + "\" is not a URL; write it as scheme://host[:port][/path]";
  std::string authority = value.substr(scheme_end + 3);
  authority = authority.substr(0, authority.find_first_of("/?#"));
  authority = authority.substr(authority.rfind('@') == std::string::npos
                                   ? 0
                                   : authority.rfind('@') + 1);  // user:password@
  const auto bracket = authority.rfind(']');
  const auto colon = authority.rfind(':');
  const bool has_port = colon != std::string::npos && (bracket == std::string::npos || colon > bracket);
  const std::string host = has_port ? authority.substr(0, colon) : authority;
  if (host.empty()) return "\"" + value + "\" has no host";
  if (!has_port) return std::nullopt;
  const std::string port = authority.substr(colon + 1);
  if (port.empty() || port.size() > 5 || port.find_first_not_of("0123456789") != std::string::npos ||
      std::stoi(port) < 1 || std::stoi(port) > 65535)
    return "\"" + value + "\": port \"" + port + "\" is not a number from 1 to 65535";
  return std::nullopt;
}

}  // namespace agent_host::config
