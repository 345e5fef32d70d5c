// Reporting's POST /reports body and its time values (RFC 3339, windows in a
// zone). Every refusal is an HttpError (4xx).
#include <agent_host/sdk.hpp>

#include <cstdlib>

#include "fuzz_input.hpp"
#include "routes.hpp"
#include "time_window.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace reporting;
  const std::string_view input = agent_host::fuzz::text(data, size);
  const TimePoint now = TimePoint(std::chrono::hours(24 * 20600));
  try {
    (void)parse_rfc3339(std::string(input));
  } catch (const std::exception&) {
  }
  try {
    (void)parse_report_request(agent_host::parse_json(input), now);
  } catch (const agent_host::InvalidJson&) {
  } catch (const agent_host::HttpError& e) {
    if (e.status() >= 500) std::abort();
  }
  return 0;
}
