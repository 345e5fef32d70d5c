// Cron expressions as plugins and workflow triggers give them, and the next
// fire time in a zone with daylight saving time.
#include <chrono>

#include "fuzz_input.hpp"
#include "scheduler/cron_expression.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace agent_host::scheduler;
  try {
    const CronExpression cron = CronExpression::parse(agent_host::fuzz::text(data, size));
    static const auto* zone = find_zone("Europe/Berlin");
    const auto start = std::chrono::system_clock::time_point(std::chrono::hours(24 * 365 * 56));
    (void)cron.next_after(start, zone);
  } catch (const CronError&) {
  }
  return 0;
}
