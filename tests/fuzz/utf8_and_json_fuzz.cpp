// The request boundary's UTF-8 check and the SDK's bounded JSON parse of
// bodies and answers: they must agree that what parses is valid UTF-8.
#include <agent_host/sdk.hpp>

#include <cstdlib>

#include "fuzz_input.hpp"
#include "text/utf8.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input = agent_host::fuzz::text(data, size);
  const bool valid = agent_host::text::valid_utf8(input);
  try {
    const nlohmann::json parsed = agent_host::parse_json(input);
    if (!valid) std::abort();  // nlohmann accepted text our boundary refuses
    (void)agent_host::to_json_text(parsed);
  } catch (const agent_host::InvalidJson&) {
  }
  return 0;
}
