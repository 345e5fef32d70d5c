// Step templates ("{{ steps.a.output.x }}"): scanned for references, then
// rendered against a context. Input: template JSON NUL context JSON.
#include <agent_host/sdk.hpp>

#include "fuzz_input.hpp"
#include "templating.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace workflow;
  const auto [value_text, context_text] =
      agent_host::fuzz::two_parts(agent_host::fuzz::text(data, size));
  try {
    const nlohmann::json value = agent_host::parse_json(value_text);
    const nlohmann::json context =
        context_text.empty() ? nlohmann::json::object() : agent_host::parse_json(context_text);
    Problems problems;
    (void)templating::scan(value, "with", problems);
    if (problems.empty()) (void)templating::render(value, context);
  } catch (const agent_host::InvalidJson&) {
  } catch (const templating::TemplateError&) {
  }
  return 0;
}
