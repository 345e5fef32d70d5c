#include "text/plugin_name.hpp"

namespace agent_host::text {

std::string plugin_name_problem(std::string_view name) {
  if (name.empty()) return "the name is empty";
  if (name.size() > 63) return "the name is longer than 63 characters";
  if (name.front() < 'a' || name.front() > 'z') return "the name must start with a letter a-z";
  for (char c : name)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'))
      return std::string("the name may hold only a-z, 0-9 and '-' (found '") + c + "')";
  return {};
}

}  // namespace agent_host::text
