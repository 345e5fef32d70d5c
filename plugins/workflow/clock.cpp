#include "clock.hpp"

#include <agent_host/time.hpp>

namespace workflow {

int64_t now_ms() {
  return agent_host::now_ms();
}

std::string format_time(int64_t unix_ms) {
  return agent_host::format_rfc3339(unix_ms);
}

std::optional<int64_t> parse_time(std::string_view text) {
  return agent_host::parse_rfc3339(text);
}

}  // namespace workflow
