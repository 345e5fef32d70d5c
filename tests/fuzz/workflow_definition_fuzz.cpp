// A workflow definition as uploaded (YAML or JSON), read by the host's YAML
// reader and judged with the host's schedule rules, as the plugin does.
#include "definition.hpp"
#include "document.hpp"
#include "fuzz_input.hpp"
#include "../unit/workflow/host_rules.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace workflow;
  static const ScheduleRules rules = host_schedule_rules();
  try {
    const nlohmann::json document = parse_document(agent_host::fuzz::text(data, size), host_yaml);
    Problems problems;
    (void)parse_definition(document, rules, problems);
  } catch (const DocumentError&) {
  }
  return 0;
}
