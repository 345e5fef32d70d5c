// JSON Logic conditions of workflow steps and triggers: checked, then applied
// to data. Input: rule NUL data, each JSON.
#include <agent_host/sdk.hpp>

#include "fuzz_input.hpp"
#include "json_logic.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace workflow;
  const auto [rule_text, data_text] = agent_host::fuzz::two_parts(agent_host::fuzz::text(data, size));
  try {
    const nlohmann::json rule = agent_host::parse_json(rule_text);
    const nlohmann::json input =
        data_text.empty() ? nlohmann::json::object() : agent_host::parse_json(data_text);
    Problems problems;
    json_logic::check(rule, "when", problems);
    if (problems.empty()) (void)json_logic::apply(rule, input);
  } catch (const agent_host::InvalidJson&) {
  } catch (const json_logic::LogicError&) {
  }
  return 0;
}
