// Route patterns as plugins declare them, matched against a request path, and
// the query string parser. Input: pattern NUL path-and-query.
#include "fuzz_input.hpp"
#include "router/route_pattern.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace agent_host::router;
  const auto [pattern_text, target] = agent_host::fuzz::two_parts(agent_host::fuzz::text(data, size));
  const size_t question = target.find('?');
  const std::string_view path = target.substr(0, question);
  (void)parse_query(question == std::string_view::npos ? std::string_view() : target.substr(question + 1));
  (void)percent_decode(path);
  try {
    const RoutePattern pattern = RoutePattern::parse(pattern_text);
    Params params;
    (void)pattern.match(path, params);
  } catch (const RoutePatternError&) {
  }
  return 0;
}
